"""Keep the stored qualification assessment of the years the ladder page shows fresh (pages only read)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kechuang.jobs.catalogue import Job

YEARS_KEPT = 4  # the years the ladder page offers (its year picker)


def refresh_ladder(session: Session, today: date) -> str:
    from kechuang.ladder.store import refresh

    parts = []
    for year in range(today.year - YEARS_KEPT + 1, today.year + 1):
        done = refresh(session, year, today=today)
        state = f"重新计算 {done.seconds:.1f} 秒" if done.recomputed else "已是最新"
        parts.append(f"{year} 年度 {done.enterprises} 家企业，{state}")
    return "；".join(parts)


JOBS = [Job("ladder_refresh", "梯度培育资质评估", timedelta(minutes=10), refresh_ladder)]
