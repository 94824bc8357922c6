"""Assess the registry: every enterprise in the actor's scope, column-wise, and one enterprise exactly.

The registry does not hold every fact the rules ask for (clean record, priority field, expert scores,
niche years …); those stay *unknown*, so a verdict is given only where the figures decide it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import polars as pl
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kechuang.auth.scope import Actor, scope_clause
from kechuang.choices import TitleType
from kechuang.enterprises.models import Enterprise, EnterpriseFigures, IPHolding, Title
from kechuang.enterprises.service import get_enterprise
from kechuang.regions.service import region_codes_under
from kechuang.rules.assess import YEAR_FIELDS, Parsed, evaluate
from kechuang.rules.catalog import in_force
from kechuang.rules.frame import assess_frame, fig_column
from kechuang.rules.programmes import PROGRAMMES, Programme, build

BACK_YEARS = 5
STAFF = ("employees", "tech_staff", "rd_staff")
# titles held → the record flags the rules read
TITLE_FLAGS = {
    "hnte_valid": (TitleType.hnte,),
    "innovative_sme_valid": (TitleType.innovative_sme, TitleType.specialized_sme, TitleType.little_giant),
    "specialized_sme_valid": (TitleType.specialized_sme, TitleType.little_giant),
    "direct.ministerial_rd_institution": (TitleType.provincial_rd_institution,),
    "direct.honour_valid": (TitleType.tech_innovation_demo, TitleType.ip_advantage),
}
# the ladder's rungs, lowest first (the pages, the API and the exports show them in this order)
RUNGS = ("tech_sme", "innovative_sme", "hnte", "specialized_sme", "little_giant", "gazelle")
HELD = "held."  # prefix of columns saying the enterprise holds a programme's title today


def programmes_on(as_of: date) -> list[Programme]:
    return [build(in_force(p, as_of)) for p in PROGRAMMES]


def _read(session: Session, stmt: Any, schema: dict[str, Any]) -> pl.DataFrame:
    rows = session.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def input_frame(
    session: Session,
    *,
    actor: Actor,
    as_of: date,
    region_code: str | None = None,
    enterprise_ids: list[int] | None = None,
) -> pl.DataFrame:
    """One row per enterprise in scope: identity, staff, five years of figures, titles and IP as flags."""
    y = as_of.year - 1
    where = [scope_clause(actor, Enterprise)]
    if enterprise_ids is not None:
        where.append(Enterprise.id.in_(enterprise_ids))
    if region_code:
        where.append(Enterprise.region_code.in_(sorted(region_codes_under(session, region_code))))
    base = _read(
        session,
        select(
            Enterprise.id,
            Enterprise.uscc,
            Enterprise.name,
            Enterprise.region_code,
            Enterprise.founded_on,
            Enterprise.listed,
        ).where(*where),
        {
            "enterprise_id": pl.Int64,
            "uscc": pl.String,
            "name": pl.String,
            "region_code": pl.String,
            "registered_on": pl.Date,
            "listed": pl.Boolean,
        },
    )
    ids = select(Enterprise.id).where(*where)
    names = list(STAFF) + list(YEAR_FIELDS)
    figs = _read(
        session,
        select(
            EnterpriseFigures.enterprise_id,
            EnterpriseFigures.year,
            *(getattr(EnterpriseFigures, n) for n in names),
        ).where(
            EnterpriseFigures.enterprise_id.in_(ids), EnterpriseFigures.year.between(y - BACK_YEARS + 1, y)
        ),
        {"enterprise_id": pl.Int64, "year": pl.Int64, **{n: pl.Int64 for n in names}},
    )
    frame = base
    for back in range(BACK_YEARS):
        part = figs.filter(pl.col("year") == y - back).drop("year")
        keep = list(YEAR_FIELDS) + (list(STAFF) if back == 0 else [])
        part = part.select(
            "enterprise_id", *[pl.col(n).alias(fig_column(n, back) if n in YEAR_FIELDS else n) for n in keep]
        )
        frame = frame.join(part, on="enterprise_id", how="left")
    titles = _read(
        session,
        select(Title.enterprise_id, Title.type)
        .distinct()
        .where(
            Title.enterprise_id.in_(ids),
            Title.year_granted <= as_of.year,
            or_(Title.valid_until.is_(None), Title.valid_until >= as_of),
        ),
        {"enterprise_id": pl.Int64, "type": pl.String},
    )
    held = titles.group_by("enterprise_id").agg(pl.col("type"))
    frame = frame.join(held, on="enterprise_id", how="left").with_columns(pl.col("type").fill_null([]))
    flags = [
        pl.col("type").list.eval(pl.element().is_in([str(t) for t in types])).list.any().alias(name)
        for name, types in TITLE_FLAGS.items()
    ]
    held_cols = [pl.col("type").list.contains(p).alias(HELD + p) for p in PROGRAMMES]
    frame = frame.with_columns(flags + held_cols).drop("type")
    latest = (
        select(IPHolding.enterprise_id, func.max(IPHolding.year).label("year"))
        .where(IPHolding.enterprise_id.in_(ids), IPHolding.year <= y)
        .group_by(IPHolding.enterprise_id)
        .subquery()
    )
    ip = _read(
        session,
        select(IPHolding.ip_class, IPHolding.enterprise_id, func.sum(IPHolding.count))
        .join(latest, (latest.c.enterprise_id == IPHolding.enterprise_id) & (latest.c.year == IPHolding.year))
        .group_by(IPHolding.enterprise_id, IPHolding.ip_class),
        {"ip_class": pl.String, "enterprise_id": pl.Int64, "n": pl.Int64},
    )
    for cls, column in (("I", "ip.class_i"), ("II", "ip.class_ii")):
        counts = ip.filter(pl.col("ip_class") == cls).select("enterprise_id", pl.col("n").alias(column))
        frame = frame.join(counts, on="enterprise_id", how="left")
    has_ip = ip.select("enterprise_id").unique().with_columns(pl.lit(True).alias("_ip"))
    frame = (
        frame.join(has_ip, on="enterprise_id", how="left")
        .with_columns(
            [
                pl.when(pl.col("_ip")).then(pl.col(c).fill_null(0)).alias(c)
                for c in ("ip.class_i", "ip.class_ii")
            ]
        )
        .drop("_ip")
    )
    return frame


def assess_registry(
    session: Session, *, actor: Actor, as_of: date, region_code: str | None = None
) -> pl.DataFrame:
    """Every enterprise in scope through every programme in force on ``as_of`` (column-wise)."""
    frame = input_frame(session, actor=actor, as_of=as_of, region_code=region_code)
    result = assess_frame(frame, programmes_on(as_of), as_of)
    return frame.join(result, on="enterprise_id")


def record_from_frame(row: dict[str, Any], as_of: date) -> Parsed:
    """One row of ``input_frame`` as the contract's parsed record (for the exact per-record view)."""
    y = as_of.year - 1
    values: dict[str, Any] = {}
    years: dict[int, dict[str, Fraction]] = {}
    for key, value in row.items():
        if (
            value is None
            or key.startswith(HELD)
            or key in ("enterprise_id", "uscc", "name", "region_code")
            or key.split(".")[0] in PROGRAMMES
        ):
            continue
        if key.startswith("y") and "." in key and key[1].isdigit():
            back, name = key[1:].split(".", 1)
            years.setdefault(y - int(back), {})[name] = Fraction(value)
        else:
            values[key] = value
    return Parsed(row.get("enterprise_id"), values, years, ())


