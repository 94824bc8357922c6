"""Read a registry spreadsheet (xlsx or csv) and validate it column-wise with Polars.

Pure: no database. Every problem names the Excel row number, the column header as the user
sees it, the value found and what was expected; ``parse`` returns all of them at once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import fastexcel
import polars as pl

from kechuang.enterprises.columns import (
    FIGURE_ORDER,
    HELP_MARK,
    INDUSTRY_SECTIONS,
    MAX_COUNT,
    MAX_MONEY,
    Column,
    Dataset,
    Kind,
)
from kechuang.enterprises.uscc import CHARSET, WEIGHTS
from kechuang.errors import Problem
from kechuang.workbook import unpacked_problem

ROW = "__row"  # the row number Excel shows
IGNORED_HEADERS = frozenset({"序号", "备注", "说明"})
TRUE_WORDS = ("是", "y", "yes", "true", "1", "已上市")
FALSE_WORDS = ("否", "n", "no", "false", "0", "未上市")
MIN_YEAR, MAX_YEAR = 1990, 2100


class UnreadableFile(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class RawTable:
    """The file's cells as text, one column per recognised field, plus the Excel row number."""

    filename: str
    frame: pl.DataFrame
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # field → header as written in the file


def _decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", content[:1], 0, 1, "neither UTF-8 nor GB18030")


