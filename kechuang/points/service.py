"""Innovation points on the registry: the input frame (column-wise SQL + Polars), the methodology in
force (stored versions, uploaded as Excel), and the city-wide scoring that pages and exports read.

Scores are computed over the whole city (peers are every enterprise of the same stage), then each
actor sees only the rows in scope: a district its enterprises with their city ranks, an enterprise
its own row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor
from kechuang.choices import TitleType
from kechuang.enterprises.models import Enterprise, EnterpriseFigures, IPHolding, Title
from kechuang.errors import InvalidInput, Problem
from kechuang.points import DEFAULT, Methodology
from kechuang.points.models import PointsMethodology
from kechuang.points.sheet import methodology_from_xlsx, methodology_to_xlsx

FIGURES = (
    "employees",
    "tech_staff",
    "rd_expense",
    "high_tech_revenue",
    "tech_contract_turnover",
    "profit",
    "tax_paid",
    "exports",
)


def _read(session: Session, stmt: Any, schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in session.execute(stmt).all()], schema=schema, orient="row")


def input_frame(session: Session, *, year: int, as_of: date) -> pl.DataFrame:
    """One row per enterprise of the city: the year's figures, last year's revenue, IP, titles held."""
    base = _read(
        session,
        select(
            Enterprise.id, Enterprise.name, Enterprise.uscc, Enterprise.region_code, Enterprise.founded_on
        ),
        {
            "enterprise_id": pl.Int64,
            "name": pl.String,
            "uscc": pl.String,
            "region_code": pl.String,
            "founded_on": pl.Date,
        },
    )
    f = EnterpriseFigures
    figs = _read(
        session,
        select(f.enterprise_id, f.year, f.operating_revenue, *(getattr(f, n) for n in FIGURES)).where(
            f.year.between(year - 1, year)
        ),
        {"enterprise_id": pl.Int64, "year": pl.Int64, "revenue": pl.Int64, **{n: pl.Int64 for n in FIGURES}},
    )
    now = figs.filter(pl.col("year") == year).drop("year")
    prev = figs.filter(pl.col("year") == year - 1).select(
        "enterprise_id", pl.col("revenue").alias("revenue_prev")
    )
    latest = (
        select(IPHolding.enterprise_id, func.max(IPHolding.year).label("year"))
        .where(IPHolding.year <= year)
        .group_by(IPHolding.enterprise_id)
        .subquery()
    )
    ip = _read(
        session,
        select(IPHolding.enterprise_id, IPHolding.ip_class, func.sum(IPHolding.count))
        .join(latest, (latest.c.enterprise_id == IPHolding.enterprise_id) & (latest.c.year == IPHolding.year))
        .group_by(IPHolding.enterprise_id, IPHolding.ip_class),
        {"enterprise_id": pl.Int64, "ip_class": pl.String, "n": pl.Int64},
    )
    ip_wide = (
        ip.pivot(on="ip_class", index="enterprise_id", values="n")
        if ip.height
        else pl.DataFrame(schema={"enterprise_id": pl.Int64})
    )
    ip_wide = ip_wide.select(
        "enterprise_id",
        *(
            pl.col(c).fill_null(0).alias(f"ip_class_{c.lower()}")
            if c in ip_wide.columns
            else pl.lit(0, dtype=pl.Int64).alias(f"ip_class_{c.lower()}")
            for c in ("I", "II")
        ),
    )
    titles = _read(
        session,
        select(Title.enterprise_id, Title.type)
        .distinct()
        .where(Title.year_granted <= year, or_(Title.valid_until.is_(None), Title.valid_until >= as_of)),
        {"enterprise_id": pl.Int64, "type": pl.String},
    )
    held = titles.group_by("enterprise_id").agg(
        (pl.col("type") != TitleType.provincial_rd_institution.value).sum().cast(pl.Int64).alias("titles"),
        (pl.col("type") == TitleType.provincial_rd_institution.value).any().alias("rd_institution"),
    )
    days = (pl.lit(as_of) - pl.col("founded_on")).dt.total_days()
    return (
        base.join(now, on="enterprise_id", how="left")
        .join(prev, on="enterprise_id", how="left")
        .join(ip_wide, on="enterprise_id", how="left")
        .join(held, on="enterprise_id", how="left")
        .with_columns(
            (days / 365.25).alias("age_years"),
            pl.col("titles").fill_null(0),
            pl.col("rd_institution").fill_null(False),
            pl.lit(None, dtype=pl.Int64).alias("sci_projects"),
        )
        .drop("founded_on")
    )


# -- the methodology in force -------------------------------------------------------------------------


def current_methodology(session: Session) -> Methodology:
    """The newest uploaded methodology, or the built-in local default."""
    row = session.scalar(select(PointsMethodology).order_by(PointsMethodology.id.desc()).limit(1))
    if row is None:
        return DEFAULT
    return methodology_from_xlsx(row.content, row.filename)


def methodology_versions(session: Session) -> list[PointsMethodology]:
    return list(session.scalars(select(PointsMethodology).order_by(PointsMethodology.id.desc())))


def methodology_workbook(session: Session) -> bytes:
    return methodology_to_xlsx(current_methodology(session))


def upload_methodology(session: Session, *, actor: Actor, content: bytes, filename: str) -> Methodology:
    """Validate the whole sheet (every problem at once, nothing saved on error), then save it as the new
    version in force. Only the city bureau (admin) decides the methodology."""
    require(actor, Permission.upload_methodology, "只有市科技局管理员可以修改创新积分方法")
    methodology = methodology_from_xlsx(content, filename)  # raises MethodologyError listing every problem
    taken = session.scalar(
        select(PointsMethodology.id).where(
            PointsMethodology.methodology_id == methodology.id,
            PointsMethodology.version == methodology.version,
        )
    )
    if taken is not None:
        raise InvalidInput(
            [
                Problem(
                    "版本",
                    f"{filename}：方法 {methodology.id} 的版本 {methodology.version} 已存在，"
                    "请在“说明”页修改版本号",
                    methodology.version,
                )
            ]
        )
    session.add(
        PointsMethodology(
            methodology_id=methodology.id,
            version=methodology.version,
            name=methodology.name,
            filename=filename,
            content=content,
            uploaded_by=actor.username,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        entity="points_methodologies",
        action="create",
        entity_id=f"{methodology.id}@{methodology.version}",
        summary=f"上传创新积分方法 {methodology.name}（{methodology.id} 版本 {methodology.version}，{filename}）",
    )
    return methodology


def default_year(session: Session) -> int:
    """The latest year most enterprises have figures for."""
    year = session.scalar(
        select(EnterpriseFigures.year)
        .group_by(EnterpriseFigures.year)
        .order_by(func.count().desc(), EnterpriseFigures.year.desc())
        .limit(1)
    )
    return int(year) if year is not None else date.today().year - 1


__all__ = [
    "current_methodology",
    "default_year",
    "input_frame",
    "methodology_versions",
    "methodology_workbook",
    "upload_methodology",
]
