"""Project use cases: statuses (computed column-wise, overrides applied, history kept), roll-ups, the
alert list, overrides with a note and an expiry (audited), scoped by the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, require, require_region
from kechuang.auth.scope import SYSTEM, Actor, can_see, scope_clause
from kechuang.chains.models import Chain, ChainNode
from kechuang.choices import Light
from kechuang.db import table_of
from kechuang.errors import InvalidInput, NotFound, Problem
from kechuang.paging import DEFAULT_PAGE_SIZE, Page, bounded
from kechuang.projects.models import (
    PROJECT_TYPES,
    Fund,
    Kpi,
    Milestone,
    Override,
    Project,
    Report,
    StatusChange,
)
from kechuang.projects.status import (
    DEFAULT,
    LIGHT_LABELS,
    SEVERITY,
    ProjectFrames,
    Thresholds,
    rollup,
    statuses,
)
from kechuang.regions.service import region_codes_under

OVERRIDE_MAX_DAYS = 366


def _frame(session: Session, stmt: Any, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in session.execute(stmt).all()], schema=schema, orient="row")


def project_frame(session: Session, actor: Actor, project_ids: list[int] | None = None) -> pl.DataFrame:
    """Every project the actor may see (or those of ``project_ids``), with its chain (through its node)."""
    only = [Project.id.in_(project_ids)] if project_ids is not None else []
    return _frame(
        session,
        select(
            Project.id,
            Project.code,
            Project.name,
            Project.type,
            Project.region_code,
            Project.owner_enterprise_id,
            Project.owner_name,
            Project.node_id,
            ChainNode.chain_id,
            Chain.code,
            Chain.name,
            Project.fiscal_budget,
            Project.self_budget,
            Project.start_on,
            Project.end_on,
        )
        .outerjoin(ChainNode, ChainNode.id == Project.node_id)
        .outerjoin(Chain, Chain.id == ChainNode.chain_id)
        .where(scope_clause(actor, Project), *only)
        .order_by(Project.code),
        {
            "project_id": pl.Int64,
            "code": pl.String,
            "name": pl.String,
            "type": pl.String,
            "region_code": pl.String,
            "owner_enterprise_id": pl.Int64,
            "owner_name": pl.String,
            "node_id": pl.Int64,
            "chain_id": pl.Int64,
            "chain_code": pl.String,
            "chain_name": pl.String,
            "fiscal_budget": pl.Int64,
            "self_budget": pl.Int64,
            "start_on": pl.Date,
            "end_on": pl.Date,
        },
    )


IN_LIST_LIMIT = 1000  # beyond this many projects, read the child rows whole and filter them in Polars


def frames(session: Session, projects: pl.DataFrame) -> ProjectFrames:
    ids = projects["project_id"].to_list()

    def rows(stmt: Any, schema: dict[str, Any]) -> pl.DataFrame:
        if len(ids) <= IN_LIST_LIMIT:  # a few projects (one project's page, a district): only their rows
            column = stmt.selected_columns[0]
            return _frame(session, stmt.where(column.in_(ids)), schema)
        return _frame(session, stmt, schema).filter(pl.col("project_id").is_in(ids))

    return ProjectFrames(
        projects=projects.select("project_id"),
        milestones=rows(
            select(Milestone.project_id, Milestone.planned_on, Milestone.actual_on, Milestone.weight),
            {"project_id": pl.Int64, "planned": pl.Date, "actual": pl.Date, "weight": pl.Float64},
        ),
        plan=rows(
            select(Fund.project_id, Fund.on, Fund.amount).where(Fund.kind == "plan"),
            {"project_id": pl.Int64, "date": pl.Date, "amount": pl.Float64},
        ),
        spent=rows(
            select(Fund.project_id, Fund.on, Fund.amount).where(Fund.kind == "actual"),
            {"project_id": pl.Int64, "date": pl.Date, "amount": pl.Float64},
        ),
        kpis=rows(
            select(Kpi.project_id, Kpi.target, Kpi.actual, Kpi.due_on, Kpi.direction),
            {
                "project_id": pl.Int64,
                "target": pl.Float64,
                "actual": pl.Float64,
                "due": pl.Date,
                "direction": pl.Int64,
            },
        ),
        reports=rows(
            select(Report.project_id, Report.due_on, Report.submitted_on),
            {"project_id": pl.Int64, "due": pl.Date, "submitted": pl.Date},
        ),
    )


def active_overrides(session: Session, today: date) -> pl.DataFrame:
    return _frame(
        session,
        select(Override.project_id, Override.light, Override.note, Override.expires_on, Override.created_by)
        .where(~Override.revoked, Override.expires_on >= today)
        .order_by(Override.id),
        {
            "project_id": pl.Int64,
            "override_light": pl.String,
            "override_note": pl.String,
            "override_expires_on": pl.Date,
            "override_by": pl.String,
        },
    ).unique("project_id", keep="last")


@dataclass(frozen=True)
class Board:
    today: date
    frame: pl.DataFrame  # one row per visible project: identity, measures, computed and effective light


def board(
    session: Session,
    *,
    actor: Actor,
    today: date | None = None,
    thresholds: Thresholds = DEFAULT,
    record: bool = False,
    project_ids: list[int] | None = None,
) -> Board:
    """Every visible project with its computed status and the effective light (an active override wins).
    With ``record`` (the daily ``project_status`` job, never a page), a change of light since the last
    history entry is added to the history."""
    require(actor, Permission.see_projects, "专家账号不查看项目监测")
    day = today or date.today()
    projects = project_frame(session, actor, project_ids)
    computed = statuses(frames(session, projects), day, thresholds)
    out = (
        projects.join(computed, on="project_id", how="left")
        .join(active_overrides(session, day), on="project_id", how="left")
        .with_columns(pl.col("light").alias("computed_light"))
        .with_columns(
            pl.coalesce("override_light", "computed_light").alias("light"),
            pl.col("override_light").is_not_null().alias("overridden"),
        )
    )
    out = out.with_columns(
        pl.when(pl.col("overridden"))
        .then(
            pl.concat_list(
                pl.lit("人工调整为")
                + pl.col("light").replace_strict(LIGHT_LABELS, default="")
                + pl.lit("（")
                + pl.col("override_by")
                + pl.lit("，至 ")
                + pl.col("override_expires_on").cast(pl.String)
                + pl.lit("）：")
                + pl.col("override_note"),
                pl.col("reasons"),
            )
        )
        .otherwise(pl.col("reasons"))
        .alias("reasons")
    )
    if record and out.height:
        _record_history(session, out, day)
    return Board(day, out)


def _record_history(session: Session, frame: pl.DataFrame, day: date) -> None:
    last = _frame(
        session,
        select(StatusChange.project_id, StatusChange.light, StatusChange.overridden).where(
            StatusChange.id.in_(select(func.max(StatusChange.id)).group_by(StatusChange.project_id))
        ),
        {"project_id": pl.Int64, "last_light": pl.String, "last_overridden": pl.Boolean},
    )
    changed = (
        frame.select("project_id", "light", "computed_light", "overridden", "reasons")
        .join(last, on="project_id", how="left")
        .filter(
            pl.col("last_light").is_null()
            | (pl.col("last_light") != pl.col("light"))
            | (pl.col("last_overridden") != pl.col("overridden"))
        )
    )
    if changed.height:  # only the projects whose light changed since the last entry
        upsert_day(session, changed.with_columns(pl.lit(day).alias("on")))


def upsert_day(session: Session, rows: pl.DataFrame) -> None:
    """Write the day's state per project: insert, or overwrite that project's row of the same day
    (``ON CONFLICT (project_id, on) DO UPDATE`` on both databases, so two writers at once are safe)."""
    table = table_of(StatusChange)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = [
        {**r, "reasons": list(r["reasons"] or [])}
        for r in rows.select(
            "project_id", "on", "light", "computed_light", "overridden", "reasons"
        ).to_dicts()
    ]
    for start in range(0, len(values), 1000):  # within SQLite's bound-parameter limit
        stmt = insert(table).values(values[start : start + 1000])
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.project_id, table.c.on],
                set_={c: stmt.excluded[c] for c in ("light", "computed_light", "overridden", "reasons")},
            )
        )


def filtered(
    b: Board, *, light: str = "", type_: str = "", region_codes: frozenset[str] | None = None, chain: str = ""
) -> pl.DataFrame:
    f = b.frame
    if light:
        f = f.filter(pl.col("light") == light)
    if type_:
        f = f.filter(pl.col("type") == type_)
    if region_codes is not None:  # an unknown region has no projects
        f = f.filter(pl.col("region_code").is_in(sorted(region_codes)))
    if chain:
        f = f.filter(pl.col("chain_code") == chain)
    return f


SEVERITY_FIRST = {"red": 0, "yellow": 1, "green": 2, "grey": 3}  # the board lists red projects first


@dataclass(frozen=True)
class ProjectQuery:
    """A list of projects: filters (a region means it and everything under it), the order (``code``, or
    ``severity``: red, yellow, green, grey, then code) and the page."""

    light: str = ""
    type_: str = ""
    region: str = ""
    chain: str = ""
    order: str = "code"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


def list_projects(
    session: Session, *, actor: Actor, query: ProjectQuery, b: Board | None = None
) -> Page[dict[str, Any]]:
    """One page of the visible projects with their status (from ``b`` when the caller has the board)."""
    require_region(actor, query.region)
    page, page_size = bounded(query.page, query.page_size)
    b = b or board(session, actor=actor)
    rows = filtered(
        b,
        light=query.light,
        type_=query.type_,
        chain=query.chain,
        region_codes=region_codes_under(session, query.region) if query.region else None,
    )
    if query.order == "severity":
        rows = (
            rows.with_columns(
                pl.col("light").replace_strict(SEVERITY_FIRST, return_dtype=pl.Int8).alias("_order")
            )
            .sort(["_order", "code"])
            .drop("_order")
        )
    else:
        rows = rows.sort("code")
    part = rows.slice((page - 1) * page_size, page_size)
    return Page(part.to_dicts(), rows.height, page, page_size)


def rollups(b: Board, by: str, thresholds: Thresholds = DEFAULT) -> pl.DataFrame:
    """by: region_code | type | chain_name — indices over summed quantities, counts per effective light."""
    f = b.frame.with_columns(pl.col(by).fill_null("（未关联）"))
    return rollup(f, by, thresholds).sort(by)


def alerts(session: Session, *, actor: Actor, b: Board, since: date) -> pl.DataFrame:
    """Projects whose light turned yellow or red on or after ``since`` (worse than before), with why."""
    hist = _frame(
        session,
        select(
            StatusChange.project_id,
            StatusChange.on,
            StatusChange.light,
            StatusChange.reasons,
            StatusChange.id,
        ).order_by(StatusChange.project_id, StatusChange.id),
        {
            "project_id": pl.Int64,
            "on": pl.Date,
            "light": pl.String,
            "reasons": pl.List(pl.String),
            "id": pl.Int64,
        },
    )
    visible = b.frame.select("project_id", "code", "name", "region_code", "type", "chain_name")
    sev = pl.col("light").replace_strict(SEVERITY, return_dtype=pl.Int8)
    return (
        hist.with_columns(
            sev.alias("sev"),
            sev.shift(1).over("project_id").alias("prev_sev"),
            pl.col("light").shift(1).over("project_id").alias("previous"),
        )
        .filter(
            (pl.col("on") >= since)
            & pl.col("light").is_in(["yellow", "red"])
            & (pl.col("prev_sev").is_null() | (pl.col("sev") > pl.col("prev_sev")))
        )
        .join(visible, on="project_id")
        .sort(["on", "sev"], descending=[True, True])
    )


def get_project(session: Session, *, actor: Actor, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None or not can_see(actor, project):
        raise NotFound(f"项目 {project_id} 不存在或无权查看")
    return project


def detail(session: Session, *, actor: Actor, project_id: int, today: date | None = None) -> dict[str, Any]:
    project = get_project(session, actor=actor, project_id=project_id)
    day = today or date.today()
    row = board(session, actor=actor, today=day, project_ids=[project_id]).frame.row(0, named=True)
    history = list(
        session.scalars(
            select(StatusChange).where(StatusChange.project_id == project_id).order_by(StatusChange.id)
        )
    )
    overrides = list(
        session.scalars(
            select(Override).where(Override.project_id == project_id).order_by(Override.id.desc())
        )
    )

    def children(model: Any, order: Any) -> list[Any]:
        return list(session.scalars(select(model).where(model.project_id == project_id).order_by(order)))

    return {
        "project": project,
        "status": row,
        "history": history,
        "overrides": overrides,
        "today": day,
        "milestones": children(Milestone, Milestone.planned_on),
        "funds": children(Fund, Fund.on),
        "kpis": children(Kpi, Kpi.due_on),
        "reports": children(Report, Report.due_on),
        "node": session.get(ChainNode, project.node_id) if project.node_id else None,
        "chain": session.scalar(
            select(Chain)
            .join(ChainNode, ChainNode.chain_id == Chain.id)
            .where(ChainNode.id == project.node_id)
        )
        if project.node_id
        else None,
    }


def timeline(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Status changes and milestone and report events, newest first."""
    events: list[dict[str, Any]] = []
    for h in d["history"]:
        events.append(
            {
                "on": h.on,
                "kind": "status",
                "light": h.light,
                "text": "；".join(h.reasons),
                "overridden": h.overridden,
            }
        )
    for m in d["milestones"]:
        if m.actual_on:
            late = (m.actual_on - m.planned_on).days
            events.append(
                {
                    "on": m.actual_on,
                    "kind": "milestone",
                    "light": None,
                    "text": f"完成里程碑“{m.name}”" + (f"（晚 {late} 天）" if late > 0 else ""),
                }
            )
    for r in d["reports"]:
        if r.submitted_on:
            events.append({"on": r.submitted_on, "kind": "report", "light": None, "text": f"提交“{r.name}”"})
    for o in d["overrides"]:
        events.append(
            {
                "on": o.created_at.date(),
                "kind": "override",
                "light": o.light,
                "text": f"{o.created_by} 人工调整为{LIGHT_LABELS.get(o.light, o.light)}，至 {o.expires_on}：{o.note}"
                + ("（已撤销）" if o.revoked else ""),
            }
        )
    return sorted(events, key=lambda e: (e["on"], e["kind"] == "status"), reverse=True)


