"""The project status engine (红绿黄灯), pure and column-wise (Polars).

Every measure is a ratio of sums, so a roll-up over many projects uses the same formulas on summed
quantities (``rollup``), never an average of colours:

- schedule index = Σ weight of milestones done ÷ Σ weight of milestones due (planned on or before
  the day);
- spend index = money spent to date ÷ money planned to date (the disbursement plan, cumulative).
  Under-spending is flagged by the same bands as the schedule; over-spending above
  ``overspend_yellow`` / ``overspend_red``;
- KPI attainment = Σ min(actual ÷ target, 1) ÷ number of KPIs due (lower-is-better KPIs use target ÷
  actual);
- overdue milestone = the most days a due milestone is still not done;
- missed report = the most days a due report is still not submitted.

A measure with nothing due yet is not judged. A project with nothing judged is grey ("too early").
Overall = the worst light, with every reason in plain Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from kechuang.choices import Light

LIGHTS = tuple(Light.values())  # in order of severity
LIGHT_LABELS = Light.labels()
SEVERITY = Light.severities()


@dataclass(frozen=True)
class Thresholds:
    """The documented defaults (docs/projects.md); a city may configure its own."""

    green: float = 0.95  # an index at or above this is green
    yellow: float = 0.85  # at or above this yellow; below, red
    overspend_yellow: float = 1.10  # spent above 110% of the plan to date → at least yellow
    overspend_red: float = 1.25  # above 125% → red
    milestone_yellow_days: int = 30  # a milestone overdue by more than this → at least yellow
    milestone_red_days: int = 90
    report_yellow_days: int = 15  # a report overdue by more than this → at least yellow
    report_red_days: int = 45

    def problems(self) -> list[str]:
        out = []
        if not 0 < self.yellow <= self.green:
            out.append(f"黄灯阈值 {self.yellow} 应大于 0 且不大于绿灯阈值 {self.green}")
        if not 1 <= self.overspend_yellow <= self.overspend_red:
            out.append("超支阈值应满足 1 ≤ 黄灯 ≤ 红灯")
        if not 0 <= self.milestone_yellow_days <= self.milestone_red_days:
            out.append("里程碑逾期天数阈值应满足 0 ≤ 黄灯 ≤ 红灯")
        if not 0 <= self.report_yellow_days <= self.report_red_days:
            out.append("报告逾期天数阈值应满足 0 ≤ 黄灯 ≤ 红灯")
        return out


DEFAULT = Thresholds()


@dataclass(frozen=True)
class ProjectFrames:
    """milestones: project_id, planned (date), actual (date | null), weight
    plan: project_id, date, amount — the disbursement plan (yuan)
    spent: project_id, date, amount — actual disbursements (yuan)
    kpis: project_id, target, actual (null), due (date), direction (+1 | -1)
    reports: project_id, due, submitted (null)
    projects: project_id (every project to judge)"""

    projects: pl.DataFrame
    milestones: pl.DataFrame
    plan: pl.DataFrame
    spent: pl.DataFrame
    kpis: pl.DataFrame
    reports: pl.DataFrame


def quantities(f: ProjectFrames, today: date) -> pl.DataFrame:
    """The summable quantities behind every measure, one row per project."""
    day = pl.lit(today)
    m = f.milestones.with_columns(pl.col("weight").cast(pl.Float64).fill_null(1.0))
    done = pl.col("actual").is_not_null() & (pl.col("actual") <= day)
    due = pl.col("planned") <= day
    late = pl.when(due & ~done).then((day - pl.col("planned")).dt.total_days())
    ms = m.group_by("project_id").agg(
        pl.col("weight").filter(done).sum().alias("done_weight"),
        pl.col("weight").filter(due).sum().alias("due_weight"),
        late.max().alias("milestone_overdue_days"),
        (due & ~done).sum().alias("milestones_overdue"),
    )
    plan = (
        f.plan.filter(pl.col("date") <= day)
        .group_by("project_id")
        .agg(pl.col("amount").cast(pl.Float64).sum().alias("planned_to_date"))
    )
    spent = (
        f.spent.filter(pl.col("date") <= day)
        .group_by("project_id")
        .agg(pl.col("amount").cast(pl.Float64).sum().alias("spent_to_date"))
    )
    ratio = (
        pl.when(pl.col("direction") < 0)
        .then(pl.col("target") / pl.col("actual"))
        .otherwise(pl.col("actual") / pl.col("target"))
    )
    kp = (
        f.kpis.filter(pl.col("due") <= day)
        .with_columns(pl.col("target", "actual").cast(pl.Float64))
        .with_columns(
            pl.when(pl.col("actual").is_null() | (pl.col("target") <= 0))
            .then(0.0)
            .otherwise(ratio.clip(0, 1))
            .fill_nan(0.0)
            .alias("attained")
        )
        .group_by("project_id")
        .agg(pl.col("attained").sum().alias("kpi_attained"), pl.len().cast(pl.Float64).alias("kpis_due"))
    )
    rep_due = pl.col("due") < day
    rep_missing = rep_due & pl.col("submitted").is_null()
    rp = f.reports.group_by("project_id").agg(
        pl.when(rep_missing).then((day - pl.col("due")).dt.total_days()).max().alias("report_overdue_days"),
        rep_missing.sum().alias("reports_missing"),
    )
    out = f.projects.select("project_id")
    for part in (ms, plan, spent, kp, rp):
        out = out.join(part, on="project_id", how="left")
    return out.with_columns(
        pl.col(
            "done_weight", "due_weight", "planned_to_date", "spent_to_date", "kpi_attained", "kpis_due"
        ).fill_null(0.0),
        pl.col("milestones_overdue", "reports_missing").fill_null(0).cast(pl.Int64),
        pl.col("milestone_overdue_days", "report_overdue_days").cast(pl.Int64),
    )


def _band(index: pl.Expr, t: Thresholds) -> pl.Expr:
    return (
        pl.when(index.is_null())
        .then(pl.lit("grey"))
        .when(index >= t.green)
        .then(pl.lit("green"))
        .when(index >= t.yellow)
        .then(pl.lit("yellow"))
        .otherwise(pl.lit("red"))
    )


def _days(days: pl.Expr, yellow: int, red: int) -> pl.Expr:
    return (
        pl.when(days.is_null())
        .then(pl.lit("grey"))
        .when(days > red)
        .then(pl.lit("red"))
        .when(days > yellow)
        .then(pl.lit("yellow"))
        .otherwise(pl.lit("green"))
    )


def _pct(expr: pl.Expr) -> pl.Expr:
    return (expr * 100).round(1).cast(pl.String) + pl.lit("%")


def judge(q: pl.DataFrame, t: Thresholds = DEFAULT) -> pl.DataFrame:
    """Indices, a light per measure, the overall light and the reasons, from summed quantities (works
    on one row per project as on one row per roll-up group)."""
    schedule = pl.when(pl.col("due_weight") > 0).then(pl.col("done_weight") / pl.col("due_weight"))
    spend = pl.when(pl.col("planned_to_date") > 0).then(pl.col("spent_to_date") / pl.col("planned_to_date"))
    kpi = pl.when(pl.col("kpis_due") > 0).then(pl.col("kpi_attained") / pl.col("kpis_due"))
    out = q.with_columns(schedule.alias("schedule_index"), spend.alias("spend_index"), kpi.alias("kpi_index"))
    s, sp, k = pl.col("schedule_index"), pl.col("spend_index"), pl.col("kpi_index")
    spend_light = (
        pl.when(sp.is_null())
        .then(pl.lit("grey"))
        .when(sp > t.overspend_red)
        .then(pl.lit("red"))
        .when(sp > t.overspend_yellow)
        .then(pl.lit("yellow"))
        .otherwise(_band(sp, t))
    )
    lights = {
        "schedule_light": _band(s, t),
        "spend_light": spend_light,
        "kpi_light": _band(k, t),
        "milestone_light": _days(
            pl.col("milestone_overdue_days"), t.milestone_yellow_days, t.milestone_red_days
        ),
        "report_light": _days(pl.col("report_overdue_days"), t.report_yellow_days, t.report_red_days),
    }
    out = out.with_columns(*(e.alias(n) for n, e in lights.items()))
    worst = pl.max_horizontal(*(pl.col(n).replace_strict(SEVERITY, return_dtype=pl.Int8) for n in lights))
    g, y = f"{t.green:.0%}", f"{t.yellow:.0%}"
    reasons = [
        pl.when(pl.col("schedule_light").is_in(["yellow", "red"])).then(
            pl.lit("里程碑进度 ")
            + _pct(s)
            + pl.lit(f"（应不低于 {g}）：已完成权重 ")
            + pl.col("done_weight").round(1).cast(pl.String)
            + pl.lit("，到期权重 ")
            + pl.col("due_weight").round(1).cast(pl.String)
        ),
        pl.when(pl.col("spend_light").is_in(["yellow", "red"]) & (sp > t.overspend_yellow)).then(
            pl.lit("资金支出超计划：已支出为计划的 ")
            + _pct(sp)
            + pl.lit(f"（超过 {t.overspend_yellow:.0%} 即预警）")
        ),
        pl.when(pl.col("spend_light").is_in(["yellow", "red"]) & (sp < t.green)).then(
            pl.lit("资金支出滞后：已支出为计划的 ") + _pct(sp) + pl.lit(f"（应不低于 {g}）")
        ),
        pl.when(pl.col("kpi_light").is_in(["yellow", "red"])).then(
            pl.lit("绩效指标完成度 ") + _pct(k) + pl.lit(f"（应不低于 {g}，低于 {y} 为红灯）")
        ),
        pl.when(pl.col("milestone_light").is_in(["yellow", "red"])).then(
            pl.col("milestones_overdue").cast(pl.String)
            + pl.lit(" 个里程碑逾期未完成，最长逾期 ")
            + pl.col("milestone_overdue_days").cast(pl.String)
            + pl.lit(f" 天（超过 {t.milestone_yellow_days} 天黄灯、{t.milestone_red_days} 天红灯）")
        ),
        pl.when(pl.col("report_light").is_in(["yellow", "red"])).then(
            pl.col("reports_missing").cast(pl.String)
            + pl.lit(" 份报告逾期未交，最长逾期 ")
            + pl.col("report_overdue_days").cast(pl.String)
            + pl.lit(f" 天（超过 {t.report_yellow_days} 天黄灯、{t.report_red_days} 天红灯）")
        ),
    ]
    ok_text = pl.concat_str(
        [
            pl.when(s.is_not_null()).then(pl.lit("里程碑进度 ") + _pct(s)),
            pl.when(sp.is_not_null()).then(pl.lit("资金支出为计划的 ") + _pct(sp)),
            pl.when(k.is_not_null()).then(pl.lit("绩效指标完成度 ") + _pct(k)),
        ],
        separator="；",
        ignore_nulls=True,
    )
    listed = pl.concat_list(reasons).list.drop_nulls()
    light = worst.replace_strict(dict(enumerate(LIGHTS)), return_dtype=pl.String)
    return out.with_columns(light.alias("light")).with_columns(
        pl.when(pl.col("light") == "grey")
        .then(pl.concat_list(pl.lit("尚未到考核节点：没有到期的里程碑、资金计划、绩效指标或报告")))
        .when(pl.col("light") == "green")
        .then(pl.concat_list(pl.lit("正常：") + ok_text))
        .otherwise(listed)
        .alias("reasons")
    )


def statuses(f: ProjectFrames, today: date, t: Thresholds = DEFAULT) -> pl.DataFrame:
    """One row per project: quantities, indices, lights per measure, light and reasons."""
    return judge(quantities(f, today), t)


SUMMED = (
    "done_weight",
    "due_weight",
    "planned_to_date",
    "spent_to_date",
    "kpi_attained",
    "kpis_due",
    "milestones_overdue",
    "reports_missing",
)


def rollup(q: pl.DataFrame, by: str | list[str], t: Thresholds = DEFAULT) -> pl.DataFrame:
    """Roll-up by a grouping column: the same indices over the summed quantities (never an average of
    colours), the largest overdue days, and the count of projects per light."""
    counts = (
        q.group_by(by).agg(
            pl.len().alias("projects"), *((pl.col("light") == k).sum().alias(f"n_{k}") for k in LIGHTS)
        )
        if "light" in q.columns
        else None
    )
    # the group's light comes from the indices over its sums; overdue days are per project, so the
    # group shows its worst case beside the light instead of letting one project colour the group
    sums = q.group_by(by).agg(
        *(pl.col(c).sum() for c in SUMMED),
        pl.col("milestone_overdue_days").max().alias("max_milestone_overdue_days"),
        pl.col("report_overdue_days").max().alias("max_report_overdue_days"),
    )
    out = judge(
        sums.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("milestone_overdue_days"),
            pl.lit(None, dtype=pl.Int64).alias("report_overdue_days"),
        ),
        t,
    )
    return out.join(counts, on=by, how="left") if counts is not None else out
