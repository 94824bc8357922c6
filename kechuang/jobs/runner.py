"""Run jobs under a lease, record each run, and the worker loop that runs whatever is due.

The lease is one conditional UPDATE (``… WHERE lease_until IS NULL OR lease_until < now``): on both
databases exactly one of two concurrent callers gets ``rowcount == 1``; the other is told the job is
busy. A crashed worker's lease lapses after ``LEASE`` and the next worker takes the job over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kechuang.auth.scope import SYSTEM
from kechuang.db import transaction, utcnow
from kechuang.errors import InvalidInput, Problem
from kechuang.jobs.catalogue import Job, all_jobs
from kechuang.jobs.models import JobRun, JobState

log = logging.getLogger("kechuang.jobs")

LEASE = timedelta(minutes=30)
OK, FAILED, BUSY = "ok", "failed", "busy"
STATUS_LABELS = {OK: "成功", FAILED: "失败", BUSY: "已在运行"}


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # ok | failed | busy
    summary: str


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _ensure_state(factory: sessionmaker[Session], name: str) -> None:
    try:
        with transaction(factory) as session:
            if session.get(JobState, name) is None:
                session.add(JobState(name=name))
    except IntegrityError:  # another process inserted it first
        pass


def _acquire(factory: sessionmaker[Session], name: str, owner: str, now: datetime) -> bool:
    with transaction(factory) as session:
        taken = session.execute(
            update(JobState)
            .where(JobState.name == name, or_(JobState.lease_until.is_(None), JobState.lease_until < now))
            .values(lease_owner=owner, lease_until=now + LEASE, last_started=now)
        )
        return bool(getattr(taken, "rowcount", 0) == 1)


def _finish(factory: sessionmaker[Session], run: JobRun, owner: str) -> None:
    with transaction(factory) as session:
        session.add(run)
        session.execute(
            update(JobState)
            .where(JobState.name == run.name, JobState.lease_owner == owner)
            .values(
                lease_owner=None,
                lease_until=None,
                last_finished=run.finished_at,
                last_status=run.status,
                last_summary=run.summary,
            )
        )


def run_job(
    factory: sessionmaker[Session], job: Job, *, today: date | None = None, owner: str | None = None
) -> Outcome:
    """Run ``job`` once now unless another worker holds its lease; its work commits or rolls back whole."""
    owner = owner or worker_id()
    _ensure_state(factory, job.name)
    started = utcnow()
    if not _acquire(factory, job.name, owner, started):
        return Outcome(job.name, BUSY, "另一个进程正在运行此任务")
    try:
        with transaction(factory) as session:
            session.info["actor"] = SYSTEM
            summary, status = job.run(session, today or date.today()), OK
    except Exception as exc:  # recorded in the run history; the worker carries on with other jobs
        log.exception("job %s failed", job.name)
        summary, status = f"{type(exc).__name__}: {exc}"[:2000], FAILED
    run = JobRun(name=job.name, worker=owner, started_at=started, finished_at=utcnow(), status=status)
    run.summary = summary
    _finish(factory, run, owner)
    return Outcome(job.name, status, summary)


def pick(names: Iterable[str]) -> list[Job]:
    """The jobs named (all of them for none); every unknown name is reported at once."""
    jobs = all_jobs()
    names = list(names)
    unknown = [n for n in names if n not in jobs]
    if unknown:
        known = "、".join(jobs) or "（无）"
        raise InvalidInput([Problem("job", f"没有这个任务；可用的任务：{known}", n) for n in unknown])
    return [jobs[n] for n in names] if names else list(jobs.values())


def due(session: Session, jobs: Iterable[Job], now: datetime) -> list[Job]:
    """The jobs whose last run finished at least ``every`` ago (or that never ran)."""
    rows = session.execute(select(JobState.name, JobState.last_finished))
    finished: dict[str, datetime | None] = {row[0]: row[1] for row in rows}
    return [j for j in jobs if _due(finished.get(j.name), j.every, now)]


def _due(last: datetime | None, every: timedelta, now: datetime) -> bool:
    return last is None or last + every <= now


def run_due(factory: sessionmaker[Session], *, today: date | None = None) -> list[Outcome]:
    with factory() as session:
        todo = due(session, all_jobs().values(), utcnow())
    return [run_job(factory, job, today=today) for job in todo]


def states(session: Session) -> dict[str, JobState]:
    return {s.name: s for s in session.scalars(select(JobState))}


def recent_runs(session: Session, limit: int = 50) -> list[JobRun]:
    return list(
        session.scalars(select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit))
    )


class Worker(threading.Thread):
    """Runs due jobs every ``poll`` seconds until stopped (a daemon thread inside ``kechuang serve``,
    or the whole of ``kechuang worker``)."""

    def __init__(self, factory: sessionmaker[Session], poll: float = 60.0) -> None:
        super().__init__(name="kechuang-worker", daemon=True)
        self.factory = factory
        self.poll = poll
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                run_due(self.factory)
            except Exception:  # a database outage must not kill the worker
                log.exception("worker pass failed")
            self._stop_event.wait(self.poll)

    def stop(self) -> None:
        self._stop_event.set()
