"""The matching job: recompute the stored matches of every open demand (profiles and the atlas change)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kechuang.jobs.catalogue import Job
from kechuang.matching import matching


def run_matching(session: Session, today: date) -> str:
    made = matching.refresh(session)
    return f"重新计算需求匹配 {made} 条"


JOBS = (Job("matching", "技术需求与能力档案匹配", timedelta(hours=6), run_matching),)
