"""The matching jobs: recompute the stored matches of every open demand (profiles and the atlas change);
turn signed demands into the targets page's 产学研合作 and 技术合同 figures."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kechuang.jobs.catalogue import Job
from kechuang.matching import figures, matching


def run_matching(session: Session, today: date) -> str:
    made = matching.refresh(session)
    return f"重新计算需求匹配 {made} 条"


def run_figures(session: Session, today: date) -> str:
    written = figures.feed(session, today)
    return f"更新需求对接指标月度数据 {written} 条"


JOBS = (
    Job("matching", "技术需求与能力档案匹配", timedelta(hours=6), run_matching),
    Job("demand_figures", "需求对接指标（产学研合作、技术合同）", timedelta(hours=6), run_figures),
)