@dataclass(frozen=True)
class Card:
    programme: str
    held: bool
    result: dict[str, Any]


def profile_cards(
    session: Session,
    *,
    actor: Actor,
    enterprise_id: int,
    as_of: date,
    overrides: dict[str, Any] | None = None,
) -> list[Card]:
    """One card per programme for one enterprise, exact. ``overrides`` (self-check 'what if') replace
    figures for this evaluation only: keys as in the batch frame (``employees``, ``y0.rd_expense`` …)."""
    ent = get_enterprise(session, actor=actor, enterprise_id=enterprise_id)
    frame = input_frame(session, actor=actor, as_of=as_of, enterprise_ids=[ent.id])
    row = frame.row(0, named=True)
    for key, value in (overrides or {}).items():
        row[key] = value
    record = record_from_frame(row, as_of)
    return [
        Card(p.doc.programme, bool(row.get(HELD + p.doc.programme)), evaluate(p, record, as_of))
        for p in programmes_on(as_of)
    ]


def nearest_to_hnte(results: pl.DataFrame) -> pl.DataFrame:
    """小升高 pool from stored results (tech_sme and hnte rows): tech SMEs (held or met) that are not HNTE,
    ranked by the size of their HNTE gap: fewest criteria failed, then the smallest shortfall."""
    tech = results.filter(pl.col("programme") == "tech_sme").select(
        "enterprise_id", (pl.col("held") | (pl.col("status") == "met")).alias("tech_ok")
    )
    count = pl.col("failed").str.split(",").list.filter(pl.element() != "").list.len()
    return (
        results.filter((pl.col("programme") == "hnte") & ~pl.col("held") & (pl.col("status") != "met"))
        .join(tech, on="enterprise_id")
        .filter(pl.col("tech_ok"))
        .with_columns(
            count.alias("failed_n"),
            pl.col("unknown").str.split(",").list.filter(pl.element() != "").list.len().alias("unknown_n"),
        )
        .sort(["failed_n", "gap", "unknown_n", "enterprise_id"])
    )


def explain_hnte_gaps(
    session: Session, *, actor: Actor, pool: pl.DataFrame, as_of: date
) -> list[dict[str, Any]]:
    """The exact HNTE evaluation of each enterprise in ``pool`` (in its order), with gaps in plain Chinese."""
    ids = pool["enterprise_id"].to_list()
    frame = input_frame(session, actor=actor, as_of=as_of, enterprise_ids=ids) if ids else None
    rows = {r["enterprise_id"]: r for r in frame.iter_rows(named=True)} if frame is not None else {}
    hnte = build(in_force("hnte", as_of))
    out = []
    for p in pool.iter_rows(named=True):
        r = rows.get(p["enterprise_id"])
        if r is None:
            continue
        result = evaluate(hnte, record_from_frame(r, as_of), as_of)
        out.append(
            {
                "enterprise_id": r["enterprise_id"],
                "uscc": r["uscc"],
                "name": r["name"],
                "region_code": r["region_code"],
                "failed": p["failed_n"],
                "unknown": p["unknown_n"],
                "gap": p["gap"],
                "gaps": [g for g in result["gaps"] if "缺少数据" not in g],
                "missing": [c["label"] for c in result["criteria"] if c["status"] == "unknown"],
            }
        )
    return out


def enterprise_names(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Name and USCC of listed enterprises (the caller already holds their scoped rows)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.uscc).where(Enterprise.id.in_(ids))
    )
    return {i: (name, uscc) for i, name, uscc in rows}
