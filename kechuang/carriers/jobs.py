"""The carriers job: carrier and talent counts as the targets page's monthly figures."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kechuang.carriers import figures
from kechuang.jobs.catalogue import Job


def run_figures(session: Session, today: date) -> str:
    written = figures.feed(session, today)
    return f"更新载体与人才指标月度数据 {written} 条"


JOBS = (
    Job(
        "carrier_figures",
        "载体与人才指标（省级及以上孵化器和众创空间、人才计划在岗人数）",
        timedelta(hours=6),
        run_figures,
    ),
)
