"""The methodology as an Excel workbook: sheet 指标 (one row per indicator) and sheet 说明 (identity,
aggregation, stage rule). Reading reports every problem at once — file, sheet, the row Excel shows,
the column header, the value and what was expected — and returns nothing on any problem."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
import xlsxwriter

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

SHEET, ABOUT = "指标", "说明"
HEADERS = (
    "指标编号",
    "指标名称",
    "英文名称",
    "指标组",
    "方向",
    "初创期权重",
    "成长期权重",
    "稳定期权重",
    "标准化方法",
    "分档",
    "缺失处理",
    "计算公式",
)
DIRECTIONS = {"正向": 1, "负向": -1}
ABOUT_KEYS = (
    "方法编号",
    "版本",
    "名称",
    "说明",
    "汇总方法",
    "初创期年限上限",
    "初创期营业收入上限（元）",
    "稳定期年限下限",
    "稳定期营业收入下限（元）",
)


class MethodologyError(InvalidInput):
    """Every problem of an uploaded methodology sheet."""


def _bands_text(bands: tuple[tuple[float, float], ...]) -> str:
    return ";".join(f"{low:g}:{score:g}" for low, score in bands)


def methodology_to_xlsx(m: Methodology) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    bold = book.add_format({"bold": True, "bg_color": "#F2F4F7"})
    sheet = book.add_worksheet(SHEET)
    for col, header in enumerate(HEADERS):
        sheet.write(0, col, header, bold)
    for r, i in enumerate(m.indicators, start=1):
        sheet.write_row(
            r,
            0,
            (
                i.id,
                i.name,
                i.name_en,
                GROUP_LABELS[i.group],
                "正向" if i.direction > 0 else "负向",
                *(i.weights.get(s, 0) for s in STAGES),
                NORMALISATIONS[i.normalisation],
                _bands_text(i.bands),
                MISSING[i.missing],
                i.formula,
            ),
        )
    last = max(len(m.indicators) + 200, 300)
    for col, values in (
        (3, list(GROUP_LABELS.values())),
        (4, list(DIRECTIONS)),
        (8, list(NORMALISATIONS.values())),
        (10, list(MISSING.values())),
        (11, sorted(FORMULAS)),
    ):
        sheet.data_validation(1, col, last, col, {"validate": "list", "source": values})
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 2, 22)
    sheet.set_column(3, 11, 14)
    sheet.freeze_panes(1, 0)
    about = book.add_worksheet(ABOUT)
    rule = m.stage_rule
    for r, (key, value) in enumerate(
        zip(
            ABOUT_KEYS,
            (
                m.id,
                m.version,
                m.name,
                m.note,
                AGGREGATIONS[m.aggregation],
                rule.startup_age,
                rule.startup_revenue,
                rule.mature_age,
                rule.mature_revenue,
            ),
            strict=True,
        )
    ):
        about.write(r, 0, key, bold)
        about.write(r, 1, value)
    about.data_validation(4, 1, 4, 1, {"validate": "list", "source": list(AGGREGATIONS.values())})
    about.set_column(0, 0, 26)
    about.set_column(1, 1, 80)
    book.close()
    return buf.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> float | None:
    try:
        return float(_text(value))
    except ValueError:
        return None


def methodology_from_xlsx(content: bytes, filename: str) -> Methodology:
    problems: list[Problem] = []

    def bad(sheet: str, row: int, header: str, value: Any, expected: str) -> None:
        problems.append(
            Problem(
                header,
                f"{filename} 工作表“{sheet}”第 {row} 行“{header}”：值“{_text(value)}”，应为{expected}",
                _text(value),
                row=row,
            )
        )

    try:
        rows = pl.read_excel(
            io.BytesIO(content), sheet_name=SHEET, engine="calamine", infer_schema_length=0
        ).to_dicts()
        about_rows = pl.read_excel(
            io.BytesIO(content), sheet_name=ABOUT, engine="calamine", has_header=False, infer_schema_length=0
        ).rows()
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one plain problem
        raise MethodologyError(
            [
                Problem(
                    "文件",
                    f"{filename}：无法读取为含“{SHEET}”和“{ABOUT}”工作表的 Excel 文件"
                    f"（{type(exc).__name__}）",
                    filename,
                )
            ]
        ) from None
    missing_headers = [h for h in HEADERS if rows and h not in rows[0]]
    if missing_headers or not rows:
        raise MethodologyError(
            [
                Problem(
                    "表头",
                    f"{filename} 工作表“{SHEET}”缺少列：{'、'.join(missing_headers)}"
                    if missing_headers
                    else f"{filename} 工作表“{SHEET}”没有指标行",
                    "",
                )
            ]
        )
    groups = {v: k for k, v in GROUP_LABELS.items()}
    norms = {v: k for k, v in NORMALISATIONS.items()}
    missing = {v: k for k, v in MISSING.items()}
    indicators, seen = [], set()
    for n, row in enumerate(rows, start=2):
        if not any(_text(v) for v in row.values()):
            continue
        iid = _text(row["指标编号"])
        if not iid or not iid.replace("_", "").isalnum() or not iid.isascii():
            bad(SHEET, n, "指标编号", iid, "字母、数字或下划线组成的编号")
        elif iid in seen:
            bad(SHEET, n, "指标编号", iid, "不重复的编号")
        seen.add(iid)
        if not _text(row["指标名称"]):
            bad(SHEET, n, "指标名称", "", "指标的中文名称")
        group = groups.get(_text(row["指标组"]))
        if group is None:
            bad(SHEET, n, "指标组", row["指标组"], "、".join(GROUP_LABELS.values()) + " 之一")
        direction = DIRECTIONS.get(_text(row["方向"]))
        if direction is None:
            bad(SHEET, n, "方向", row["方向"], "正向或负向")
        weights = {}
        for stage in STAGES:
            header = f"{STAGE_LABELS[stage]}权重"
            w = _number(row[header]) if _text(row[header]) else 0.0
            if w is None or w < 0:
                bad(SHEET, n, header, row[header], "不小于 0 的数")
            weights[stage] = w or 0.0
        normalisation = norms.get(_text(row["标准化方法"]))
        if normalisation is None:
            bad(SHEET, n, "标准化方法", row["标准化方法"], "、".join(NORMALISATIONS.values()) + " 之一")
        bands: list[tuple[float, float]] = []
        text = _text(row["分档"])
        if text:
            for part in text.replace("；", ";").replace("：", ":").split(";"):
                low, _, score = part.partition(":")
                lo, sc = _number(low), _number(score)
                if lo is None or sc is None or not 0 <= sc <= 1:
                    bad(SHEET, n, "分档", text, "“下限:得分;…”，得分在 0 到 1 之间，如 0:0;0.03:0.6;0.05:1")
                    bands = []
                    break
                bands.append((lo, sc))
        if (
            normalisation == "bands"
            and not bands
            and not any(p.row == n and p.field == "分档" for p in problems)
        ):
            bad(SHEET, n, "分档", text, "分档标准化所需的分档，如 0:0;0.03:0.6;0.05:1")
        policy = missing.get(_text(row["缺失处理"]))
        if policy is None:
            bad(SHEET, n, "缺失处理", row["缺失处理"], "、".join(MISSING.values()) + " 之一")
        formula = _text(row["计算公式"])
        if formula not in FORMULAS:
            bad(SHEET, n, "计算公式", formula, "、".join(sorted(FORMULAS)) + " 之一")
        indicators.append(
            Indicator(
                iid,
                _text(row["指标名称"]),
                _text(row["英文名称"]),
                group or "auxiliary",
                weights,
                formula,
                normalisation or "percentile",
                direction or 1,
                tuple(sorted(bands)),
                policy or "zero",
            )
        )
    about = {_text(r[0]): r[1] for r in about_rows if r and _text(r[0])}
    for key in ABOUT_KEYS[:3]:
        if not _text(about.get(key)):
            bad(ABOUT, ABOUT_KEYS.index(key) + 1, key, about.get(key), "非空")
    aggregation = {v: k for k, v in AGGREGATIONS.items()}.get(_text(about.get("汇总方法")))
    if aggregation is None:
        bad(ABOUT, 5, "汇总方法", about.get("汇总方法"), "、".join(AGGREGATIONS.values()) + " 之一")
    numbers = []
    for offset, key in enumerate(ABOUT_KEYS[5:], start=6):
        value = _number(about.get(key))
        if value is None or value < 0:
            bad(ABOUT, offset, key, about.get(key), "不小于 0 的数")
        numbers.append(value or 0.0)
    methodology = Methodology(
        _text(about.get("方法编号")),
        _text(about.get("版本")),
        _text(about.get("名称")),
        _text(about.get("说明")),
        tuple(indicators),
        StageRule(numbers[0], int(numbers[1]), numbers[2], int(numbers[3])),
        aggregation or "arithmetic",
    )
    if not problems:
        for text in methodology.problems():
            problems.append(Problem("权重", f"{filename} 工作表“{SHEET}”：{text}", ""))
    if problems:
        raise MethodologyError(problems)
    return methodology
