"""Enterprise registry use cases; every read and write goes through the actor's scope.

Single-record forms and the API validate with the same column rules as the spreadsheet import
(``tabular.parse`` on a one-row table), so a value is accepted or refused the same way everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, and_, func, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators

from kechuang.auth.policy import Permission, region_codes_seen, require, writable_region
from kechuang.auth.scope import Actor, check_write, scope_clause
from kechuang.choices import TitleType
from kechuang.enterprises.columns import ENTERPRISES, FIGURES, TITLES, Dataset, Kind, dataset
from kechuang.enterprises.importer import region_lookup, sync_child_regions
from kechuang.enterprises.models import FIGURE_FIELDS, Enterprise, EnterpriseFigures, IPHolding, Title
from kechuang.enterprises.tabular import ROW, RawTable, parse
from kechuang.errors import Conflict, InvalidInput, NotFound, OutsideScope, Problem
from kechuang.paging import Page
from kechuang.regions.models import Region
from kechuang.regions.service import region_codes_under

# Sort orders of the list; each has an index led by region_code so a page can be read per region.
SORTS: dict[str, Any] = {
    "name": (Enterprise.name.asc(), Enterprise.uscc.asc()),
    "revenue": (Enterprise.sort_revenue.desc(), Enterprise.id.desc()),
}


@dataclass(frozen=True)
class EnterpriseQuery:
    q: str | None = None
    region_code: str | None = None  # the region and everything under it
    title: str | None = None  # holds this title, valid today
    industry: str | None = None  # GB/T 4754 prefix: section letter or division, e.g. C or C38
    size_class: str | None = None
    sort: str = "name"
    page: int = 1
    page_size: int = 50


COUNT_CAP = 10_000  # beyond this a filtered list says "1万+" instead of counting every match


def _filters(session: Session, actor: Actor, query: EnterpriseQuery, today: date | None = None) -> list[Any]:
    clauses: list[ColumnElement[bool]] = [scope_clause(actor, Enterprise)]
    if query.q and query.q.strip():
        clauses.append(_search_clause(query.q.strip()))
    if query.region_code:
        clauses.append(Enterprise.region_code.in_(sorted(region_codes_under(session, query.region_code))))
    if query.title:
        on = today or date.today()
        # EXISTS probes the (enterprise_id, type, year_granted) unique index row by row, so a list
        # ordered by name stops after one page instead of first collecting every holder's id.
        clauses.append(
            select(Title.id)
            .where(
                Title.enterprise_id == Enterprise.id,
                Title.type == query.title,
                or_(Title.valid_until.is_(None), Title.valid_until >= on),
            )
            .exists()
        )
    if query.industry:
        clauses.append(Enterprise.industry_code.like(f"{query.industry.strip().upper()}%"))
    if query.size_class:
        clauses.append(Enterprise.size_class == query.size_class)
    return clauses


_CODE_LIKE = re.compile(r"[0-9A-Za-z]+")


def _search_clause(text: str) -> ColumnElement[bool]:
    """Search by name or alias (substring), or by USCC (prefix).

    A query of Latin letters and digits that contains a digit can only be a USCC (names are
    Chinese), so it is matched as a USCC prefix range, which the unique USCC index answers."""
    if _CODE_LIKE.fullmatch(text):
        code = text.upper()
        prefix = and_(Enterprise.uscc >= code, Enterprise.uscc <= code.ljust(18, "Z"))  # USCC never uses Z
        if any(ch.isdigit() for ch in code):
            return prefix
        return or_(Enterprise.name.ilike(f"%{text}%"), Enterprise.aliases.ilike(f"%{text}%"), prefix)
    return or_(Enterprise.name.like(f"%{text}%"), Enterprise.aliases.like(f"%{text}%"))


def _has_filters(query: EnterpriseQuery) -> bool:
    return any(
        (query.q and query.q.strip(), query.region_code, query.title, query.industry, query.size_class)
    )


def list_enterprises(session: Session, *, actor: Actor, query: EnterpriseQuery) -> Page[Enterprise]:
    """One page of the list, fast at a million enterprises.

    The unfiltered city-wide list is counted exactly. Otherwise one probe reads the ids of at most
    ``COUNT_CAP + 1`` matches: when they are fewer, the count is exact and the page is sorted among
    them; when there are more, the total says "1万+" and the page is merged from per-region index
    ranges (each ordered by an index led by region_code), so no query sorts a huge result."""
    clauses = _filters(session, actor, query)
    order = SORTS.get(query.sort, SORTS["name"])
    page = max(1, query.page)
    offset, size = (page - 1) * query.page_size, query.page_size
    if actor.sees_all and not _has_filters(query):
        total = int(session.scalar(select(func.count()).select_from(Enterprise)) or 0)
        items = list(session.scalars(select(Enterprise).order_by(*order).offset(offset).limit(size)))
        return Page(items, total, page, size)
    probe = list(session.scalars(select(Enterprise.id).where(*clauses).limit(COUNT_CAP + 1)))
    if len(probe) <= COUNT_CAP:
        stmt = select(Enterprise).where(Enterprise.id.in_(probe)).order_by(*order).offset(offset).limit(size)
        return Page(list(session.scalars(stmt)) if probe else [], len(probe), page, size)
    per_region = [
        select(Enterprise.id, *(o.element for o in order if o.element.key != "id"))
        .where(*clauses, Enterprise.region_code == code)
        .order_by(*order)
        .limit(offset + size)
        .subquery()
        for code in _regions_in_play(session, actor, query)
    ]
    union = union_all(*(select(sub) for sub in per_region)).subquery()
    outer = [
        getattr(union.c, o.element.key).desc()
        if o.modifier is operators.desc_op
        else getattr(union.c, o.element.key).asc()
        for o in order
    ]
    ids = list(session.scalars(select(union.c.id).order_by(*outer).offset(offset).limit(size)))
    by_id = {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_(ids)))}
    return Page([by_id[i] for i in ids], COUNT_CAP, page, size, total_capped=True)


def titles_held(session: Session, enterprise_ids: list[int], on: date | None = None) -> dict[int, list[str]]:
    """The title types each enterprise of a listed page holds on ``on`` (one query for the page)."""
    held: dict[int, list[str]] = {}
    if not enterprise_ids:
        return held
    on = on or date.today()
    rows = session.execute(
        select(Title.enterprise_id, Title.type)
        .where(Title.enterprise_id.in_(enterprise_ids))
        .where((Title.valid_until.is_(None)) | (Title.valid_until >= on))
        .distinct()
    )
    for ent_id, ttype in rows:
        held.setdefault(ent_id, []).append(ttype)
    return held


def _regions_in_play(session: Session, actor: Actor, query: EnterpriseQuery) -> list[str]:
    codes = set(region_codes_under(session, query.region_code)) if query.region_code else None
    seen = region_codes_seen(actor)
    if seen is not None:
        codes = set(seen) if codes is None else codes & seen
    if codes is None:
        codes = set(session.scalars(select(Region.code)))
    return sorted(codes)


def get_enterprise(session: Session, *, actor: Actor, enterprise_id: int) -> Enterprise:
    """One enterprise the actor may see; anything else is reported as not found (no existence leak)."""
    ent = session.scalar(
        select(Enterprise).where(Enterprise.id == enterprise_id, scope_clause(actor, Enterprise))
    )
    if ent is None:
        raise NotFound(f"企业 {enterprise_id} 不存在或无权查看")
    return ent


def count_by_region(session: Session, *, actor: Actor) -> dict[str, int]:
    stmt = (
        select(Enterprise.region_code, func.count())
        .where(scope_clause(actor, Enterprise))
        .group_by(Enterprise.region_code)
    )
    return {code: int(n) for code, n in session.execute(stmt)}


def count_titles(session: Session, *, actor: Actor, on: date | None = None) -> dict[str, int]:
    """Enterprises holding each title, valid on ``on`` (default today)."""
    day = on or date.today()
    stmt = (
        select(Title.type, func.count(func.distinct(Title.enterprise_id)))
        .where(scope_clause(actor, Title), or_(Title.valid_until.is_(None), Title.valid_until >= day))
        .group_by(Title.type)
    )
    return {t: int(n) for t, n in session.execute(stmt)}


def hnte_by_region(session: Session, *, actor: Actor, on: date | None = None) -> dict[str, int]:
    """Enterprises holding a valid HNTE title, per region."""
    day = on or date.today()
    stmt = (
        select(Title.region_code, func.count(func.distinct(Title.enterprise_id)))
        .where(
            scope_clause(actor, Title),
            Title.type == TitleType.hnte,
            or_(Title.valid_until.is_(None), Title.valid_until >= day),
        )
        .group_by(Title.region_code)
    )
    return {code: int(n) for code, n in session.execute(stmt)}


@dataclass(frozen=True)
class Profile:
    enterprise: Enterprise
    figures: list[EnterpriseFigures]
    titles: list[Title]
    ip: list[IPHolding]


def profile(session: Session, *, actor: Actor, enterprise_id: int) -> Profile:
    ent = get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    figures = list(
        session.scalars(
            select(EnterpriseFigures)
            .where(EnterpriseFigures.enterprise_id == ent.id)
            .order_by(EnterpriseFigures.year)
        )
    )
    titles = list(
        session.scalars(
            select(Title).where(Title.enterprise_id == ent.id).order_by(Title.year_granted.desc(), Title.type)
        )
    )
    ip = list(
        session.scalars(
            select(IPHolding)
            .where(IPHolding.enterprise_id == ent.id)
            .order_by(IPHolding.year, IPHolding.kind)
        )
    )
    return Profile(ent, figures, titles, ip)


# ---- single-record writes ---------------------------------------------------------------


def _parse_one(session: Session, ds: Dataset, values: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Validate one record with the import rules; returns the typed values and every problem."""
    fields = [c.field for c in ds.columns if c.imported and c.field in values]
    raw = pl.DataFrame(
        {ROW: [1], **{f: [None if values[f] in (None, "") else str(values[f]).strip()] for f in fields}},
        schema={ROW: pl.Int64, **{f: pl.String for f in fields}},
    )
    headers = {c.field: c.header for c in ds.columns}
    table = RawTable(filename="", frame=raw, headers=headers)
    for col in ds.columns:
        if col.required and col.field not in fields:
            table.problems.append(Problem(field=col.header, message="必填，不能为空"))
    parsed = parse(table, ds, regions=region_lookup(session), current_year=date.today().year)
    problems = [Problem(field=p.field, message=p.message, value=p.value) for p in parsed.problems]
    row = parsed.frame.row(0, named=True)
    for col in ds.columns:
        if (
            col.field in row
            and col.kind in (Kind.text, Kind.aliases, Kind.industry)
            and row[col.field] is None
        ):
            row[col.field] = ""
    row.pop(ROW, None)
    return row, problems


