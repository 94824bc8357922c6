"""产学研合作 count and 技术合同 amount as the targets page's monthly figures, computed from signed demands.

    demand_iur_signed[district, year, month]      = #{demands signed that month whose partner is a
                                                     university, institute, research team or expert}
    demand_contract_amount[district, year, month] = Σ contract amounts of the demands signed that month,
                                                     in 万元

A demand counts in the month of its latest 已签约 step and in the district its enterprise belongs to (a
park or a town rolls up to its district). Every month of last year and of this year up to now gets a
figure (0 when nothing was signed), with its source naming the demands. The job writes them; pages
only read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.choices import CapabilityKind
from kechuang.indicators.models import Figure
from kechuang.matching.models import Capability, Demand, DemandEvent
from kechuang.regions.service import district_of

IUR = "demand_iur_signed"
AMOUNT = "demand_contract_amount"
ACADEMIC = [k.value for k in CapabilityKind if k is not CapabilityKind.enterprise]
SOURCE = "kechuang 技术需求库"
SIGNED_SCHEMA = {
    "demand_id": pl.Int64,
    "region_code": pl.String,
    "at": pl.Datetime,
    "amount": pl.Int64,
    "partner_kind": pl.String,
}


def monthly(signed: pl.DataFrame, district_of: Mapping[str, str], today: date) -> pl.DataFrame:
    """Per (district, indicator, year, month) the value and its source, for every month of last year and
    of this year up to ``today``'s month. ``signed``: one row per signing step (SIGNED_SCHEMA)."""
    latest = (
        signed.sort("at")
        .group_by("demand_id")
        .last()
        .with_columns(
            pl.col("region_code").replace_strict(dict(district_of), default=None).alias("district"),
            pl.col("at").dt.year().alias("year"),
            pl.col("at").dt.month().alias("month"),
            pl.col("partner_kind").is_in(ACADEMIC).fill_null(False).alias("academic"),
        )
        .filter(pl.col("district").is_not_null(), pl.col("year") >= today.year - 1)
    )
    sums = latest.group_by("district", "year", "month").agg(
        pl.col("academic").sum().cast(pl.Float64).alias(IUR),
        (pl.col("amount").fill_null(0).sum() / 10_000).alias(AMOUNT),
        pl.col("demand_id").sort().alias("ids"),
    )
    months = [(today.year - 1, m) for m in range(1, 13)] + [
        (today.year, m) for m in range(1, today.month + 1)
    ]
    grid = pl.DataFrame(
        [(d, y, m) for d in sorted(set(district_of.values())) for y, m in months],
        schema={"district": pl.String, "year": pl.Int32, "month": pl.Int8},
        orient="row",
    )
    joined = grid.join(sums, on=["district", "year", "month"], how="left").with_columns(
        pl.col(IUR, AMOUNT).fill_null(0.0)
    )
    ids = pl.col("ids").fill_null([]).list.eval(pl.element().cast(pl.String))
    source = (
        pl.lit(f"{SOURCE}：当月签约需求 ")
        + pl.col("ids").fill_null([]).list.len().cast(pl.String)
        + pl.lit(" 项")
        + pl.when(pl.col("ids").fill_null([]).list.len() > 0)
        .then(pl.lit("（需求编号 ") + ids.list.head(12).list.join("、") + pl.lit("）"))
        .otherwise(pl.lit(""))
    )
    return (
        joined.with_columns(source.alias("source"))
        .unpivot(index=["district", "year", "month", "source"], on=[IUR, AMOUNT], variable_name="indicator")
        .rename({"district": "region_code"})
        .select("region_code", "indicator", "year", "month", "value", "source")
        .sort("region_code", "indicator", "year", "month")
    )


def signed_steps(session: Session) -> pl.DataFrame:
    rows = session.execute(
        select(
            DemandEvent.demand_id, Demand.region_code, DemandEvent.at, Demand.contract_amount, Capability.kind
        )
        .join(Demand, Demand.id == DemandEvent.demand_id)
        .outerjoin(Capability, Capability.id == Demand.partner_id)
        .where(DemandEvent.status == "signed")
    ).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=SIGNED_SCHEMA, orient="row")


def feed(session: Session, today: date) -> int:
    """Write the figures that changed; the number written."""
    frame = monthly(signed_steps(session), district_of(session), today)
    have = {
        (f.region_code, f.indicator, f.year, f.month): f
        for f in session.scalars(
            select(Figure).where(Figure.indicator.in_((IUR, AMOUNT)), Figure.year >= today.year - 1)
        )
    }
    written = 0
    for region, indicator, year, month, value, source in frame.iter_rows():
        old = have.get((region, indicator, year, month))
        if old is not None and old.value == value and old.source == source:
            continue
        if old is None:
            session.add(
                Figure(
                    region_code=region,
                    indicator=indicator,
                    year=year,
                    month=month,
                    value=value,
                    source=source,
                )
            )
        else:
            old.value, old.source = value, source
        written += 1
    session.flush()
    return written
