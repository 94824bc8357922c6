"""Load the generated demo city into the database in bulk (column-wise, a few statements per table)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.scope import SYSTEM
from kechuang.choices import IPKind
from kechuang.db import analyze, bulk_insert, table_of, utcnow
from kechuang.enterprises import revision
from kechuang.enterprises.importer import refresh_all_latest
from kechuang.enterprises.models import AppMeta, Enterprise, EnterpriseFigures, IPHolding, Title

SOURCE = "demo:generator"
META_KEY = "demo_city"


def demo_signature(n: int, seed: int, last_year: int) -> str:
    return f"n={n};seed={seed};last_year={last_year}"


def load_city(session: Session, *, n: int, seed: int, last_year: int) -> bool:
    """Generate and load the demo city unless this exact city is already loaded; True when loaded now."""
    from kechuang.demo.generator import generate

    signature = demo_signature(n, seed, last_year)
    meta = session.get(AppMeta, META_KEY)
    if meta is not None and meta.value == signature:
        return False
    if meta is not None or session.scalar(select(Enterprise.id).where(Enterprise.source == SOURCE).limit(1)):
        raise RuntimeError(
            f"数据库中已有另一份演示数据（{meta.value if meta else '?'}），请使用新的数据库文件"
        )
    city = generate(n, seed=seed, last_year=last_year)
    now = utcnow()
    existing = set(session.scalars(select(Enterprise.uscc)))
    ents = city.enterprises.filter(~pl.col("uscc").is_in(list(existing))).with_columns(
        pl.lit(SOURCE).alias("source"), pl.lit(now).alias("created_at"), pl.lit(now).alias("updated_at")
    )
    bulk_insert(session, table_of(Enterprise), ents)
    ids = pl.DataFrame(
        session.execute(select(Enterprise.uscc, Enterprise.id, Enterprise.region_code)).all(),
        schema={"uscc": pl.String, "enterprise_id": pl.Int64, "region_code": pl.String},
        orient="row",
    ).filter(pl.col("uscc").is_in(ents["uscc"].to_list()))

    def attach(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.join(ids, on="uscc", how="inner")
            .drop("uscc")
            .with_columns(pl.lit(SOURCE).alias("source"), pl.lit(now).alias("updated_at"))
        )

    bulk_insert(session, table_of(EnterpriseFigures), attach(city.figures))
    bulk_insert(session, table_of(Title), attach(city.titles))
    ip = attach(city.ip)
    if "ip_class" not in ip.columns:
        ip = ip.with_columns(
            pl.col("kind").replace_strict({k.value: k.ip_class for k in IPKind}).alias("ip_class")
        )
    bulk_insert(session, table_of(IPHolding), ip)
    refresh_all_latest(session)
    revision.bump(session)
    analyze(session, table_of(Enterprise), table_of(EnterpriseFigures), table_of(Title), table_of(IPHolding))
    if meta is None:
        session.add(AppMeta(key=META_KEY, value=signature))
    else:
        meta.value = signature
    audit.record(
        session,
        SYSTEM,
        entity="enterprises",
        action="import",
        summary=f"载入演示城市：{ents.height} 家企业（{signature}）",
    )
    session.flush()
    return True


def is_demo(session: Session) -> bool:
    return session.get(AppMeta, META_KEY) is not None