def _parse_or_raise(session: Session, ds: Dataset, values: dict[str, Any]) -> dict[str, Any]:
    row, problems = _parse_one(session, ds, values)
    if problems:
        raise InvalidInput(problems)
    return row


def _user_source(actor: Actor) -> str:
    return f"user:{actor.username}"


def _refuse(invalid: list[Problem], outside: list[Problem], taken: list[Problem]) -> None:
    """Raise for the problems found, all at once: 422 if any value is invalid, else 403 for a region
    outside the actor's, else 409 for a clash with what is stored (forms show every kind alike)."""
    if invalid:
        raise InvalidInput(invalid + outside + taken)
    if outside:
        raise OutsideScope(outside + taken)
    if taken:
        raise Conflict(taken)


def create_enterprise(session: Session, *, actor: Actor, values: dict[str, Any]) -> Enterprise:
    require(actor, Permission.create_enterprise, "只有管理员和区县操作员可以新增企业")
    row, problems = _parse_one(session, ENTERPRISES, values)
    outside, taken = [], []
    uscc, region = row.get("uscc"), row.get("region_code")
    if uscc and session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc)) is not None:
        header = ENTERPRISES.column("uscc").header
        taken.append(Problem(field=header, message="该统一社会信用代码已登记", value=uscc))
    if region and not writable_region(actor, region):
        header = ENTERPRISES.column("region_code").header
        outside.append(Problem(field=header, message="不在您的管辖范围内", value=region))
    _refuse(problems, outside, taken)
    ent = Enterprise(**row, source=_user_source(actor))
    session.add(ent)
    session.flush()
    return ent


