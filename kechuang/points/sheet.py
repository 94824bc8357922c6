"""The methodology as an Excel workbook: sheet 指标 (one row per indicator) and sheet 说明 (a form:
identity, aggregation, stage rule). Reading reports every problem at once — file, sheet, the row Excel
shows, the column header, the value and what was expected — and returns nothing on any problem."""

from __future__ import annotations

from typing import Any

from kechuang.errors import InvalidInput, Problem
from kechuang.points.catalogue import (
    AGGREGATIONS,
    FORMULAS,
    GROUP_LABELS,
    MISSING,
    NORMALISATIONS,
    STAGE_LABELS,
    STAGES,
    Indicator,
    Methodology,
    StageRule,
)
from kechuang.workbook import CHOICE, MONEY, NUMBER, Book, Field, Parsed, Row, Sheet, read_book, write_book

SHEET, ABOUT = "指标", "说明"
DIRECTIONS = {"正向": 1, "负向": -1}
BANDS_HINT = "“下限:得分;…”，得分在 0 到 1 之间，如 0:0;0.03:0.6;0.05:1"


def _choice(key: str, header: str, labels: dict[str, str]) -> Field:
    return Field(key, header, CHOICE, required=True, choices={v: k for k, v in labels.items()}, width=14)


INDICATORS = Sheet(
    SHEET,
    (
        Field("id", "指标编号", required=True, expected="字母、数字或下划线组成的编号", width=24),
        Field("name", "指标名称", required=True, expected="指标的中文名称", width=22),
        Field("name_en", "英文名称", default="", width=22),
        _choice("group", "指标组", GROUP_LABELS),
        Field("direction", "方向", CHOICE, required=True, choices=DIRECTIONS, width=14),
        *(Field(stage, f"{STAGE_LABELS[stage]}权重", NUMBER, default=0.0, width=14) for stage in STAGES),
        _choice("normalisation", "标准化方法", NORMALISATIONS),
        Field("bands", "分档", default="", width=14),
        _choice("missing", "缺失处理", MISSING),
        Field(
            "formula", "计算公式", CHOICE, required=True, choices={f: f for f in sorted(FORMULAS)}, width=14
        ),
    ),
    help="每行一个指标；三个阶段的权重各自合计为 100；分档填“下限:得分;…”",
    key="id",
)
_RULE = (
    ("startup_age", "初创期年限上限", NUMBER),
    ("startup_revenue", "初创期营业收入上限（元）", MONEY),
    ("mature_age", "稳定期年限下限", NUMBER),
    ("mature_revenue", "稳定期营业收入下限（元）", MONEY),
)
ABOUT_SHEET = Sheet(
    ABOUT,
    (
        Field("id", "方法编号", required=True, expected="非空"),
        Field("version", "版本", required=True, expected="非空"),
        Field("name", "名称", required=True, expected="非空"),
        Field("note", "说明", default=""),
        _choice("aggregation", "汇总方法", AGGREGATIONS),
        *(Field(key, label, kind, required=True) for key, label, kind in _RULE),
    ),
    form=True,
)
BOOK = Book((INDICATORS, ABOUT_SHEET))


class MethodologyError(InvalidInput):
    """Every problem of an uploaded methodology sheet."""


def _bands_text(bands: tuple[tuple[float, float], ...]) -> str:
    return ";".join(f"{low:g}:{score:g}" for low, score in bands)


def methodology_to_xlsx(m: Methodology) -> bytes:
    indicators = (
        {
            "id": i.id,
            "name": i.name,
            "name_en": i.name_en,
            "group": i.group,
            "direction": 1 if i.direction > 0 else -1,
            **{stage: i.weights.get(stage, 0) for stage in STAGES},
            "normalisation": i.normalisation,
            "bands": _bands_text(i.bands),
            "missing": i.missing,
            "formula": i.formula,
        }
        for i in m.indicators
    )
    rule = m.stage_rule
    about = {
        "id": m.id,
        "version": m.version,
        "name": m.name,
        "note": m.note,
        "aggregation": m.aggregation,
        **{key: getattr(rule, key) for key, _, _ in _RULE},
    }
    return write_book(BOOK, {SHEET: indicators, ABOUT: [about]})


def _bands(parsed: Parsed, row: Row) -> tuple[tuple[float, float], ...]:
    """The 分档 cell as (lower bound, score) pairs, sorted; required by the 分档 normalisation."""
    text = row.values["bands"]
    bands = []
    for part in text.replace("；", ";").replace("：", ":").split(";") if text else ():
        low, _, score = part.partition(":")
        try:
            lo, sc = float(low), float(score)
        except ValueError:
            lo, sc = 0.0, -1.0
        if not 0 <= sc <= 1:
            parsed.problem(row, "bands", BANDS_HINT)
            return ()
        bands.append((lo, sc))
    if row.values["normalisation"] == "bands" and not bands:
        parsed.problem(row, "bands", "分档标准化所需的分档，如 0:0;0.03:0.6;0.05:1")
    return tuple(sorted(bands))


# what an invalid cell stands for while the other cells are checked (the methodology is then refused)
_FALLBACK: dict[str, Any] = {
    "group": "auxiliary",
    "direction": 1,
    "normalisation": "percentile",
    "missing": "zero",
}


def _indicator(parsed: Parsed, row: Row) -> Indicator:
    v: dict[str, Any] = {k: _FALLBACK.get(k, "") if x is None else x for k, x in row.values.items()}
    if v["id"] and not (v["id"].replace("_", "").isalnum() and v["id"].isascii()):
        parsed.problem(row, "id", "字母、数字或下划线组成的编号")
    return Indicator(
        v["id"],
        v["name"],
        v["name_en"],
        v["group"],
        {stage: v[stage] or 0.0 for stage in STAGES},
        v["formula"],
        v["normalisation"],
        v["direction"],
        _bands(parsed, row),
        v["missing"],
    )


def _methodology(about: dict[str, Any], indicators: tuple[Indicator, ...]) -> Methodology:
    rule = StageRule(*(about[key] if about[key] is not None else 0 for key, _, _ in _RULE))
    return Methodology(
        about["id"] or "",
        about["version"] or "",
        about["name"] or "",
        about["note"],
        indicators,
        rule,
        about["aggregation"] or "arithmetic",
    )


def methodology_from_xlsx(content: bytes, filename: str) -> Methodology:
    parsed = read_book(BOOK, content, filename, MethodologyError)
    if not parsed.rows[SHEET]:
        raise MethodologyError([Problem("指标", f"{filename} 工作表“{SHEET}”没有指标行", "", file=filename)])
    indicators = tuple(_indicator(parsed, row) for row in parsed.rows[SHEET])
    methodology = _methodology(parsed.rows[ABOUT][0].values, indicators)
    parsed.check(MethodologyError)
    problems = [
        Problem("权重", f"{filename} 工作表“{SHEET}”：{text}", "", file=filename)
        for text in methodology.problems()
    ]
    if problems:
        raise MethodologyError(problems)
    return methodology
