"""Every job of every feature, by name. A feature adds its ``jobs`` module to ``FEATURE_MODULES``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

FEATURE_MODULES: tuple[str, ...] = (
    "kechuang.projects.jobs",
    "kechuang.ladder.jobs",
    "kechuang.points.jobs",
    "kechuang.matching.jobs",
    "kechuang.carriers.jobs",
)


@dataclass(frozen=True)
class Job:
    """One kind of background work.

    ``run(session, today)`` does the work in the session's transaction (the runner commits it, or
    rolls it back on error) and returns a one-line summary in Chinese for the run history. It must
    be idempotent: a second run on the same day with the same data writes nothing new.
    ``every`` is how often the worker runs it; ``title`` is what the jobs page shows."""

    name: str
    title: str
    every: timedelta
    run: Callable[[Session, date], str]


_EXTRA: dict[str, Job] = {}


def all_jobs() -> dict[str, Job]:
    jobs: dict[str, Job] = {}
    for module in FEATURE_MODULES:
        for job in importlib.import_module(module).JOBS:
            jobs[job.name] = job
    jobs.update(_EXTRA)
    return dict(sorted(jobs.items()))


def add_job(job: Job) -> None:
    """Register a job outside the feature modules (tests, plug-ins)."""
    _EXTRA[job.name] = job


def remove_job(name: str) -> None:
    _EXTRA.pop(name, None)
