"""The project status engine: table tests at every threshold edge, reasons, and roll-ups from sums."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from kechuang.projects.status import DEFAULT, ProjectFrames, Thresholds, quantities, rollup, statuses

TODAY = date(2026, 6, 30)
D = pl.Date


def frames(milestones=(), plan=(), spent=(), kpis=(), reports=(), projects=(1,)) -> ProjectFrames:  # type: ignore[no-untyped-def]
    return ProjectFrames(
        projects=pl.DataFrame({"project_id": list(projects)}, schema={"project_id": pl.Int64}),
        milestones=pl.DataFrame(
            list(milestones),
            schema={"project_id": pl.Int64, "planned": D, "actual": D, "weight": pl.Float64},
            orient="row",
        ),
        plan=pl.DataFrame(
            list(plan), schema={"project_id": pl.Int64, "date": D, "amount": pl.Float64}, orient="row"
        ),
        spent=pl.DataFrame(
            list(spent), schema={"project_id": pl.Int64, "date": D, "amount": pl.Float64}, orient="row"
        ),
        kpis=pl.DataFrame(
            list(kpis),
            schema={
                "project_id": pl.Int64,
                "target": pl.Float64,
                "actual": pl.Float64,
                "due": D,
                "direction": pl.Int64,
            },
            orient="row",
        ),
        reports=pl.DataFrame(
            list(reports), schema={"project_id": pl.Int64, "due": D, "submitted": D}, orient="row"
        ),
    )


def one(f: ProjectFrames, t: Thresholds = DEFAULT) -> dict:  # type: ignore[type-arg]
    return statuses(f, TODAY, t).row(0, named=True)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def milestones_at(index: float) -> list[tuple]:  # type: ignore[type-arg]
    """Two due milestones (weights index·100 done of 100), done ones on time."""
    return [(1, ago(10), ago(10), index * 100), (1, ago(10), None, (1 - index) * 100)]


@pytest.mark.parametrize(
    ("index", "light"),
    [(1.0, "green"), (0.95, "green"), (0.9499, "yellow"), (0.85, "yellow"), (0.8499, "red"), (0.0, "red")],
)
def test_schedule_bands(index: float, light: str) -> None:
    r = one(frames(milestones=milestones_at(index)))
    assert r["schedule_index"] == pytest.approx(index)
    assert r["schedule_light"] == light and r["light"] == light


@pytest.mark.parametrize(
    ("ratio", "light"),
    [
        (0.8499, "red"),
        (0.85, "yellow"),
        (0.9499, "yellow"),
        (0.95, "green"),
        (1.0, "green"),
        (1.10, "green"),
        (1.1001, "yellow"),
        (1.25, "yellow"),
        (1.2501, "red"),
    ],
)
def test_spend_bands_flag_under_and_over_spending(ratio: float, light: str) -> None:
    r = one(
        frames(
            plan=[(1, ago(40), 1_000_000.0), (1, TODAY + timedelta(days=30), 5_000_000.0)],
            spent=[(1, ago(5), 1_000_000.0 * ratio)],
        )
    )
    assert r["spend_index"] == pytest.approx(ratio) and r["spend_light"] == light and r["light"] == light
    if light != "green":
        text = r["reasons"][0]
        assert ("超计划" in text) if ratio > 1 else ("滞后" in text)


@pytest.mark.parametrize(
    ("days", "light"), [(0, "green"), (30, "green"), (31, "yellow"), (90, "yellow"), (91, "red")]
)
def test_overdue_milestone_days(days: int, light: str) -> None:
    # the schedule index is kept green by a heavy done milestone, so only the overdue days decide
    r = one(frames(milestones=[(1, ago(days), None, 1.0), (1, ago(200), ago(200), 99.0)]))
    assert r["milestone_overdue_days"] == days and r["milestone_light"] == light and r["light"] == light
    if light != "green":
        assert f"最长逾期 {days} 天" in " ".join(r["reasons"])


@pytest.mark.parametrize(
    ("days", "light"), [(1, "green"), (15, "green"), (16, "yellow"), (45, "yellow"), (46, "red")]
)
def test_missed_report_days(days: int, light: str) -> None:
    r = one(frames(reports=[(1, ago(days), None), (1, ago(100), ago(99))]))
    assert r["report_overdue_days"] == days and r["report_light"] == light and r["light"] == light


def test_a_report_due_today_or_submitted_is_not_missed() -> None:
    r = one(frames(reports=[(1, TODAY, None), (1, ago(60), ago(2))]))
    assert r["reports_missing"] == 0 and r["report_light"] == "grey" and r["light"] == "grey"


@pytest.mark.parametrize(
    ("attained", "light"), [(0.95, "green"), (0.9499, "yellow"), (0.85, "yellow"), (0.8499, "red")]
)
def test_kpi_attainment_bands(attained: float, light: str) -> None:
    r = one(frames(kpis=[(1, 100.0, attained * 100, ago(1), 1)]))
    assert r["kpi_index"] == pytest.approx(attained) and r["kpi_light"] == light and r["light"] == light


def test_kpis_cap_at_their_target_and_lower_is_better_inverts() -> None:
    # 150% of one KPI cannot hide a missed other; energy use 12 against a target of at most 10 → 10/12
    r = one(
        frames(
            kpis=[
                (1, 100.0, 150.0, ago(1), 1),
                (1, 10.0, 12.0, ago(1), -1),
                (1, 5.0, None, ago(1), 1),
                (1, 5.0, 0.0, TODAY + timedelta(days=1), 1),
            ]
        )
    )
    assert r["kpis_due"] == 3 and r["kpi_index"] == pytest.approx((1 + 10 / 12 + 0) / 3)


def test_grey_before_anything_is_due() -> None:
    future = TODAY + timedelta(days=10)
    r = one(
        frames(
            milestones=[(1, future, None, 1.0)],
            plan=[(1, future, 100.0)],
            kpis=[(1, 1.0, None, future, 1)],
            reports=[(1, future, None)],
        )
    )
    assert r["light"] == "grey" and r["reasons"] == [
        "尚未到考核节点：没有到期的里程碑、资金计划、绩效指标或报告"
    ]
    assert one(frames())["light"] == "grey"  # a project with nothing at all


def test_overall_is_the_worst_with_every_reason() -> None:
    r = one(
        frames(
            milestones=milestones_at(0.9) + [(1, ago(100), None, 0.0)],
            plan=[(1, ago(10), 100.0)],
            spent=[(1, ago(1), 130.0)],
            reports=[(1, ago(20), None)],
        )
    )
    assert r["schedule_light"] == "yellow" and r["spend_light"] == "red" and r["milestone_light"] == "red"
    assert r["report_light"] == "yellow" and r["light"] == "red"
    text = "\n".join(r["reasons"])
    assert "里程碑进度 90.0%（应不低于 95%）" in text and "资金支出超计划：已支出为计划的 130.0%" in text
    assert "2 个里程碑逾期未完成，最长逾期 100 天" in text and "1 份报告逾期未交，最长逾期 20 天" in text
    assert len(r["reasons"]) == 4


def test_green_names_its_figures() -> None:
    r = one(frames(milestones=milestones_at(1.0), plan=[(1, ago(1), 100.0)], spent=[(1, ago(1), 100.0)]))
    assert r["light"] == "green" and r["reasons"] == ["正常：里程碑进度 100.0%；资金支出为计划的 100.0%"]


def test_early_work_counts_and_future_money_does_not() -> None:
    r = one(
        frames(
            milestones=[(1, ago(5), ago(6), 1.0), (1, TODAY + timedelta(days=20), ago(1), 1.0)],
            plan=[(1, ago(1), 100.0), (1, TODAY + timedelta(days=1), 900.0)],
            spent=[(1, ago(1), 100.0), (1, TODAY + timedelta(days=1), 900.0)],
        )
    )
    assert r["schedule_index"] == pytest.approx(2.0) and r["spend_index"] == pytest.approx(1.0)


def test_custom_thresholds_and_their_validation() -> None:
    strict = Thresholds(green=0.99, yellow=0.97)
    assert one(frames(milestones=milestones_at(0.98)), strict)["light"] == "yellow"
    assert one(frames(milestones=milestones_at(0.98)))["light"] == "green"
    assert Thresholds(green=0.8, yellow=0.9).problems() and not DEFAULT.problems()


def test_a_rollup_is_computed_from_sums_not_colours() -> None:
    # project 1: 1 of 1 small milestone done (green); project 2: 0 of 1 done (red); 3: 9 of 10 (yellow).
    # Averaging colours (green, red, yellow) would say yellow; the sums say 10 done of 12 due = 83% → red.
    ms = (
        [(1, ago(5), ago(5), 1.0), (2, ago(5), None, 1.0)]
        + [(3, ago(5), ago(5), 1.0)] * 9
        + [(3, ago(5), None, 1.0)]
    )
    f = frames(milestones=ms, projects=(1, 2, 3))
    per = statuses(f, TODAY).with_columns(pl.lit("广陵区").alias("region"))
    assert per.sort("project_id")["schedule_light"].to_list() == ["green", "red", "yellow"]
    group = rollup(per, "region").row(0, named=True)
    assert group["done_weight"] == 10 and group["due_weight"] == 12
    assert group["schedule_index"] == pytest.approx(10 / 12) and group["light"] == "red"
    assert (group["projects"], group["n_green"], group["n_yellow"], group["n_red"]) == (3, 1, 1, 1)
    # and the other way: two tiny red projects beside one large green project roll up green
    ms2 = [(1, ago(5), None, 1.0), (2, ago(5), None, 1.0)] + [(3, ago(5), ago(5), 1.0)] * 98
    group2 = rollup(
        statuses(frames(milestones=ms2, projects=(1, 2, 3)), TODAY).with_columns(pl.lit("x").alias("region")),
        "region",
    ).row(0, named=True)
    assert (
        group2["schedule_index"] == pytest.approx(0.98)
        and group2["light"] == "green"
        and group2["n_red"] == 2
    )


def test_quantities_are_one_row_per_project_even_without_data() -> None:
    q = quantities(frames(projects=(1, 2, 3), milestones=[(2, ago(1), None, 1.0)]), TODAY)
    assert q.height == 3 and q.sort("project_id")["due_weight"].to_list() == [0.0, 1.0, 0.0]
