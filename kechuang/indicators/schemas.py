"""The target API's shapes: the districts × indicators progress, the month's alerts, one district."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kechuang.choices import Light


class IndicatorOut(BaseModel):
    code: str
    name: str
    name_en: str
    unit: str = Field(description="%, 万元, 亿元, 件 …; shares are fractions (0.035 = 3.5%)")
    mode: str = Field(description="cumulative (a flow summed over the year) | point (a level at month end)")
    direction: int = Field(description="1: higher is better; -1: lower is better")


class CellOut(BaseModel):
    """One district's progress on one indicator at the end of the month (formulas: docs/projects.md)."""

    region_code: str
    indicator: str
    target: float | None = Field(description="the year's target")
    actual: float | None = Field(description="the value so far (cumulated for flows)")
    elapsed: float | None = Field(description="序时进度: the share of the year elapsed, 0–1")
    completion: float | None = Field(description="完成率: progress from the base toward the target")
    schedule_index: float | None = Field(description="序时完成率: completion ÷ elapsed")
    gap_to_schedule: float | None = Field(description="actual − the value on schedule, in the unit")
    yoy: float | None = Field(description="同比: against the same month last year")
    rank: int | None = Field(description="among the districts, by schedule index")
    light: Light
    reason: str = Field(description="why this light, in Chinese")


class AlertOut(BaseModel):
    region_code: str
    indicator: str
    previous_light: Light | None
    light: Light
    reason: str


class TargetBoard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2026,
                    "month": 10,
                    "indicators": [
                        {
                            "code": "rd_spending",
                            "name": "全社会研发投入",
                            "name_en": "R&D spending",
                            "unit": "亿元",
                            "mode": "cumulative",
                            "direction": 1,
                        }
                    ],
                    "cells": [
                        {
                            "region_code": "321003",
                            "indicator": "rd_spending",
                            "target": 60.0,
                            "actual": 41.2,
                            "elapsed": 0.833333,
                            "completion": 0.686667,
                            "schedule_index": 0.824,
                            "gap_to_schedule": -8.8,
                            "yoy": 0.081,
                            "rank": 4,
                            "light": "yellow",
                            "reason": "序时完成率 82.4%，低于 90%",
                        }
                    ],
                    "lights": {"green": 30, "yellow": 8, "red": 2, "grey": 0},
                    "alerts": [],
                }
            ]
        }
    )

    year: int
    month: int
    indicators: list[IndicatorOut]
    cells: list[CellOut] = Field(description="the districts the caller may see × the indicators with targets")
    lights: dict[str, int] = Field(description="cells per light")
    alerts: list[AlertOut] = Field(description="cells that turned yellow or red this month")


class FigureOut(BaseModel):
    """One monthly figure with where it came from (a file and row, a user, or a document sentence)."""

    id: int
    year: int
    month: int
    value: float | None
    source: str
    document: dict[str, Any] | None = Field(
        None, description="for figures from documents: document_id, filename, before, evidence, after"
    )


class SeriesOut(BaseModel):
    indicator: str
    months: list[str]
    now: list[float | None] = Field(description="this year by month (cumulated for flows)")
    before: list[float | None] = Field(description="last year by month")
    schedule: list[float | None] = Field(description="the value on schedule by month")
    target: float | None


class DistrictTargets(BaseModel):
    region_code: str
    region_name: str
    year: int
    month: int
    cells: list[CellOut]
    series: SeriesOut | None = Field(description="the chosen indicator's months (the first one by default)")
    figures: list[FigureOut] = Field(description="the chosen indicator's figures, this year and last")
    projects: dict[str, int] = Field(description="the district's key projects per light")
