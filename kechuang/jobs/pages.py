"""The jobs page (city bureau): every job, its last run and the run history; run one now."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission, require
from kechuang.jobs import runner
from kechuang.jobs.catalogue import all_jobs
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/jobs", response_class=HTMLResponse)
def jobs_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.run_jobs)
    return render(
        ctx.request,
        "admin_jobs.html",
        jobs=list(all_jobs().values()),
        states=runner.states(ctx.session),
        runs=runner.recent_runs(ctx.session),
        labels=runner.STATUS_LABELS,
        ran=ctx.request.query_params.get("ran", ""),
    )


@router.post("/admin/jobs/{name}/run")
def run_now(name: str, ctx: Ctx = Depends(page_ctx)) -> Response:
    """Run one job now, in its own transactions (the request's own, which only read, ends first so
    that it does not hold SQLite's write lock the job needs)."""
    require(ctx.actor, Permission.run_jobs)
    (job,) = runner.pick([name])
    ctx.session.commit()
    outcome = runner.run_job(ctx.request.app.state.write_factory, job)
    return RedirectResponse(f"/admin/jobs?ran={job.name}:{outcome.status}", status_code=303)
