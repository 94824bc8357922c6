"""Demo targets and monthly figures: two years for each of the city's six districts and every catalogue
indicator, deterministic for a seed. Each district has its own pace per indicator, so the dashboard
shows every light for real reasons; flows follow a seasonal pattern (December heavy)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.scope import SYSTEM
from kechuang.db import bulk_insert, table_of, utcnow
from kechuang.indicators.models import Figure, Target
from kechuang.indicators.service import catalogue, ensure_indicators

SOURCE = "demo:generator"
DISTRICTS = ("321002", "321003", "321012", "321023", "321081", "321084")
SCALE = np.array([1.0, 1.4, 1.2, 0.6, 0.9, 0.7])  # relative size of each district
SEASON = np.array([0.06, 0.06, 0.08, 0.08, 0.08, 0.09, 0.08, 0.08, 0.09, 0.09, 0.09, 0.12])
# a district's first-year base for each indicator (at scale 1.0), and the yearly growth the target asks for
BASE = {
    "rd_spending": 250_000.0,
    "high_tech_output_share": 0.48,
    "invention_patents_per_10k": 42.0,
    "hnte_count": 260.0,
    "tech_sme_count": 420.0,
    "tech_contract_turnover": 180_000.0,
    "iur_projects": 60.0,
    "rd_platforms": 55.0,
    "talent_introduced": 120.0,
}
GROWTH = {"high_tech_output_share": 0.012}  # percentage points per year; the rest grow by 10%
SHARES = ("high_tech_output_share", "invention_patents_per_10k")  # ratios: not scaled by district size
COUNTED = ("项", "人", "家", "个", "件")  # whole numbers


def demo_indicators(session: Session, *, today: date, seed: int = 2026) -> int:
    """Insert two years of targets and figures once; returns the number of figures inserted."""
    if session.scalar(select(Figure.id).where(Figure.source == SOURCE).limit(1)) is not None:
        return 0
    ensure_indicators(session)
    rng = np.random.default_rng(seed)
    year = today.year if today.month > 1 else today.year - 1
    last_month = today.month - 1 if today.month > 1 else 12
    targets, figures = [], []
    for ind in catalogue(session):
        base0 = BASE.get(ind.code)
        if base0 is None:
            continue
        scale = np.ones(len(DISTRICTS)) if ind.code in SHARES else SCALE
        pace = rng.uniform(0.84, 1.08, (2, len(DISTRICTS)))  # each district's pace, per year
        level = base0 * scale * rng.uniform(0.85, 1.15, len(DISTRICTS))
        for k, y in enumerate((year - 1, year)):
            months = 12 if y < year else last_month
            if ind.mode == "cumulative":
                target = np.round(level * 1.10, 0)
                flows = (
                    target[None, :]
                    * SEASON[:months, None]
                    * pace[k][None, :]
                    * rng.uniform(0.85, 1.15, (months, len(DISTRICTS)))
                )
                values = np.round(flows, 0 if ind.unit in COUNTED else 1)
                level = target
            else:
                growth = GROWTH.get(ind.code)
                target = (
                    np.round(level + growth, 4)
                    if growth is not None
                    else np.round(level * 1.10, 2 if ind.code in SHARES else 0)
                )
                steps = (np.arange(1, months + 1) / 12)[:, None] * pace[k][None, :]
                values = (
                    level[None, :]
                    + (target - level)[None, :] * steps
                    + rng.normal(0, 0.004, (months, len(DISTRICTS))) * level[None, :]
                )
                values = np.round(values, 4 if ind.code in SHARES else 0)
                level = values[-1] if months == 12 else target
            for d, region in enumerate(DISTRICTS):
                targets.append((region, ind.code, y, float(target[d]), f"{y}年度目标任务书（演示）"))
                for m in range(months):
                    figures.append((region, ind.code, y, m + 1, float(values[m, d]), SOURCE))
    now = utcnow()
    bulk_insert(
        session,
        table_of(Target),
        pl.DataFrame(
            targets,
            schema={
                "region_code": pl.String,
                "indicator": pl.String,
                "year": pl.Int64,
                "target": pl.Float64,
                "source": pl.String,
            },
            orient="row",
        ).with_columns(pl.lit(now).alias("updated_at")),
    )
    frame = pl.DataFrame(
        figures,
        schema={
            "region_code": pl.String,
            "indicator": pl.String,
            "year": pl.Int64,
            "month": pl.Int64,
            "value": pl.Float64,
            "source": pl.String,
        },
        orient="row",
    )
    bulk_insert(session, table_of(Figure), frame.with_columns(pl.lit(now).alias("updated_at")))
    audit.record(
        session,
        SYSTEM,
        entity="indicator_figures",
        action="import",
        summary=f"演示数据：{len(targets)} 个年度目标、{frame.height} 个月度数据（{len(DISTRICTS)} 个地区两年）",
    )
    return frame.height
