"""Project API: the list filtered by light, type, region and chain (paginated), and one project; each
carries its status {light, reasons, overridden}. Scoped like every other read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from kechuang.choices import Light
from kechuang.projects import service
from kechuang.projects.models import PROJECT_TYPES
from kechuang.projects.schemas import OverrideIn, ProjectDetail, ProjectPage, ProjectType
from kechuang.web.api_common import COMMON, GUARDS, NOT_FOUND, PageNo, PageSize, ProjectId, api_number
from kechuang.web.context import Ctx, api_ctx

router = APIRouter(prefix="/api/v1", tags=["projects"], responses=COMMON, dependencies=GUARDS)


def _item(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["project_id"],
        "code": r["code"],
        "name": r["name"],
        "type": r["type"],
        "type_name": PROJECT_TYPES.get(r["type"], r["type"]),
        "region_code": r["region_code"],
        "owner": {"enterprise_id": r["owner_enterprise_id"], "name": r["owner_name"]},
        "chain": r["chain_code"],
        "node_id": r["node_id"],
        "fiscal_budget": r["fiscal_budget"],
        "self_budget": r["self_budget"],
        "start_on": r["start_on"].isoformat(),
        "end_on": r["end_on"].isoformat(),
        "status": {
            "light": r["light"],
            "reasons": list(r["reasons"] or []),
            "overridden": bool(r["overridden"]),
            "computed_light": r["computed_light"],
        },
        "measures": {
            k: api_number(r[k])
            for k in (
                "schedule_index",
                "spend_index",
                "kpi_index",
                "milestone_overdue_days",
                "report_overdue_days",
            )
        },
    }


@router.get(
    "/projects",
    summary="Key projects with their computed status, filtered and paginated",
    response_model=ProjectPage,
)
def list_projects(
    light: Light | None = Query(None, description="green | yellow | red | grey"),
    type: ProjectType | None = Query(None, description="one of: " + ", ".join(PROJECT_TYPES)),  # noqa: A002
    region: str = Query("", max_length=12, description="a region code: that region and everything under it"),
    chain: str = Query("", max_length=64, description="a chain id (code), e.g. integrated_circuits"),
    page: PageNo = 1,
    page_size: PageSize = 50,
    ctx: Ctx = Depends(api_ctx),
) -> dict[str, Any]:
    b = service.board(ctx.session, actor=ctx.actor)
    query = service.ProjectQuery(
        light=light.value if light else "",
        type_=type.value if type else "",
        region=region,
        chain=chain,
        page=page,
        page_size=page_size,
    )
    result = service.list_projects(ctx.session, actor=ctx.actor, query=query, b=b)
    return {
        "items": [_item(r) for r in result.items],
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "as_of": b.today.isoformat(),
    }


@router.get(
    "/projects/{project_id}",
    summary="One project with its status, milestones, funds, KPIs and reports",
    response_model=ProjectDetail,
    responses=NOT_FOUND,
)
def get_project(project_id: ProjectId, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    return _detail(ctx, project_id)


@router.put(
    "/projects/{project_id}/override",
    summary="Set a project's light by hand, with the reason and an expiry (replaces an active one)",
    response_model=ProjectDetail,
    responses=NOT_FOUND,
)
def put_override(project_id: ProjectId, body: OverrideIn, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    """The page's override: the light holds until `expires_on`, then the computed light returns;
    audited. The city bureau and the project's district operators may."""
    service.set_override(
        ctx.session,
        actor=ctx.actor,
        project_id=project_id,
        light=body.light.value,
        note=body.note,
        expires_on=body.expires_on.isoformat(),
    )
    return _detail(ctx, project_id)


@router.delete(
    "/projects/{project_id}/override",
    summary="Revoke a project's manual light (the computed light applies again)",
    response_model=ProjectDetail,
    responses=NOT_FOUND,
)
def delete_override(project_id: ProjectId, ctx: Ctx = Depends(api_ctx)) -> dict[str, Any]:
    service.revoke_override(ctx.session, actor=ctx.actor, project_id=project_id)
    return _detail(ctx, project_id)


def _detail(ctx: Ctx, project_id: int) -> dict[str, Any]:
    d = service.detail(ctx.session, actor=ctx.actor, project_id=project_id)
    return {
        **_item(d["status"]),
        "milestones": [
            {
                "name": m.name,
                "planned_on": m.planned_on.isoformat(),
                "actual_on": m.actual_on.isoformat() if m.actual_on else None,
                "weight": m.weight,
            }
            for m in d["milestones"]
        ],
        "funds": [
            {"kind": f.kind, "source": f.source, "on": f.on.isoformat(), "amount": f.amount}
            for f in d["funds"]
        ],
        "kpis": [
            {
                "name": k.name,
                "unit": k.unit,
                "target": k.target,
                "actual": k.actual,
                "due_on": k.due_on.isoformat(),
                "direction": k.direction,
            }
            for k in d["kpis"]
        ],
        "reports": [
            {
                "name": r.name,
                "due_on": r.due_on.isoformat(),
                "submitted_on": r.submitted_on.isoformat() if r.submitted_on else None,
            }
            for r in d["reports"]
        ],
        "history": [
            {"on": h.on.isoformat(), "light": h.light, "overridden": h.overridden, "reasons": h.reasons}
            for h in d["history"]
        ],
    }