def update_enterprise(
    session: Session, *, actor: Actor, enterprise_id: int, values: dict[str, Any]
) -> Enterprise:
    ent = get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    check_write(actor, ent)
    merged = {c.field: getattr(ent, c.field) for c in ENTERPRISES.columns}
    merged.update({k: v for k, v in values.items() if k != "uscc"})
    merged = {
        k: (v.isoformat() if isinstance(v, date) else ("是" if v is True else "否" if v is False else v))
        for k, v in merged.items()
    }
    merged["aliases"] = merged.get("aliases") or ""
    row = _parse_or_raise(session, ENTERPRISES, merged)
    if row["region_code"] != ent.region_code:
        if not writable_region(actor, row["region_code"]):
            header = ENTERPRISES.column("region_code").header
            raise OutsideScope(
                [
                    Problem(
                        field=header, message="不能把企业改到您管辖范围以外的地区", value=row["region_code"]
                    )
                ]
            )
    changed = {k: v for k, v in row.items() if k != "uscc" and getattr(ent, k) != v}
    for k, v in changed.items():
        setattr(ent, k, v)
    if changed:
        ent.source = _user_source(actor)
        session.flush()
        if "region_code" in changed:
            sync_child_regions(session, [ent.id])
    return ent


def save_figures(
    session: Session, *, actor: Actor, enterprise_id: int, year: int, values: dict[str, Any]
) -> EnterpriseFigures:
    """Create or change one year's figures; each changed figure records the user as its source."""
    ent = get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    check_write(actor, ent)
    row = _parse_or_raise(
        session, FIGURES, {"uscc": ent.uscc, "year": year, **{f: values.get(f) for f, _, _ in FIGURE_FIELDS}}
    )
    # two saves of the same enterprise at once take turns (PostgreSQL row lock; SQLite has one writer)
    session.execute(select(Enterprise.id).where(Enterprise.id == ent.id).with_for_update())
    fig = session.scalar(
        select(EnterpriseFigures).where(
            EnterpriseFigures.enterprise_id == ent.id, EnterpriseFigures.year == row["year"]
        )
    )
    source = _user_source(actor)
    if fig is None:
        fig = EnterpriseFigures(
            enterprise_id=ent.id,
            region_code=ent.region_code,
            year=row["year"],
            source=source,
            field_sources={},
        )
        session.add(fig)
    sources = dict(fig.field_sources or {})
    for f, _, _ in FIGURE_FIELDS:
        if getattr(fig, f) != row[f]:
            setattr(fig, f, row[f])
            sources[f] = source
    fig.field_sources = sources
    session.flush()
    latest = session.scalar(
        select(func.max(EnterpriseFigures.year)).where(EnterpriseFigures.enterprise_id == ent.id)
    )
    if latest == fig.year:
        ent.latest_year, ent.latest_revenue = fig.year, fig.operating_revenue
        ent.sort_revenue = -1 if fig.operating_revenue is None else fig.operating_revenue
        session.flush()
    return fig


