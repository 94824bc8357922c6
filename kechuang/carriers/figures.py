"""Carrier and talent counts as the targets page's monthly figures, computed from the registry:

    carriers_provincial_plus[district, y, m] = #{incubators and maker spaces at 国家级 or 省级 recognised
                                                in year ≤ y}                                  (时点, 家)
    talent_in_programmes[district, y, m]     = #{people in a talent programme, selected in year ≤ y and
                                                in post}                                      (时点, 人)

A park or a town rolls up to its district. Every month of last year and of this year up to now gets a
figure (0 when there is none), with its source naming the count per level or programme. The job writes
them; pages only read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.carriers.models import Carrier
from kechuang.choices import CarrierLevel, TalentProgramme
from kechuang.indicators.models import Figure
from kechuang.regions.service import district_of
from kechuang.talent.models import Talent

CARRIERS = "carriers_provincial_plus"
TALENT = "talent_in_programmes"
KINDS = ("incubator", "maker_space")
LEVELS = ("national", "provincial")


def _months(today: date) -> list[tuple[int, int]]:
    return [(today.year - 1, m) for m in range(1, 13)] + [(today.year, m) for m in range(1, today.month + 1)]


def counts(
    items: pl.DataFrame,
    indicator: str,
    labels: Mapping[str, str],
    district_of: Mapping[str, str],
    today: date,
) -> pl.DataFrame:
    """items: region_code, year (null: always counted), group (a level or programme). Per district and
    month of last year and this year: how many items have ``year ≤`` the month's year, and the source."""
    frame = items.with_columns(
        pl.col("region_code").replace_strict(dict(district_of), default=None).alias("district")
    ).filter(pl.col("district").is_not_null())
    rows = []
    for district in sorted(set(district_of.values())):
        mine = frame.filter(pl.col("district") == district)
        for year, month in _months(today):
            held = mine.filter(pl.col("year").is_null() | (pl.col("year") <= year))
            by = dict(held.group_by("group").len().iter_rows())
            parts = "、".join(f"{labels[g]} {by[g]}" for g in labels if by.get(g))
            rows.append(
                (district, indicator, year, month, float(held.height), f"kechuang 登记：{parts or '无'}")
            )
    return pl.DataFrame(
        rows,
        schema={
            "region_code": pl.String,
            "indicator": pl.String,
            "year": pl.Int32,
            "month": pl.Int8,
            "value": pl.Float64,
            "source": pl.String,
        },
        orient="row",
    )


def frames(session: Session, today: date) -> pl.DataFrame:
    districts = district_of(session)
    carriers = pl.DataFrame(
        [
            tuple(r)
            for r in session.execute(
                select(Carrier.region_code, Carrier.recognised_year, Carrier.level).where(
                    Carrier.kind.in_(KINDS), Carrier.level.in_(LEVELS)
                )
            )
        ],
        schema={"region_code": pl.String, "year": pl.Int32, "group": pl.String},
        orient="row",
    )
    people = pl.DataFrame(
        [
            tuple(r)
            for r in session.execute(
                select(Talent.region_code, Talent.year, Talent.programme).where(Talent.status == "active")
            )
        ],
        schema={"region_code": pl.String, "year": pl.Int32, "group": pl.String},
        orient="row",
    )
    levels = {k: v for k, v in CarrierLevel.labels().items() if k in LEVELS}
    return pl.concat(
        [
            counts(carriers, CARRIERS, levels, districts, today),
            counts(people, TALENT, TalentProgramme.labels(), districts, today),
        ]
    )


def feed(session: Session, today: date) -> int:
    """Write the figures that changed; the number written."""
    frame = frames(session, today)
    have = {
        (f.region_code, f.indicator, f.year, f.month): f
        for f in session.scalars(
            select(Figure).where(Figure.indicator.in_((CARRIERS, TALENT)), Figure.year >= today.year - 1)
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
