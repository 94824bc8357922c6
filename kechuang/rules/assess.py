"""The assessment contract (../shared/contracts/ASSESS.md): records in, one result per record out.

``parse_records`` checks every record and lists every problem (record index and field) before
anything is assessed; ``assess`` evaluates one parsed record against every programme's rule in
force on ``as_of``, exactly and without guessing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from kechuang.errors import Problem
from kechuang.rules import expr as E
from kechuang.rules.catalog import in_force
from kechuang.rules.labels import field_label
from kechuang.rules.programmes import PROGRAMMES, Criterion, Programme, build
from kechuang.rules.record import Facts, part, quantity, truth
from kechuang.units import MAX_FIGURE, format_percent, format_yuan

YEAR_FIELDS = (
    "sales_revenue",
    "operating_revenue",
    "main_business_revenue",
    "rd_expense",
    "rd_expense_domestic",
    "high_tech_revenue",
    "total_cost",
    "total_income",
    "total_assets",
    "total_liabilities",
    "profit",
)
SIGNED_YEAR_FIELDS = {"profit"}
COUNTS = ("employees", "tech_staff", "rd_staff", "niche_years", "market_rank")
MONEY = ("equity_financing_2y", "equity_financing_3y", "valuation_usd")
FLAGS = (
    "in_priority_field",
    "strategic_emerging",
    "clean_record",
    "hnte_valid",
    "innovative_sme_valid",
    "specialized_sme_valid",
    "listed",
    "quality_certified",
    "own_brand",
    "key_chain_link",
    "rd_institution",
)
IP_FIELDS = ("class_i", "class_ii", "class_i_high_value", "class_i_self_developed")
EXPERT_MAX = {"ip": 30, "conversion": 30, "rd_management": 20}
DIRECT = (
    "national_award_top3_5y",
    "ministerial_rd_institution",
    "led_standard_5y",
    "sci_award_3y",
    "honour_valid",
    "sci_award_rank_3y",
    "maker_china_500_3y",
    "national_award_top3_3y",
    "maker_china_50_3y",
)
KNOWN = {
    "id",
    "name",
    "uscc",
    "registered_on",
    "years",
    "ip",
    "hnte_expert_scores",
    "direct",
    "market_share",
    "specialized_score",
    *COUNTS,
    *MONEY,
    *FLAGS,
}
STATUS = {True: "met", False: "not_met", None: "unknown"}


@dataclass(frozen=True)
class Parsed:
    id: Any
    values: dict[str, Any]
    years: dict[int, dict[str, Fraction]]
    warnings: tuple[str, ...]


def _number(
    value: Any,
    where: str,
    problems: list[Problem],
    index: int,
    *,
    integer: bool,
    minimum: Fraction | None = Fraction(0),
    maximum: Fraction | None = None,
) -> Fraction | None:
    if value is None:
        return None
    expected = "整数" if integer else "数值"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.append(Problem(where, f"应为{expected}", value, index))
        return None
    try:
        number = Fraction(str(value).strip().replace(",", ""))
    except ValueError:
        problems.append(Problem(where, f"应为{expected}", value, index))
        return None
    if isinstance(value, float) and not math.isfinite(value):
        problems.append(Problem(where, f"应为有限的{expected}", value, index))
        return None
    if integer and number.denominator != 1:
        problems.append(Problem(where, "应为整数", value, index))
        return None
    if abs(number) > MAX_FIGURE:
        problems.append(Problem(where, f"绝对值不应大于 {MAX_FIGURE:,}", value, index))
        return None
    if minimum is not None and number < minimum:
        problems.append(Problem(where, f"不应小于 {minimum}", value, index))
        return None
    if maximum is not None and number > maximum:
        problems.append(Problem(where, f"不应大于 {maximum}", value, index))
        return None
    return number


def _flag(value: Any, where: str, problems: list[Problem], index: int) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    problems.append(Problem(where, "应为 true 或 false", value, index))
    return None


def _date(value: Any, where: str, problems: list[Problem], index: int) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.append(Problem(where, "应为日期 YYYY-MM-DD", value, index))
    return None


def _object(value: Any, where: str, problems: list[Problem], index: int) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    problems.append(Problem(where, "应为 JSON 对象", value, index))
    return {}


def parse_record(raw: Any, index: int, problems: list[Problem]) -> Parsed | None:
    """Check one record; append every problem (``row`` = the record's index in the input)."""
    if not isinstance(raw, dict):
        problems.append(Problem("(record)", "每条记录应为 JSON 对象", raw, index))
        return None
    values: dict[str, Any] = {}
    warnings = [f"未识别的字段 {key} 已忽略" for key in raw if key not in KNOWN]
    values["registered_on"] = _date(raw.get("registered_on"), "registered_on", problems, index)
    for name in COUNTS:
        values[name] = _number(raw.get(name), name, problems, index, integer=True)
    for name in MONEY:
        values[name] = _number(raw.get(name), name, problems, index, integer=False)
    values["market_share"] = _number(
        raw.get("market_share"), "market_share", problems, index, integer=False, maximum=Fraction(1)
    )
    values["specialized_score"] = _number(
        raw.get("specialized_score"),
        "specialized_score",
        problems,
        index,
        integer=False,
        maximum=Fraction(100),
    )
    for name in FLAGS:
        values[name] = _flag(raw.get(name), name, problems, index)
    ip = _object(raw.get("ip"), "ip", problems, index)
    for name in IP_FIELDS:
        values[f"ip.{name}"] = _number(ip.get(name), f"ip.{name}", problems, index, integer=True)
    scores = _object(raw.get("hnte_expert_scores"), "hnte_expert_scores", problems, index)
    for name, top in EXPERT_MAX.items():
        values[f"hnte_expert_scores.{name}"] = _number(
            scores.get(name),
            f"hnte_expert_scores.{name}",
            problems,
            index,
            integer=True,
            maximum=Fraction(top),
        )
    direct = _object(raw.get("direct"), "direct", problems, index)
    for name in DIRECT:
        values[f"direct.{name}"] = _flag(direct.get(name), f"direct.{name}", problems, index)
    years: dict[int, dict[str, Fraction]] = {}
    for key, figures in _object(raw.get("years"), "years", problems, index).items():
        if not re.fullmatch(r"(19|20)\d\d", str(key)):
            problems.append(Problem(f"years.{key}", '年度应为四位年份，如 "2024"', key, index))
            continue
        row = _object(figures, f"years.{key}", problems, index)
        warnings += [f"未识别的字段 years.{key}.{name} 已忽略" for name in row if name not in YEAR_FIELDS]
        years[int(key)] = {
            name: v
            for name in YEAR_FIELDS
            if (
                v := _number(
                    row.get(name),
                    f"years.{key}.{name}",
                    problems,
                    index,
                    integer=False,
                    minimum=None if name in SIGNED_YEAR_FIELDS else Fraction(0),
                )
            )
            is not None
        }
    return Parsed(raw.get("id"), values, years, tuple(warnings))


def parse_records(raws: Any) -> tuple[list[Parsed], list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(raws, list):
        return [], [Problem("(input)", "应为企业记录的 JSON 数组", type(raws).__name__)]
    parsed = [parse_record(raw, i, problems) for i, raw in enumerate(raws)]
    return [p for p in parsed if p is not None], problems


# ---- evaluation -------------------------------------------------------------------------


def _facts(record: Parsed, as_of: date) -> Facts:
    return Facts(as_of, dict(record.values), {y: dict(v) for y, v in record.years.items()})


def _fmt(value: Fraction | None, cmp: E.Cmp, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "per_thousand":  # a count per 1,000 (e.g. tenants per 1,000 m²)
        return f"{float(value * 1000):.2f}"
    if isinstance(cmp.left, E.Ratio | E.Growth | E.AvgGrowth) or unit == "ratio":
        return format_percent(value)
    if unit == "yuan":
        return format_yuan(value)
    return f"{value.numerator}" if value.denominator == 1 else f"{float(value):.2f}"


def _gap(c: Criterion, cmp: E.Cmp, f: Facts) -> str:
    """A plain-Chinese gap: '研发费用占比 3.2%，需达到 4%，还差 64万元'."""
    actual = quantity(cmp.left, f)
    need = "需达到" if cmp.op in (">=", ">") else "需不高于"
    text = f"{c.label} {_fmt(actual, cmp, c.unit)}，{need} {_fmt(cmp.right, cmp, c.unit)}"
    if actual is None:
        return text
    if isinstance(cmp.left, E.Ratio):
        from kechuang.rules.record import num

        n, d = num(cmp.left.num, f), num(cmp.left.den, f)
        if n is None or d is None:
            return text
        if c.unit == "people" and cmp.op in (">=", ">") and cmp.right < 1:
            people = math.ceil((cmp.right * d - n) / (1 - cmp.right))
            return f"{text}，还差 {max(people, 1)} 名（新增聘用）"
        if c.unit == "per_thousand" and cmp.op in (">=", ">"):
            return f"{text}，还差 {max(math.ceil(cmp.right * d - n), 1)} 家"
        if c.unit == "yuan":
            delta = cmp.right * d - n
            return (
                f"{text}，还差 {format_yuan(delta)}"
                if cmp.op in (">=", ">")
                else f"{text}，需减少 {format_yuan(-delta)}"
            )
        return text
    if isinstance(cmp.left, E.Growth | E.AvgGrowth):
        return text
    delta = cmp.right - actual
    if cmp.op in (">=", ">") and delta > 0:
        return f"{text}，还差 {_fmt(delta, cmp, c.unit)}"
    return text


def _display(c: Criterion, f: Facts, parts: dict[str, tuple[int, int]]) -> E.Cmp | None:
    for when, cmp in c.display:
        if truth(when, f, parts) is True:
            return cmp
    return None


def _criterion(
    c: Criterion, f: Facts, parts: dict[str, tuple[int, int]], part_missing: dict[str, set[str]]
) -> tuple[dict[str, Any], str | None]:
    f.missing.clear()
    status = None if c.review else truth(c.test, f, parts)
    missing = set(f.missing)
    used = (
        c.test.parts
        if isinstance(c.test, E.ScoreAtLeast)
        else ((c.test.part,) if isinstance(c.test, E.PartPositive) else ())
    )
    for p in used:
        missing |= part_missing[p]
    out: dict[str, Any] = {
        "key": c.key,
        "label": c.label,
        "status": STATUS[status],
        "required": c.required,
        "article": c.article,
    }
    if isinstance(c.test, E.ScoreAtLeast):
        lo, hi = sum(parts[p][0] for p in c.test.parts), sum(parts[p][1] for p in c.test.parts)
        out["actual"] = lo if lo == hi else None
        if lo != hi:
            out["actual_range"] = [lo, hi]
    cmp = _display(c, f, parts)
    if cmp is not None:
        value = quantity(cmp.left, f)
        out["actual"] = None if value is None else (int(value) if value.denominator == 1 else float(value))
        out["actual_text"] = _fmt(value, cmp, c.unit)
    elif isinstance(c.test, E.Flag):
        out["actual"] = f.values.get(c.test.name)
    gap = None
    if c.review:
        out["note"] = "文件未给出量化标准，需人工评审"
        out["review"] = True
    elif status is None:
        fields = sorted(missing)
        undecidable = "无法判定（数据不足或分母为0）"
        out["note"] = (
            ("缺少数据：" + "、".join(f"{field_label(x)}（{x}）" for x in fields)) if fields else undecidable
        )
        out["missing"] = fields
        gap = f"{c.label}：" + (
            ("缺少数据：" + "、".join(field_label(x) for x in fields)) if fields else undecidable
        )
    elif status is False:
        if isinstance(c.test, E.ScoreAtLeast):
            lo, hi = sum(parts[p][0] for p in c.test.parts), sum(parts[p][1] for p in c.test.parts)
            gap = f"{c.label} {hi if lo == hi else f'{lo}–{hi}'} 分，需{'超过' if c.test.strict else '达到'} {c.test.minimum} 分"
        elif cmp is not None:
            gap = _gap(c, cmp, f)
        else:
            gap = f"需满足：{c.label}（{c.required}）"
    return out, gap


def evaluate(programme: Programme, record: Parsed, as_of: date) -> dict[str, Any]:
    """One programme's result in the contract's shape."""
    f = _facts(record, as_of)
    parts: dict[str, tuple[int, int]] = {}
    part_missing: dict[str, set[str]] = {}
    for name, node in programme.parts.items():
        f.missing.clear()
        parts[name] = part(node, f)
        part_missing[name] = set(f.missing)
    criteria, gaps, verdicts = [], [], {}
    for c in programme.criteria:
        out, gap = _criterion(c, f, parts, part_missing)
        criteria.append(out)
        verdicts[c.key] = None if out["status"] == "unknown" else out["status"] == "met"
        if gap:
            gaps.append(gap)
    status, route = decide(programme, verdicts, f, parts)
    result: dict[str, Any] = {"status": STATUS[status], "name": programme.doc.name}
    if route:
        result["route"] = route
    if programme.score_parts:
        lo = sum(parts[p][0] for p in programme.score_parts)
        hi = sum(parts[p][1] for p in programme.score_parts)
        result["score"] = lo if lo == hi else None
        if lo != hi:
            result["score_range"] = [lo, hi]
        result["parts"] = {p: (parts[p][0] if parts[p][0] == parts[p][1] else None) for p in programme.parts}
        ranges = {p: list(parts[p]) for p in programme.parts if parts[p][0] != parts[p][1]}
        if ranges:
            result["parts_range"] = ranges
    result["criteria"] = criteria
    result["gaps"] = [] if status is True else gaps
    result["rule"] = programme.doc.stamp()
    return result


def _kleene_all(values: list[bool | None]) -> bool | None:
    return False if False in values else (None if None in values else True)


def _kleene_any(values: list[bool | None]) -> bool | None:
    return True if True in values else (None if None in values else False)


def decide(
    programme: Programme, verdicts: dict[str, bool | None], f: Facts, parts: dict[str, tuple[int, int]]
) -> tuple[bool | None, str | None]:
    gates = _kleene_all([verdicts[k] for k in programme.gates])
    direct = [(name, truth(cond, f, parts)) for name, cond in programme.direct]
    options = [_kleene_all([verdicts[k] for k in programme.path])] if programme.path else []
    options += [v for _, v in direct]
    alt = _kleene_any(options) if options else True
    status = _kleene_all([gates, alt])
    route = None
    if status is True:
        taken = next((name for name, v in direct if v is True), None)
        route = f"direct:{taken}" if taken else ("score" if programme.score_parts else "criteria")
    return status, route


def benefits(record: Parsed, as_of: date, hnte_status: bool | None) -> dict[str, Any]:
    """Estimated tax benefits: R&D super-deduction and, for an HNTE, the 15% rate."""
    doc = in_force("benefits", as_of)
    figures = record.years.get(as_of.year - 1, {})
    rd, profit = figures.get("rd_expense"), figures.get("profit")
    out: dict[str, Any] = {"rule": doc.stamp(), "year": as_of.year - 1}
    out["rd_super_deduction"] = (
        None
        if rd is None
        else {
            "extra_deduction": float(rd * doc.t("super_deduction")),
            "tax_saved": float(rd * doc.t("super_deduction") * doc.t("standard_rate")),
            "text": f"研发费用加计扣除约可少缴企业所得税 {format_yuan(rd * doc.t('super_deduction') * doc.t('standard_rate'))}",
        }
    )
    holds = bool(record.values.get("hnte_valid")) or hnte_status is True
    if profit is not None and profit > 0 and holds:
        saved = profit * (doc.t("standard_rate") - doc.t("hnte_rate"))
        out["hnte_rate"] = {
            "tax_saved": float(saved),
            "text": f"按15%税率约少缴企业所得税 {format_yuan(saved)}",
        }
    return out


def assess(record: Parsed, as_of: date) -> dict[str, Any]:
    programs = {}
    for name in PROGRAMMES:
        programs[name] = evaluate(build(in_force(name, as_of)), record, as_of)
    hnte = programs["hnte"]["status"]
    out: dict[str, Any] = {
        "id": record.id,
        "as_of": as_of.isoformat(),
        "programs": programs,
        "benefits": benefits(record, as_of, {"met": True, "not_met": False}.get(hnte)),
    }
    if record.warnings:
        out["warnings"] = list(record.warnings)
    return out


def assess_all(raws: Any, as_of: date | None = None) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every problem first; results only when the whole input is valid."""
    parsed, problems = parse_records(raws)
    if problems:
        return [], problems
    day = as_of or date.today()
    return [assess(p, day) for p in parsed], []
