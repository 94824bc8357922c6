"""Demo key projects: about 300 projects with milestone, money, KPI and report histories that produce
every light for real reasons, and their status history over the past year. Deterministic for a seed
and a day; column-wise (numpy arrays per field, one row per milestone / disbursement / report)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from kechuang.auth import audit
from kechuang.auth.scope import SYSTEM
from kechuang.chains.models import ChainNode, NodeItem, NodeLink
from kechuang.choices import TitleType
from kechuang.db import bulk_insert, table_of, utcnow
from kechuang.enterprises.models import Enterprise, Title
from kechuang.projects.models import PROJECT_TYPES, Fund, Kpi, Milestone, Project, Report, StatusChange
from kechuang.projects.status import ProjectFrames, statuses

SOURCE = "demo:generator"
TYPES = list(PROJECT_TYPES)
TYPE_P = [0.26, 0.2, 0.08, 0.22, 0.09, 0.15]
TYPE_TAG = {
    "key_core_tech": "GJ",
    "achievement_transfer": "ZH",
    "open_competition": "JB",
    "forward_tech": "QZ",
    "agri_rd": "NY",
    "innovative_product": "CP",
}
SUFFIX = {
    "key_core_tech": "关键核心技术攻关",
    "achievement_transfer": "成果转化及产业化",
    "open_competition": "揭榜挂帅攻关",
    "forward_tech": "关键技术研发",
    "agri_rd": "关键技术研究与示范",
    "innovative_product": "重大创新产品开发",
}
AGRI = (
    "优质弱筋小麦绿色高效生产",
    "高邮鸭种质资源保护与利用",
    "设施蔬菜智能化栽培",
    "稻渔综合种养",
    "宝应荷藕精深加工",
    "扬州鹅良种繁育",
    "水产健康养殖尾水治理",
    "丘陵茶园机械化采摘",
)
# behaviour: on track, slipping, stalled, ahead, over budget
BEHAVIOUR = np.array(["on_track", "slipping", "stalled", "ahead", "overspend"])
BEHAVIOUR_P = [0.6, 0.2, 0.08, 0.07, 0.05]
KPIS = (
    ("发明专利申请", "件", 4, 20),
    ("新产品销售收入", "万元", 500, 20000),
    ("关键技术指标达标项", "项", 3, 8),
    ("培养研发骨干", "人", 5, 30),
)


def _read(session: Session, stmt: Executable, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in session.execute(stmt).all()], schema=schema, orient="row")


def _days(d: np.ndarray) -> list[date]:
    return [date.fromordinal(int(x)) for x in d]


def demo_projects(session: Session, *, today: date, n: int = 300, seed: int = 2026) -> int:
    """Insert the demo projects once (nothing happens when demo projects exist); returns how many."""
    if session.scalar(select(Project.id).where(Project.source == SOURCE).limit(1)) is not None:
        return 0
    rng = np.random.default_rng(seed)
    firms = _read(
        session,
        select(Enterprise.id, Enterprise.name, Enterprise.region_code, Enterprise.sort_revenue),
        {"enterprise_id": pl.Int64, "name": pl.String, "region_code": pl.String, "revenue": pl.Int64},
    )
    if firms.is_empty():
        return 0
    hnte = _read(
        session,
        select(Title.enterprise_id).where(Title.type == TitleType.hnte.value).distinct(),
        {"enterprise_id": pl.Int64},
    )
    pool = firms.join(hnte, on="enterprise_id").sort("revenue", descending=True).head(max(n * 3, 50))
    if pool.is_empty():
        pool = firms.sort("revenue", descending=True).head(max(n * 3, 50))
    links = _read(
        session,
        select(NodeLink.enterprise_id, NodeLink.node_id, ChainNode.name)
        .join(ChainNode, ChainNode.id == NodeLink.node_id)
        .where(NodeLink.kind == "enterprise"),
        {"enterprise_id": pl.Int64, "node_id": pl.Int64, "node_name": pl.String},
    ).unique("enterprise_id")
    items = _read(
        session,
        select(NodeItem.node_id, NodeItem.id, NodeItem.name).where(
            NodeItem.kind.in_(["technology", "material", "process"]),
            NodeItem.chokepoint | (NodeItem.supply == "imported"),
        ),
        {"node_id": pl.Int64, "item_id": pl.Int64, "item": pl.String},
    ).unique("node_id")
    owners = (
        pool.sample(n, with_replacement=pool.height < n, seed=seed)
        .join(links, on="enterprise_id", how="left")
        .join(items, on="node_id", how="left")
    )
    ptype = rng.choice(TYPES, n, p=TYPE_P)
    behaviour = rng.choice(BEHAVIOUR, n, p=BEHAVIOUR_P)
    t0 = today.toordinal()
    start = t0 - rng.integers(0, 1000, n)
    end = start + rng.integers(730, 1100, n)
    topic = np.where(
        owners["item"].is_not_null().to_numpy() & (ptype != "agri_rd"),
        owners["item"].fill_null("").to_numpy(),
        np.where(
            owners["node_name"].is_not_null().to_numpy(),
            owners["node_name"].fill_null("").to_numpy(),
            owners["name"].to_numpy(),
        ),
    )
    topic = np.where(ptype == "agri_rd", rng.choice(AGRI, n), topic)
    years = np.array([date.fromordinal(int(s)).year for s in start])
    codes = [f"YZ{y}{TYPE_TAG[t]}{k + 1:03d}" for k, (y, t) in enumerate(zip(years, ptype, strict=True))]
    fiscal = (np.exp(rng.normal(np.log(3e6), 0.7, n)) // 10000 * 10000).astype(np.int64)
    self_raised = (fiscal * rng.uniform(1, 3, n) // 10000 * 10000).astype(np.int64)
    now = utcnow()
    projects = pl.DataFrame(
        {
            "code": codes,
            "name": [f"{a}{SUFFIX[t]}" for a, t in zip(topic, ptype, strict=True)],
            "type": ptype,
            "owner_enterprise_id": owners["enterprise_id"],
            "owner_name": owners["name"],
            "partners": rng.choice(
                ["扬州大学", "江苏大学", "南京理工大学", "东南大学", "中国科学院南京分院", "扬州市职业大学"],
                n,
            ),
            "region_code": owners["region_code"],
            "node_id": owners["node_id"],
            "item_id": owners["item_id"].set(pl.Series(ptype != "key_core_tech"), None),
            "fiscal_budget": fiscal,
            "self_budget": self_raised,
            "start_on": _days(start),
            "end_on": _days(end),
            "source": SOURCE,
            "created_at": now,
            "updated_at": now,
        }
    )
    bulk_insert(session, table_of(Project), projects)
    ids = dict(session.execute(select(Project.code, Project.id).where(Project.source == SOURCE)).all())
    pid = np.array([ids[c] for c in codes])

    # milestones: 4-6, evenly spaced from start + 90 days to the end
    k = rng.integers(4, 7, n)
    rep = np.repeat(np.arange(n), k)
    pos = np.concatenate([np.arange(1, m + 1) for m in k])
    span = (end - start - 90)[rep]
    planned = start[rep] + 90 + (span * (pos - 1) // np.maximum(k[rep] - 1, 1))
    b = behaviour[rep]
    due = planned <= t0
    delay = np.select(
        [b == "ahead", b == "slipping", b == "stalled"],
        [-rng.integers(5, 30, len(rep)), rng.integers(5, 40, len(rep)), rng.integers(20, 90, len(rep))],
        rng.integers(-10, 12, len(rep)),
    )
    actual = planned + delay
    same_next = pos < k[rep]  # the next row is a milestone of the same project
    last_due = due & ~(np.roll(due, -1) & same_next)  # the latest due milestone of each project
    coin = rng.random(len(rep)) < 0.5
    open_last = last_due & (((b == "slipping") & coin & (t0 - planned > 30)) | (b == "stalled"))
    second_last = np.roll(last_due, -1) & same_next & (b == "stalled") & due
    not_done = open_last | second_last | (actual > t0)
    done_on = [date.fromordinal(int(a)) if not nd else None for a, nd in zip(actual, not_done, strict=True)]
    names = np.array(
        ["方案设计与评审", "关键技术突破", "样机（中试）研制", "性能测试与验证", "小批量试产", "验收与产业化"]
    )
    bulk_insert(
        session,
        table_of(Milestone),
        pl.DataFrame(
            {
                "project_id": pid[rep],
                "name": names[np.minimum(pos - 1, 5)],
                "planned_on": _days(planned),
                "actual_on": pl.Series(done_on, dtype=pl.Date),
                "weight": np.where(pos == k[rep], 2.0, 1.0),
                "evidence": np.where(np.array(not_done), "", "阶段报告及专家意见"),
            }
        ),
    )

    # money: a quarterly plan over the project, actuals around the plan by behaviour
    quarters = np.maximum((end - start) // 91, 1)
    qrep = np.repeat(np.arange(n), quarters)
    qpos = np.concatenate([np.arange(q) for q in quarters])
    plan_on = start[qrep] + 91 * qpos + 30
    total = (fiscal + self_raised)[qrep]
    plan_amount = total // quarters[qrep]
    factor = np.select(
        [behaviour[qrep] == "slipping", behaviour[qrep] == "stalled", behaviour[qrep] == "overspend"],
        [
            rng.uniform(0.84, 0.96, len(qrep)),
            rng.uniform(0.45, 0.8, len(qrep)),
            rng.uniform(1.12, 1.32, len(qrep)),
        ],
        rng.uniform(0.96, 1.06, len(qrep)),
    )
    paid_on = plan_on + rng.integers(0, 20, len(qrep))
    paid = paid_on <= t0
    funds = pl.concat(
        [
            pl.DataFrame(
                {
                    "project_id": pid[qrep],
                    "kind": "plan",
                    "source": "fiscal",
                    "on": _days(plan_on),
                    "amount": plan_amount,
                }
            ),
            pl.DataFrame(
                {
                    "project_id": pid[qrep][paid],
                    "kind": "actual",
                    "source": "fiscal",
                    "on": _days(paid_on[paid]),
                    "amount": (plan_amount * factor)[paid].astype(np.int64),
                }
            ),
        ]
    )
    bulk_insert(session, table_of(Fund), funds)

    # KPIs: two or three, due at the end; half the projects have a mid-term one
    kk = rng.integers(2, 4, n)
    krep = np.repeat(np.arange(n), kk)
    which = np.concatenate([rng.choice(len(KPIS), m, replace=False) for m in kk])
    lo, hi = np.array([x[2] for x in KPIS])[which], np.array([x[3] for x in KPIS])[which]
    target = rng.integers(lo, hi + 1)
    mid = (rng.random(len(krep)) < 0.5) & (np.concatenate([np.arange(m) for m in kk]) == 0)
    kdue = np.where(mid, (start[krep] + end[krep]) // 2, end[krep])
    attained = np.select(
        [behaviour[krep] == "slipping", behaviour[krep] == "stalled"],
        [rng.uniform(0.86, 0.97, len(krep)), rng.uniform(0.4, 0.84, len(krep))],
        rng.uniform(0.97, 1.3, len(krep)),
    )
    kactual = np.where(kdue <= t0, np.round(target * attained, 1), np.round(target * attained * 0.6, 1))
    bulk_insert(
        session,
        table_of(Kpi),
        pl.DataFrame(
            {
                "project_id": pid[krep],
                "name": np.array([x[0] for x in KPIS])[which],
                "unit": np.array([x[1] for x in KPIS])[which],
                "target": target.astype(float),
                "actual": kactual,
                "due_on": _days(kdue),
                "direction": 1,
            }
        ),
    )

    # half-yearly progress reports
    halves = np.maximum((end - start) // 182, 1)
    rrep = np.repeat(np.arange(n), halves)
    rpos = np.concatenate([np.arange(1, h + 1) for h in halves])
    rdue = start[rrep] + 182 * rpos
    late = np.select(
        [behaviour[rrep] == "slipping", behaviour[rrep] == "stalled"],
        [rng.integers(3, 30, len(rrep)), rng.integers(30, 80, len(rrep))],
        rng.integers(-10, 8, len(rrep)),
    )
    submitted = rdue + late
    missing = (submitted > t0) | ((behaviour[rrep] == "stalled") & (rdue <= t0) & (rdue > t0 - 120))
    bulk_insert(
        session,
        table_of(Report),
        pl.DataFrame(
            {
                "project_id": pid[rrep],
                "name": [f"第{p}次半年度进展报告" for p in rpos],
                "due_on": _days(rdue),
                "submitted_on": pl.Series(
                    [
                        None if m else date.fromordinal(int(s))
                        for s, m in zip(submitted, missing, strict=True)
                    ],
                    dtype=pl.Date,
                ),
            }
        ),
    )
    _history(session, pid, today)
    audit.record(
        session,
        SYSTEM,
        entity="projects",
        action="import",
        summary=f"演示数据：{n} 个重点项目及其里程碑、资金、绩效和报告",
    )
    return n


def _history(session: Session, pid: np.ndarray, today: date) -> None:
    """The status at each month end of the past year and today, kept where the light changed."""
    from kechuang.projects.service import frames, project_frame

    projects = project_frame(session, SYSTEM).filter(pl.col("project_id").is_in(pid.tolist()))
    f = frames(session, projects)
    days = sorted(
        {
            date(today.year - (m > today.month - 1), (today.month - 1 - m) % 12 + 1, 1) - timedelta(days=1)
            for m in range(12)
        }
        | {today}
    )
    rows = []
    for day in days:  # one column-wise evaluation per month end
        live = projects.filter(pl.col("start_on") <= day).select("project_id")
        s = statuses(ProjectFrames(live, f.milestones, f.plan, f.spent, f.kpis, f.reports), day)
        rows.append(s.select("project_id", pl.lit(day).alias("on"), "light", "reasons"))
    hist = (
        pl.concat(rows)
        .sort(["project_id", "on"])
        .filter(pl.col("light") != pl.col("light").shift(1).over("project_id").fill_null(""))
        .with_columns(pl.col("light").alias("computed_light"), pl.lit(False).alias("overridden"))
    )
    bulk_insert(
        session,
        table_of(StatusChange),
        hist.select("project_id", "on", "light", "computed_light", "overridden", "reasons"),
    )
