"""All-or-nothing import of registry spreadsheets: validate every row, then upsert column-wise.

The caller owns the transaction: any problem raises ``InvalidInput`` with every problem found,
before anything is written; a clean file is upserted by its key (USCC, and year or type).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import JSON, Column, MetaData, Table, Text, func, select, update
from sqlalchemy.orm import Session

from kechuang.auth import audit, policy
from kechuang.auth.models import AuditEntry
from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor, scope_clause
from kechuang.choices import IPKind
from kechuang.db import analyze, bulk_insert, bulk_update, table_of, utcnow
from kechuang.enterprises import revision
from kechuang.enterprises.columns import Dataset, Kind, dataset
from kechuang.enterprises.models import FIGURE_FIELDS, Enterprise, EnterpriseFigures, IPHolding, Title
from kechuang.enterprises.tabular import ROW, Parsed, RawTable, UnreadableFile, parse, read_table
from kechuang.errors import InvalidInput, Problem
from kechuang.regions.models import Region

Progress = Callable[[str, int, int], None]
CHUNK = 2000
ANALYZE_AFTER = 1000  # rows written; beyond this the planner statistics are refreshed
TABLES: dict[str, Any] = {
    "enterprises": Enterprise,
    "figures": EnterpriseFigures,
    "titles": Title,
    "ip": IPHolding,
}
STAGES = {"read": "读取", "validate": "校验", "write": "写入"}
# The audit table with its JSON columns as text, for inserting JSON built column-wise by Polars.
AUDIT_ROWS = Table(
    "audit_log",
    MetaData(),
    *(Column(c.name, Text if isinstance(c.type, JSON) else c.type) for c in AuditEntry.__table__.columns),
)


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass
class ImportResult:
    dataset: str
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False

    @property
    def changes(self) -> int:
        return self.created + self.updated

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "filename": self.filename,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "applied": self.applied,
            "problems": [p.as_dict() for p in self.problems],
        }


def region_lookup(session: Session) -> dict[str, str]:
    """Every way a user may write a region (name, code, alias) → its code; the city itself is excluded."""
    mapping: dict[str, str] = {}
    for r in session.scalars(select(Region).where(Region.parent_code.is_not(None))):
        mapping[r.code] = r.code
        mapping[r.name] = r.code
        for alias in filter(None, r.aliases.split("|")):
            mapping.setdefault(alias, r.code)
    return mapping


def source_of(filename: str, row: int) -> str:
    return f"import:{filename}#{row}"


def _chunks(values: Sequence[Any], size: int = 900) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _existing_enterprises(session: Session, usccs: list[str]) -> pl.DataFrame:
    """id, uscc and region of the enterprises named in the file (whatever the actor's scope)."""
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(usccs):
        rows += session.execute(
            select(Enterprise.id, Enterprise.uscc, Enterprise.region_code).where(Enterprise.uscc.in_(chunk))
        ).all()
    return pl.DataFrame(
        rows, schema={"enterprise_id": pl.Int64, "uscc": pl.String, "ent_region": pl.String}, orient="row"
    )


def _visible_ids(session: Session, actor: Actor, ids: list[int]) -> set[int]:
    if actor.sees_all:
        return set(ids)
    out: set[int] = set()
    for chunk in _chunks(ids):
        out |= set(
            session.scalars(
                select(Enterprise.id).where(Enterprise.id.in_(chunk), scope_clause(actor, Enterprise))
            )
        )
    return out


def _problem_rows(
    frame: pl.DataFrame, mask: pl.Expr, fld: str, header: str, message: str, filename: str
) -> list[Problem]:
    bad = frame.filter(mask).select(ROW, fld)
    return [Problem(field=header, message=message, value=v, row=r, file=filename) for r, v in bad.iter_rows()]


def _check_scope(
    session: Session, actor: Actor, ds: Dataset, parsed: Parsed, filename: str
) -> tuple[pl.DataFrame, list[Problem]]:
    """Attach enterprise ids and check each row against the actor's scope; returns the frame and problems."""
    frame = parsed.frame
    usccs = frame["uscc"].drop_nulls().unique().to_list()
    known = _existing_enterprises(session, usccs)
    frame = frame.join(known, on="uscc", how="left")
    visible = _visible_ids(session, actor, known["enterprise_id"].to_list())
    frame = frame.with_columns(
        pl.col("enterprise_id").is_in(list(visible)).fill_null(False).alias("__visible")
    )
    header = ds.column("uscc").header
    problems: list[Problem] = []
    if ds.name == "enterprises":
        problems += _problem_rows(
            frame,
            pl.col("enterprise_id").is_not_null() & ~pl.col("__visible"),
            "uscc",
            header,
            "该企业已登记在您管辖范围以外的地区，无权修改",
            filename,
        )
        foreign = policy.foreign_enterprise_rows(actor)
        if foreign is not None:
            problems += _problem_rows(
                frame,
                foreign,
                "uscc",
                header,
                "企业用户只能修改本企业的信息",
                filename,
            )
        moving = policy.region_move_rows(actor)
        if "region_code" in parsed.present and moving is not None:
            problems += _problem_rows(
                frame,
                moving,
                "region_code",
                ds.column("region_code").header,
                "不在您的管辖范围内，不能把企业登记到该地区",
                filename,
            )
    else:
        problems += _problem_rows(
            frame,
            pl.col("uscc").is_not_null() & ~pl.col("__visible"),
            "uscc",
            header,
            "未找到该企业（或不在您的管辖范围内）：请先导入企业名单",
            filename,
        )
    return frame.drop("__visible"), problems


def _read_existing(session: Session, ds: Dataset, frame: pl.DataFrame, present: list[str]) -> pl.DataFrame:
    """The stored rows matching the file's keys, with the present value fields (prefixed ``old_``)."""
    model = TABLES[ds.name]
    cols = [model.id, *(getattr(model, f) for f in present if f not in ("uscc",) and f not in ds.key)]
    keys_db = ["uscc"] if ds.name == "enterprises" else ["enterprise_id", *(k for k in ds.key if k != "uscc")]
    id_col = Enterprise.uscc if ds.name == "enterprises" else model.enterprise_id
    lookup = (
        frame["uscc"].unique().to_list()
        if ds.name == "enterprises"
        else frame["enterprise_id"].drop_nulls().unique().to_list()
    )
    key_cols = [getattr(model, k) for k in keys_db]
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(lookup):
        rows += session.execute(select(*key_cols, *cols).where(id_col.in_(chunk))).all()
    names = [*keys_db, "__id", *("old_" + c.key for c in cols[1:])]
    schema = {n: frame.schema.get(n.removeprefix("old_"), pl.Int64) for n in names}
    schema["__id"] = pl.Int64
    existing = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.join(existing, on=keys_db, how="left")


def _value_fields(ds: Dataset, present: list[str]) -> list[str]:
    return [f for f in present if f not in ds.key]


def _classify(joined: pl.DataFrame, fields: list[str]) -> pl.DataFrame:
    if fields:
        changed = pl.any_horizontal([~pl.col(f).eq_missing(pl.col("old_" + f)) for f in fields])
    else:
        changed = pl.lit(False)
    return joined.with_columns(
        pl.when(pl.col("__id").is_null())
        .then(pl.lit("create"))
        .when(changed)
        .then(pl.lit("update"))
        .otherwise(pl.lit("same"))
        .alias("__op")
    )


def _rows_for_write(frame: pl.DataFrame, ds: Dataset, fields: list[str], filename: str) -> pl.DataFrame:
    now = utcnow()
    cols: list[pl.Expr] = [pl.col(f) for f in fields]
    cols.append((pl.lit(f"import:{filename}#") + pl.col(ROW).cast(pl.String)).alias("source"))
    cols.append(pl.lit(now).alias("updated_at"))
    if ds.name == "enterprises":
        cols += [pl.col("uscc")]
    else:
        cols += [
            pl.col("enterprise_id"),
            pl.col("ent_region").alias("region_code"),
            *(pl.col(k) for k in ds.key if k != "uscc"),
        ]
    if ds.name == "ip" and "kind" in frame.columns:
        mapping = {k.value: k.ip_class for k in IPKind}
        cols.append(pl.col("kind").replace_strict(mapping, return_dtype=pl.String).alias("ip_class"))
    return frame.select(cols)


def _defaults_for_create(ds: Dataset, rows: pl.DataFrame) -> pl.DataFrame:
    """Columns the table needs on insert that the file did not carry."""
    now = utcnow()
    extra: dict[str, Any] = {}
    if ds.name == "enterprises":
        extra = {"aliases": "", "address": "", "industry_code": "", "listed": False, "created_at": now}
    elif ds.name == "titles":
        extra = {"certificate_no": "", "document": ""}
    missing = {k: v for k, v in extra.items() if k not in rows.columns}
    out = rows.with_columns([pl.lit(v).alias(k) for k, v in missing.items()])
    return out.with_columns(pl.col(c).fill_null(v) for c, v in extra.items() if c in out.columns and v != now)


def _write(
    session: Session,
    model: Any,
    frame: pl.DataFrame,
    progress: Progress,
    done: int,
    total: int,
    *,
    is_update: bool,
) -> int:
    """Bulk INSERT or UPDATE by primary key (COPY-based on PostgreSQL), in chunks with progress."""
    for start in range(0, frame.height, CHUNK):
        part = frame.slice(start, CHUNK)
        if is_update:
            bulk_update(session, model.__table__, part)
        else:
            bulk_insert(session, model.__table__, part)
        done += part.height
        progress("write", done, total)
    return done


def _latest_values() -> dict[str, Any]:
    f = EnterpriseFigures.__table__
    latest_year = select(func.max(f.c.year)).where(f.c.enterprise_id == Enterprise.id).scalar_subquery()
    latest_rev = (
        select(f.c.operating_revenue)
        .where(f.c.enterprise_id == Enterprise.id)
        .order_by(f.c.year.desc())
        .limit(1)
        .scalar_subquery()
    )
    return {
        "latest_year": latest_year,
        "latest_revenue": latest_rev,
        "sort_revenue": func.coalesce(latest_rev, -1),
    }


def _refresh_latest(session: Session, enterprise_ids: list[int]) -> None:
    """Denormalise each enterprise's latest year and operating revenue (for list sorting)."""
    if len(enterprise_ids) > 20 * 900:
        refresh_all_latest(session)
        return
    for chunk in _chunks(enterprise_ids):
        session.execute(
            update(Enterprise)
            .where(Enterprise.id.in_(chunk))
            .values(**_latest_values())
            .execution_options(synchronize_session=False)
        )


def refresh_all_latest(session: Session) -> None:
    """Recompute the denormalised latest year and revenue of every enterprise in one statement."""
    session.execute(
        update(Enterprise).values(**_latest_values()).execution_options(synchronize_session=False)
    )


def sync_child_regions(session: Session, enterprise_ids: list[int]) -> None:
    """Copy each enterprise's region onto its figures, titles and IP rows (they are scoped by it)."""
    for model in (EnterpriseFigures, Title, IPHolding):
        region = select(Enterprise.region_code).where(Enterprise.id == model.enterprise_id).scalar_subquery()
        for chunk in _chunks(enterprise_ids):
            session.execute(
                update(model)
                .where(model.enterprise_id.in_(chunk))
                .values(region_code=region)
                .execution_options(synchronize_session=False)
            )


def _json_object(pairs: list[pl.Expr]) -> pl.Expr:
    """Concatenate '"key":value' fragments (nulls skipped) into a JSON object string."""
    return pl.lit("{") + pl.concat_str(pairs, separator=",", ignore_nulls=True) + pl.lit("}")


def _audit_updates(
    session: Session, actor: Actor, ds: Dataset, updates: pl.DataFrame, fields: list[str]
) -> None:
    """One audit row per updated record with the changed fields before and after, built column-wise."""
    if updates.height == 0:
        return
    region = (
        pl.col("region_code")
        if ds.name == "enterprises" and "region_code" in fields
        else pl.col("ent_region")
    )

    def fragment(field: str, column: str) -> pl.Expr:
        changed = ~pl.col(field).eq_missing(pl.col("old_" + field))
        encoded = (
            pl.struct(pl.col(column).alias(field))
            .struct.json_encode()
            .str.strip_prefix("{")
            .str.strip_suffix("}")
        )
        return pl.when(changed).then(encoded)

    rows = updates.select(
        pl.lit(utcnow()).alias("at"),
        pl.lit(actor.user_id, dtype=pl.Int64).alias("actor_id"),
        pl.lit(actor.username).alias("actor_username"),
        pl.lit(TABLES[ds.name].__tablename__).alias("entity"),
        pl.col("__id").cast(pl.String).alias("entity_id"),
        pl.lit("update").alias("action"),
        region.alias("region_code"),
        pl.lit("导入修改").alias("summary"),
        _json_object([fragment(f, "old_" + f) for f in fields]).alias("before"),
        _json_object([fragment(f, f) for f in fields]).alias("after"),
    )
    bulk_insert(session, AUDIT_ROWS, rows)


def prepare(
    session: Session,
    *,
    actor: Actor,
    dataset_name: str,
    content: bytes,
    filename: str,
    progress: Progress = _quiet,
) -> tuple[Dataset, pl.DataFrame, list[str], list[Problem]]:
    """Read and validate a file against the database; returns the classified rows and all problems."""
    require(actor, Permission.import_data, "当前角色不能导入数据")
    try:
        ds = dataset(dataset_name)
    except ValueError as exc:
        raise InvalidInput([Problem(field="dataset", message=str(exc), value=dataset_name)]) from None
    progress("read", 0, 1)
    try:
        table: RawTable = read_table(content, filename, ds)
    except UnreadableFile as exc:
        raise InvalidInput([exc.problem]) from None
    progress("read", 1, 1)
    progress("validate", 0, table.frame.height)
    parsed = parse(table, ds, regions=region_lookup(session), current_year=date.today().year)
    parsed.frame = parsed.frame.with_columns(
        pl.col(c.field).fill_null("")
        for c in ds.columns
        if c.field in parsed.present and c.kind in (Kind.text, Kind.aliases, Kind.industry)
    )
    frame, scope_problems = _check_scope(session, actor, ds, parsed, filename)
    problems = sorted(parsed.problems + scope_problems, key=lambda p: p.row or 0)
    if table.frame.height == 0 and not problems:
        problems.append(
            Problem(
                field="文件", message="没有数据行（第 1 行为列名，数据从第 2 或第 3 行开始）", file=filename
            )
        )
    progress("validate", table.frame.height, table.frame.height)
    if problems:
        return ds, frame, parsed.present, problems
    joined = _classify(_read_existing(session, ds, frame, parsed.present), _value_fields(ds, parsed.present))
    return ds, joined, parsed.present, []


def import_file(
    session: Session,
    *,
    actor: Actor,
    dataset_name: str,
    content: bytes,
    filename: str,
    progress: Progress = _quiet,
    dry_run: bool = False,
) -> ImportResult:
    """Validate everything, then upsert; raises ``InvalidInput`` (nothing written) on any problem."""
    ds, joined, present, problems = prepare(
        session, actor=actor, dataset_name=dataset_name, content=content, filename=filename, progress=progress
    )
    if problems:
        raise InvalidInput(problems)
    counts = joined["__op"].value_counts()
    count = {op: n for op, n in counts.iter_rows()}
    result = ImportResult(
        dataset=ds.name,
        filename=filename,
        rows=joined.height,
        created=count.get("create", 0),
        updated=count.get("update", 0),
        unchanged=count.get("same", 0),
    )
    if dry_run or result.changes == 0:
        return result
    fields = _value_fields(ds, present)
    model = TABLES[ds.name]
    creates = _defaults_for_create(
        ds, _rows_for_write(joined.filter(pl.col("__op") == "create"), ds, fields, filename)
    )
    updates = joined.filter(pl.col("__op") == "update")
    upd_rows = _rows_for_write(updates, ds, fields, filename).with_columns(updates["__id"].alias("id"))
    if ds.name == "figures" and set(fields) == {f for f, _, _ in FIGURE_FIELDS}:
        upd_rows = upd_rows.with_columns(
            pl.lit(None).alias("field_sources")
        )  # the file now speaks for every field
    upd_rows = upd_rows.drop([c for c in (*ds.key, "enterprise_id") if c in upd_rows.columns])
    total = creates.height + upd_rows.height
    done = _write(session, model, creates, progress, 0, total, is_update=False)
    _write(session, model, upd_rows, progress, done, total, is_update=True)
    _audit_updates(session, actor, ds, updates, fields)
    if ds.name == "figures":
        _refresh_latest(session, joined["enterprise_id"].unique().to_list())
    if ds.name == "enterprises" and "region_code" in fields and updates.height:
        sync_child_regions(session, updates["__id"].to_list())
    if total > ANALYZE_AFTER:
        analyze(session, table_of(model), table_of(Enterprise))
    revision.bump(session)
    audit.record(
        session,
        actor,
        entity=model.__tablename__,
        action="import",
        summary=f"导入 {filename}：新增 {result.created}，修改 {result.updated}，未变 {result.unchanged}",
    )
    result.applied = True
    return result