def _grid(content: bytes, filename: str, sheet: str) -> pl.DataFrame:
    """All cells as strings, no header interpretation, blank rows kept (row i = Excel row i+1)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        text = _decode_csv(content)
        return pl.read_csv(io.StringIO(text), has_header=False, infer_schema=False)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        refused = unpacked_problem(content)
        if refused:
            raise ValueError(refused)
        reader = fastexcel.read_excel(content)
        target = sheet if sheet in reader.sheet_names else 0
        return reader.load_sheet(target, header_row=None, dtypes="string").to_polars()
    raise ValueError(f"不支持的文件类型 {suffix or '（无扩展名）'}，请上传 .xlsx 或 .csv")


def _header_key(text: str) -> str:
    return "".join(text.split()).replace("(", "（").replace(")", "）")


def _header_index(dataset: Dataset) -> dict[str, Column]:
    """Accepted spellings of each header: as in the template, without its unit, or the field name."""
    index: dict[str, Column] = {}
    for col in dataset.columns:
        index[_header_key(col.header)] = col
        index[_header_key(col.header.split("（")[0])] = col
        index[col.field] = col
    return index


def read_table(content: bytes, filename: str, dataset: Dataset) -> RawTable:
    """Read the file into text columns named by field; header problems are collected, not raised."""
    try:
        grid = _grid(content, filename, dataset.sheet)
    except ValueError as exc:
        raise UnreadableFile(Problem(field="文件", message=str(exc), file=filename)) from None
    except Exception as exc:  # a corrupt workbook or an undecodable text file
        raise UnreadableFile(
            Problem(
                field="文件",
                message=f"无法读取（{type(exc).__name__}），请确认是 Excel(.xlsx) 或 CSV 文件",
                file=filename,
            )
        ) from None
    if grid.height == 0:
        raise UnreadableFile(Problem(field="文件", message="文件是空的", file=filename))
    problems: list[Problem] = []
    header_cells = [(str(v).strip() if v is not None else "") for v in grid.row(0)]
    accepted = _header_index(dataset)
    chosen: dict[str, str] = {}  # field → source column name in grid
    headers: dict[str, str] = {}
    for position, (name, text) in enumerate(zip(grid.columns, header_cells, strict=True)):
        if not text:
            continue
        col = accepted.get(_header_key(text))
        if col is None:
            if text not in IGNORED_HEADERS:
                problems.append(
                    Problem(
                        field=text,
                        row=1,
                        value=text,
                        file=filename,
                        message=f"未知的列（第 {position + 1} 列）：请使用模板中的列名，或删除该列",
                    )
                )
            continue
        if col.field in chosen:
            problems.append(Problem(field=text, row=1, value=text, file=filename, message="列重复出现"))
            continue
        chosen[col.field] = name
        headers[col.field] = text
    for col in dataset.columns:
        if col.required and col.field not in chosen:
            problems.append(Problem(field=col.header, row=1, file=filename, message="缺少必填列"))
    body = grid.with_row_index(ROW, offset=1).slice(1)
    first = grid.columns[0]
    if body.height and str(body[first][0] or "").startswith(HELP_MARK):
        body = body.slice(1)
    frame = body.select(
        pl.col(ROW).cast(pl.Int64),
        *(pl.col(src).str.strip_chars().replace("", None).alias(fld) for fld, src in chosen.items()),
    )
    value_cols = [c for c in frame.columns if c != ROW]
    if value_cols:
        frame = frame.filter(pl.any_horizontal(pl.col(value_cols).is_not_null()))
    return RawTable(filename=filename, frame=frame, problems=problems, headers=headers)


# ---- column parsers: each returns (parsed expression, error-message expression) -------------


def _number(raw: pl.Expr) -> pl.Expr:
    return raw.str.replace_all(r"[,，\s]", "").cast(pl.Float64, strict=False)


def _parse_whole(raw: pl.Expr, *, signed: bool, rounded: bool) -> tuple[pl.Expr, pl.Expr]:
    num = _number(raw)
    whole = (num.abs() + 0.5).floor() * num.sign() if rounded else num
    limit = MAX_MONEY if rounded else MAX_COUNT
    in_range = (num.abs() <= limit) & (signed | (num >= 0))
    value = pl.when(num.is_finite() & ((num == num.floor()) | rounded) & in_range).then(whole)
    if rounded:
        expected = f"应为{'' if signed else '不小于 0 的'}金额（元），绝对值不超过 {limit // 10**12:,} 万亿元"
    else:
        expected = f"应为 0 到 {limit:,} 之间的整数"
    error = pl.when(raw.is_not_null() & value.is_null()).then(pl.lit(expected))
    return value.cast(pl.Int64), error


def _parse_year(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    num = _number(raw)
    ok = (num == num.floor()) & (num >= MIN_YEAR) & (num <= MAX_YEAR)
    value = pl.when(ok).then(num).cast(pl.Int64)
    error = pl.when(raw.is_not_null() & value.is_null()).then(
        pl.lit(f"应为 {MIN_YEAR}–{MAX_YEAR} 之间的四位年份")
    )
    return value, error


def _parse_date(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    text = raw.str.slice(0, 10).str.replace_all(r"[/.年月]", "-").str.replace(r"日$", "")
    value = text.str.to_date("%Y-%m-%d", strict=False)
    error = pl.when(raw.is_not_null() & value.is_null()).then(pl.lit("应为日期，如 2019-04-12"))
    return value, error


def _parse_uscc(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    code = raw.str.to_uppercase()
    index = {c: i for i, c in enumerate(CHARSET)}
    digits = [
        code.str.slice(i, 1).replace_strict(index, default=None, return_dtype=pl.Int64) for i in range(18)
    ]
    total = pl.sum_horizontal([d * w for d, w in zip(digits[:17], WEIGHTS, strict=True)])
    expected = (31 - total % 31) % 31
    all_known = pl.all_horizontal([d.is_not_null() for d in digits])
    error = (
        pl.when(raw.is_null())
        .then(None)
        .when(code.str.len_chars() != 18)
        .then(pl.lit("应为 18 位统一社会信用代码"))
        .when(~all_known)
        .then(pl.lit("含有不允许的字符（可用数字和除 I、O、Z、S、V 外的大写字母）"))
        .when(digits[17] != expected)
        .then(
            pl.lit("校验位错误：第 18 位应为 ")
            + expected.replace_strict(dict(enumerate(CHARSET)), default="?")
        )
    )
    value = pl.when(error.is_null()).then(code)
    return value, error


def _parse_choice(raw: pl.Expr, mapping: Mapping[str, str], expected: str) -> tuple[pl.Expr, pl.Expr]:
    value = raw.replace_strict(dict(mapping), default=None, return_dtype=pl.String)
    error = pl.when(raw.is_not_null() & value.is_null()).then(pl.lit(expected))
    return value, error


def _parse_bool(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    low = raw.str.to_lowercase()
    value = pl.when(low.is_in(TRUE_WORDS)).then(True).when(low.is_in(FALSE_WORDS) | raw.is_null()).then(False)
    error = pl.when(value.is_null()).then(pl.lit("应为“是”或“否”"))
    return value, error


def _parse_industry(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    code = raw.str.to_uppercase()
    letter = code.str.slice(0, 1)
    division = code.str.slice(1, 2).cast(pl.Int64, strict=False)
    low = letter.replace_strict(
        {k: v[0] for k, v in INDUSTRY_SECTIONS.items()}, default=None, return_dtype=pl.Int64
    )
    high = letter.replace_strict(
        {k: v[1] for k, v in INDUSTRY_SECTIONS.items()}, default=None, return_dtype=pl.Int64
    )
    ok = code.str.contains(r"^[A-T]\d{2,4}$") & (division >= low) & (division <= high)
    value = pl.when(ok).then(code)
    error = pl.when(raw.is_not_null() & value.is_null()).then(
        pl.lit("应为 GB/T 4754-2017 行业代码：门类字母加 2–4 位数字，且大类属于该门类，如 C3825")
    )
    return value, error


def _parse_text(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    too_long = raw.str.len_chars() > col.max_length
    value = pl.when(~too_long).then(raw)
    error = pl.when(too_long).then(pl.lit(f"不能超过 {col.max_length} 个字"))
    return value, error


def _parse_aliases(raw: pl.Expr, col: Column) -> tuple[pl.Expr, pl.Expr]:
    joined = raw.str.replace_all(r"\s*[;；|、,，]\s*", "|").str.strip_chars("|")
    return _parse_text(joined, col)


def enum_mapping(choices: Any, lang_labels: bool = True) -> dict[str, str]:
    mapping = {m.value: m.value for m in choices}
    if lang_labels:
        mapping |= {m.zh: m.value for m in choices}
    return mapping


def _parser(col: Column, regions: Mapping[str, str]) -> tuple[pl.Expr, pl.Expr]:
    raw = pl.col(col.field)
    match col.kind:
        case Kind.uscc:
            return _parse_uscc(raw)
        case Kind.count:
            return _parse_whole(raw, signed=False, rounded=False)
        case Kind.money:
            return _parse_whole(raw, signed=False, rounded=True)
        case Kind.signed_money:
            return _parse_whole(raw, signed=True, rounded=True)
        case Kind.year:
            return _parse_year(raw)
        case Kind.date:
            return _parse_date(raw)
        case Kind.enum:
            assert col.choices is not None
            labels = "、".join(m.zh for m in col.choices)
            return _parse_choice(raw, enum_mapping(col.choices), f"应为以下之一：{labels}")
        case Kind.region:
            return _parse_choice(
                raw, regions, "未知地区：请从下拉列表选择区县或功能区名称（如 邗江区、扬州国家高新区）"
            )
        case Kind.boolean:
            return _parse_bool(raw)
        case Kind.industry:
            return _parse_industry(raw)
        case Kind.aliases:
            return _parse_aliases(raw, col)
        case _:
            return _parse_text(raw, col)


@dataclass
class Parsed:
    """Typed values (only the columns present in the file, plus ``__row``) and every problem found."""

    frame: pl.DataFrame
    problems: list[Problem]
    present: list[str]  # imported fields present in the file


ERR = "__err__"


def _problems_from(
    frame: pl.DataFrame, raw: pl.DataFrame, errors: dict[str, str], headers: Mapping[str, str], filename: str
) -> list[Problem]:
    """Turn error columns into problems (the loop runs over erroneous cells only)."""
    out: list[Problem] = []
    for fld, err_col in errors.items():
        bad = frame.select(pl.col(ROW), pl.col(err_col)).with_columns(
            raw[fld] if fld in raw.columns else pl.lit(None).alias(fld)
        )
        bad = bad.filter(pl.col(err_col).is_not_null())
        for row, message, value in bad.iter_rows():
            out.append(
                Problem(field=headers.get(fld, fld), message=message, value=value, row=row, file=filename)
            )
    return out


def parse(table: RawTable, dataset: Dataset, *, regions: Mapping[str, str], current_year: int) -> Parsed:
    """Validate every cell column-wise; returns typed columns and all problems (header ones included)."""
    present = [c.field for c in dataset.columns if c.imported and c.field in table.frame.columns]
    headers = {c.field: table.headers.get(c.field, c.header) for c in dataset.columns}
    exprs: list[pl.Expr] = [pl.col(ROW)]
    errors: dict[str, str] = {}
    for col in dataset.columns:
        if col.field not in present:
            continue
        value, error = _parser(col, regions)
        if col.required:
            error = pl.when(pl.col(col.field).is_null()).then(pl.lit("必填，不能为空")).otherwise(error)
        exprs += [value.alias(col.field), error.alias(ERR + col.field)]
        errors[col.field] = ERR + col.field
    raw = table.frame
    typed = raw.select(exprs)
    rules = _row_rules(dataset, present, current_year)
    if rules:
        typed = typed.with_columns([expr.alias(ERR + "rule:" + name) for name, expr in rules])
        for name, _ in rules:
            errors["rule:" + name] = ERR + "rule:" + name
    typed = typed.with_columns(_duplicate_error(dataset, present).alias(ERR + "dup"))
    errors["dup"] = ERR + "dup"
    rule_headers = dict(headers)
    for name, _ in rules:
        rule_headers["rule:" + name] = headers.get(name, name)
    rule_headers["dup"] = " + ".join(headers[k] for k in dataset.key if k in headers)
    problems = table.problems + _problems_from(typed, raw, errors, rule_headers, table.filename)
    problems.sort(
        key=lambda p: (
            p.row or 0,
            list(rule_headers.values()).index(p.field) if p.field in rule_headers.values() else 99,
        )
    )
    return Parsed(frame=typed.select([ROW, *present]), problems=problems, present=present)


def _row_rules(dataset: Dataset, present: list[str], current_year: int) -> list[tuple[str, pl.Expr]]:
    """Cross-field rules, each attached to the field the user should look at."""
    rules: list[tuple[str, pl.Expr]] = []
    headers = {c.field: c.header for c in dataset.columns}
    if dataset.name == "figures":
        for small, large in FIGURE_ORDER:
            if small in present and large in present:
                rules.append(
                    (
                        small,
                        pl.when(pl.col(small) > pl.col(large)).then(pl.lit(f"不能大于「{headers[large]}」")),
                    )
                )
        if "year" in present:
            rules.append(
                ("year", pl.when(pl.col("year") > current_year).then(pl.lit(f"不能晚于 {current_year} 年")))
            )
    if dataset.name == "enterprises" and "founded_on" in present:
        rules.append(
            (
                "founded_on",
                pl.when(pl.col("founded_on").dt.year() > current_year).then(pl.lit("成立日期不能晚于今年")),
            )
        )
    if dataset.name == "titles" and {"valid_until", "year_granted"} <= set(present):
        rules.append(
            (
                "valid_until",
                pl.when(pl.col("valid_until").dt.year() < pl.col("year_granted")).then(
                    pl.lit("有效期不能早于认定年度")
                ),
            )
        )
    return rules


def _duplicate_error(dataset: Dataset, present: list[str]) -> pl.Expr:
    keys = [k for k in dataset.key if k in present]
    if len(keys) != len(dataset.key):
        return pl.lit(None, dtype=pl.String)
    all_set = pl.all_horizontal([pl.col(k).is_not_null() for k in keys])
    first_row = pl.col(ROW).min().over(keys)
    return pl.when(all_set & (pl.col(ROW) != first_row)).then(
        pl.lit("与第 ")
        + first_row.cast(pl.String)
        + pl.lit(" 行重复（同一企业" + ("" if len(keys) == 1 else "、同一年度/类型") + "只能出现一次）")
    )
