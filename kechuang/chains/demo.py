"""Demo links for the atlas: demo enterprises placed on chain nodes by their industry code, column-wise
and deterministic (hashes, no loop per enterprise). Some nodes are left empty on purpose (a city never
covers every link), a few enterprises become chain leaders (carriers and talent
link to nodes from ``carriers/demo.py``). The demo key projects are placed on nodes by ``projects/demo.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from kechuang.auth import audit
from kechuang.auth.scope import SYSTEM
from kechuang.chains.models import ChainNode, NodeLink
from kechuang.choices import TitleType
from kechuang.db import analyze, bulk_insert, table_of, utcnow
from kechuang.enterprises.models import Enterprise, Title

SOURCE = "demo:generator"
CITY = "321000"
EMPTY_SHARE = 0.2  # nodes whose industry matches demo enterprises but that are left empty (real gaps)


def _unit(expr: pl.Expr, salt: int) -> pl.Expr:
    """A deterministic pseudo-random number in [0, 1) from an expression's hash."""
    return (expr.hash(seed=salt) % 1_000_003).cast(pl.Float64) / 1_000_003


def _read(session: Session, stmt: Executable, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in session.execute(stmt).all()], schema=schema, orient="row")


def demo_links(session: Session, *, start_year: int) -> int:
    """Insert the demo links (once: nothing happens when demo links exist). Returns the number inserted."""
    if session.scalar(select(NodeLink.id).where(NodeLink.source == SOURCE).limit(1)) is not None:
        return 0
    nodes = _read(
        session,
        select(
            ChainNode.id,
            ChainNode.code,
            ChainNode.chain_id,
            ChainNode.name,
            ChainNode.industry_codes,
            ChainNode.keywords,
            ChainNode.parent_id,
        ),
        {
            "node_id": pl.Int64,
            "code": pl.String,
            "chain_id": pl.Int64,
            "name": pl.String,
            "industry_codes": pl.String,
            "keywords": pl.String,
            "parent_id": pl.Int64,
        },
    )
    if nodes.is_empty():
        return 0
    firms = _read(
        session,
        select(
            Enterprise.id,
            Enterprise.industry_code,
            Enterprise.region_code,
            Enterprise.sort_revenue,
            Enterprise.name,
        ),
        {
            "enterprise_id": pl.Int64,
            "industry_code": pl.String,
            "region_code": pl.String,
            "revenue": pl.Int64,
            "ename": pl.String,
        },
    )
    hnte = _read(
        session,
        select(Title.enterprise_id, Title.type)
        .where(Title.type.in_([TitleType.hnte.value, TitleType.provincial_rd_institution.value]))
        .distinct(),
        {"enterprise_id": pl.Int64, "type": pl.String},
    )
    open_nodes = nodes.filter(_unit(pl.col("code"), 11) >= EMPTY_SHARE)
    codes = (
        open_nodes.with_columns(pl.col("industry_codes").str.split("|"))
        .explode("industry_codes")
        .filter(pl.col("industry_codes") != "")
        .rename({"industry_codes": "industry_code"})
    )
    # each enterprise takes one matching node: an exponential race weighted by a per-node popularity
    popularity = 0.2 + _unit(pl.col("code"), 12)
    race = (
        -(1 - _unit(pl.concat_str(pl.col("enterprise_id").cast(pl.String), pl.col("code")), 13)).log()
        / popularity
    )
    placed = (
        firms.join(codes, on="industry_code")
        .with_columns(race.alias("race"))
        .sort("race")
        .group_by("enterprise_id", maintain_order=True)
        .first()
        .filter(_unit(pl.col("enterprise_id").cast(pl.String), 14) < 0.85)
    )  # some are on no chain
    held = hnte.filter(pl.col("type") == TitleType.hnte.value).select(
        "enterprise_id", pl.lit(True).alias("hnte")
    )
    placed = placed.join(held, on="enterprise_id", how="left").with_columns(pl.col("hnte").fill_null(False))
    order = pl.col("revenue").rank("ordinal", descending=True)
    hnte_order = pl.when(pl.col("hnte")).then(pl.col("revenue")).rank("ordinal", descending=True)
    chain_top = (hnte_order.over("chain_id") == 1) & pl.col("hnte") & (pl.col("revenue") >= 100_000_000)
    leader = chain_top & (_unit(pl.col("chain_id").cast(pl.String), 15) < 0.6)
    role = (
        pl.when(leader)
        .then(pl.lit("leader"))
        .when(order.over("node_id") <= 3)
        .then(pl.lit("key_supporting"))
        .otherwise(pl.lit("member"))
    )
    share = (0.6 + 0.4 * _unit(pl.col("enterprise_id").cast(pl.String), 16)).round(2)
    valid_from = date(start_year, 1, 1)
    now = utcnow()
    ent_links = placed.select(
        "node_id",
        pl.lit("enterprise").alias("kind"),
        "enterprise_id",
        pl.lit("").alias("name"),
        role.alias("role"),
        pl.col("keywords").str.split("|").list.first().fill_null("").alias("main_product"),
        share.alias("revenue_share"),
        "region_code",
    )
    links = ent_links.with_columns(
        pl.lit(None, dtype=pl.Int64).alias("item_id"),
        pl.lit(valid_from).alias("valid_from"),
        pl.lit(None, dtype=pl.Date).alias("valid_until"),
        pl.lit(SOURCE).alias("source"),
        pl.lit(now).alias("updated_at"),
    )
    bulk_insert(session, table_of(NodeLink), links)
    analyze(session, table_of(NodeLink))
    audit.record(
        session,
        SYSTEM,
        entity="atlas_links",
        action="import",
        summary=f"演示数据：企业与产业链节点关联 {ent_links.height} 条",
    )
    return links.height
