"""The daily project status: each day's lights computed once and kept in the status history.

Pages only read the board (``record=False``); this job is what writes a change of light, so the
history is the same however many web workers serve the pages, and nothing is written by a GET."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kechuang.auth.scope import SYSTEM
from kechuang.jobs.catalogue import Job


def record_daily_status(session: Session, today: date) -> str:
    from kechuang.projects.service import board

    frame = board(session, actor=SYSTEM, today=today, record=True).frame
    counts = dict(frame.group_by("light").len().iter_rows()) if frame.height else {}
    shown = "，".join(f"{k} {v}" for k, v in sorted(counts.items())) or "无项目"
    return f"{today} 项目灯色已记录：{frame.height} 个项目（{shown}）"


JOBS = [Job("project_status", "重点项目每日灯色", timedelta(hours=6), record_daily_status)]
