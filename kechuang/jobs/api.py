"""Jobs API (the city bureau): every background job with its last run, the run history, and running
one now, as on the jobs page."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from kechuang.auth.policy import Permission, require
from kechuang.errors import InvalidInput, NotFound
from kechuang.jobs import runner
from kechuang.jobs.catalogue import all_jobs
from kechuang.web.api_common import COMMON, GUARDS, NOT_FOUND, UtcDateTime
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["jobs"], responses=COMMON, dependencies=GUARDS)
JOB_NAME = Path(pattern="^[a-z0-9_]{1,64}$", description="a job's name, e.g. ladder_refresh")


class JobOut(BaseModel):
    name: str
    title: str = Field(description="what the jobs page shows (Chinese)")
    every_seconds: int = Field(description="how often the worker runs it")
    last_started: UtcDateTime | None
    last_finished: UtcDateTime | None
    last_status: str | None = Field(description="ok | failed (null: never ran)")
    last_summary: str | None


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    worker: str
    started_at: UtcDateTime
    finished_at: UtcDateTime | None
    status: str = Field(description="ok | failed")
    summary: str


class JobsOut(BaseModel):
    items: list[JobOut]
    runs: list[RunOut] = Field(description="the latest runs, newest first")


class OutcomeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "points_refresh", "status": "ok", "summary": "2025 年度：1203 家"}]
        }
    )

    name: str
    status: str = Field(description="ok | failed | busy (another process is running it)")
    summary: str


def _seconds(every: timedelta) -> int:
    return int(every.total_seconds())


@router.get("/jobs", response_model=JobsOut, summary="Every background job with its last run and the history")
def list_jobs(ctx: Ctx = Depends(api_ctx)) -> JobsOut:
    require(ctx.actor, Permission.run_jobs)
    states = runner.states(ctx.session)
    items = []
    for job in all_jobs().values():
        st = states.get(job.name)
        items.append(
            JobOut(
                name=job.name,
                title=job.title,
                every_seconds=_seconds(job.every),
                last_started=st.last_started if st else None,
                last_finished=st.last_finished if st else None,
                last_status=st.last_status if st else None,
                last_summary=st.last_summary if st else None,
            )
        )
    runs = [RunOut.model_validate(r) for r in runner.recent_runs(ctx.session)]
    return JobsOut(items=items, runs=runs)


@router.post(
    "/jobs/{name}/run",
    response_model=OutcomeOut,
    responses=NOT_FOUND,
    summary="Run one job now (its work commits or rolls back whole; its outcome is in the history)",
)
def run_job(name: str = JOB_NAME, ctx: Ctx = Depends(api_ctx)) -> OutcomeOut:
    require(ctx.actor, Permission.run_jobs)
    try:
        (job,) = runner.pick([name])
    except InvalidInput as exc:
        raise NotFound(exc.problems[0].message) from None
    ctx.session.commit()  # hold no lock: the job writes in transactions of its own
    outcome = runner.run_job(ctx.request.app.state.write_factory, job)
    return OutcomeOut(name=outcome.name, status=outcome.status, summary=outcome.summary)