def set_override(
    session: Session,
    *,
    actor: Actor,
    project_id: int,
    light: str,
    note: str,
    expires_on: str,
    today: date | None = None,
) -> Override:
    """An operator's light with a note until an expiry date; every problem at once; audited."""
    require(actor, Permission.override_light, "只有市科技局和区县操作员可以人工调整项目灯色")
    project = get_project(session, actor=actor, project_id=project_id)
    day = today or date.today()
    problems = []
    if light not in (Light.green, Light.yellow, Light.red):
        problems.append(Problem("light", f"灯色“{light}”无效，应为绿灯、黄灯或红灯", light))
    if len(note.strip()) < 4:
        problems.append(Problem("note", "请写明调整理由（至少 4 个字）", note))
    expiry: date | None = None
    try:
        expiry = date.fromisoformat(expires_on.strip())
    except ValueError:
        problems.append(Problem("expires_on", f"有效期“{expires_on}”不是日期，应为 YYYY-MM-DD", expires_on))
    if expiry is not None and not day < expiry <= day + timedelta(days=OVERRIDE_MAX_DAYS):
        problems.append(
            Problem("expires_on", f"有效期 {expiry} 应在今天之后、{OVERRIDE_MAX_DAYS} 天以内", expires_on)
        )
    if problems:
        raise InvalidInput(problems)
    for old in session.scalars(
        select(Override).where(
            Override.project_id == project.id, ~Override.revoked, Override.expires_on >= day
        )
    ):
        old.revoked = True
    override = Override(
        project_id=project.id,
        region_code=project.region_code,
        light=light,
        note=note.strip(),
        expires_on=expiry,
        created_by=actor.username,
    )
    session.add(override)
    session.flush()
    _record_now(session, project.id, day)
    return override


def _record_now(session: Session, project_id: int, day: date) -> None:
    """An override changes the light at once: put it in the history in the same write."""
    board(session, actor=SYSTEM, today=day, project_ids=[project_id], record=True)


def revoke_override(session: Session, *, actor: Actor, project_id: int) -> int:
    require(actor, Permission.override_light, "只有市科技局和区县操作员可以撤销人工调整")
    get_project(session, actor=actor, project_id=project_id)
    n = 0
    for old in session.scalars(select(Override).where(Override.project_id == project_id, ~Override.revoked)):
        old.revoked = True
        n += 1
    session.flush()
    _record_now(session, project_id, date.today())
    return n


TYPE_LABELS = PROJECT_TYPES
