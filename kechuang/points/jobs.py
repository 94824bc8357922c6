"""Keep the stored points runs of the years the 50强 page offers fresh (the page only reads them)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from kechuang.jobs.catalogue import Job

YEARS_KEPT = 4  # the years the 50强 page offers (its year picker)


def years_offered(session: Session) -> list[int]:
    from kechuang.points.service import default_year

    latest = default_year(session)
    return [latest - i for i in range(YEARS_KEPT)]


def refresh_points(session: Session, today: date) -> str:
    from kechuang.points.store import refresh

    parts = []
    for year in sorted(years_offered(session)):
        done = refresh(session, year, today=today)
        state = f"重新计算 {done.seconds:.1f} 秒" if done.recomputed else "已是最新"
        parts.append(f"{year} 年度 {done.enterprises} 家企业（{done.stamp}），{state}")
    return "；".join(parts)


JOBS = [Job("points_refresh", "创新积分排名", timedelta(minutes=10), refresh_points)]