def save_title(
    session: Session,
    *,
    actor: Actor,
    enterprise_id: int,
    type_: str,
    year_granted: int,
    values: dict[str, Any],
) -> Title:
    """Record (or correct) one title an enterprise holds, keyed by type and year granted, with the
    spreadsheet's rules for each value; the user becomes its source."""
    ent = get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    check_write(actor, ent)
    fields = ("level", "certificate_no", "valid_until", "document")
    row = _parse_or_raise(
        session,
        TITLES,
        {"uscc": ent.uscc, "type": type_, "year_granted": year_granted, **{f: values.get(f) for f in fields}},
    )
    title = _title(session, ent.id, row["type"], row["year_granted"])
    if title is None:
        title = Title(enterprise_id=ent.id, region_code=ent.region_code, type=row["type"])
        title.year_granted = row["year_granted"]
        session.add(title)
    changed = [f for f in fields if getattr(title, f) != row[f]]
    for f in changed:
        setattr(title, f, row[f])
    if changed or title.id is None:
        title.source = _user_source(actor)
    session.flush()
    return title


def delete_title(
    session: Session, *, actor: Actor, enterprise_id: int, type_: str, year_granted: int
) -> None:
    """Remove a title recorded by mistake (audited like every change)."""
    ent = get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    check_write(actor, ent)
    title = _title(session, ent.id, type_, year_granted)
    if title is None:
        raise NotFound(f"该企业没有 {year_granted} 年认定的“{title_label(type_)}”")
    session.delete(title)
    session.flush()


def _title(session: Session, enterprise_id: int, type_: str, year_granted: int) -> Title | None:
    return session.scalar(
        select(Title).where(
            Title.enterprise_id == enterprise_id, Title.type == type_, Title.year_granted == year_granted
        )
    )


def figure_source(fig: EnterpriseFigures, field: str) -> str:
    return (fig.field_sources or {}).get(field) or fig.source


# ---- export ------------------------------------------------------------------------------


def export_frame(
    session: Session, *, actor: Actor, dataset_name: str, query: EnterpriseQuery | None = None
) -> pl.DataFrame:
    """The rows the actor may see (optionally limited to the list's filters), as stored values."""
    ds = dataset(dataset_name)
    clauses = _filters(session, actor, query or EnterpriseQuery())
    if ds.name == "enterprises":
        cols = [getattr(Enterprise, c.field) for c in ds.columns]
        stmt = select(*cols).where(*clauses).order_by(Enterprise.uscc)
        names = [c.field for c in ds.columns]
    else:
        model: Any = {"figures": EnterpriseFigures, "titles": Title, "ip": IPHolding}[ds.name]
        value_cols = [getattr(model, c.field) for c in ds.columns if c.field not in ("uscc", "name")]
        stmt = (
            select(Enterprise.uscc, Enterprise.name, *value_cols)
            .join(Enterprise, Enterprise.id == model.enterprise_id)
            .where(*clauses)
            .order_by(Enterprise.uscc, *(getattr(model, k) for k in ds.key if k != "uscc"))
        )
        names = ["uscc", "name", *(c.field for c in ds.columns if c.field not in ("uscc", "name"))]
    rows = session.execute(stmt).all()
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def title_label(value: str, lang: str = "zh") -> str:
    try:
        return TitleType(value).label(lang)
    except ValueError:
        return value
