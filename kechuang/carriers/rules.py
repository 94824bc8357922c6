"""Carrier evaluation as rules: the national incubator criteria (国科发区〔2018〕300号), the specialised
variant and the graduation test, written in the qualification rules' engine (``kechuang.rules``) with
their numbers as versioned data (``data/*.toml``), so a carrier gets the same met / not met / unknown,
criteria with articles and gaps as an enterprise. Pure.

A carrier record's values (all optional; a missing one makes its criterion unknown):

    registered_on        date the carrier started operating     stats_years     years of statistics filed
    area_m2              area it controls (m²)                   tenant_area_m2  area used by tenants
    fund                 seed / incubation fund (yuan)           fund_cases      fund-use cases
    tenants              enterprises in incubation               financed_tenants  of them financed
    staff, pro_staff     staff, of them professional             mentors         entrepreneurship mentors
    patent_tenants       tenants that applied for patents        ip_tenants      tenants holding valid IP
    graduates            cumulative graduates                    legal_person    independent legal person
    hardship_region      a region where the 20% relaxation applies (false when not given)

Relaxed criteria (area, tenants, density, graduates) hold when ``value ≥ threshold`` or, in a hardship
region, ``value ≥ threshold × 0.8``.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from kechuang.rules import expr as E
from kechuang.rules import programmes as P
from kechuang.rules.assess import Parsed, evaluate
from kechuang.rules.catalog import RuleDoc, load
from kechuang.rules.programmes import Criterion, Programme, crit, ratio

DATA = Path(__file__).with_name("data")
HARDSHIP = E.Flag("hardship_region")
LEVELS = ("incubator_national", "incubator_specialised")  # the national levels an incubator may reach


def _relaxable(doc: RuleDoc, key: str, left: E.Quantity, *, label: str, unit: str = "count") -> Criterion:
    """``left ≥ t`` or, in a hardship region, ``left ≥ t × relaxation``."""
    base = crit(doc, key, left, ">=", label=label, unit=unit)
    t = doc.thresholds[key]
    relaxed = E.Cmp(left, ">=", t.value * doc.t("relaxation"))
    normal = E.Cmp(left, ">=", t.value)
    return Criterion(
        key,
        label,
        E.Any_((normal, E.All((HARDSHIP, relaxed)))),
        t.article,
        base.required,
        ((HARDSHIP, relaxed), (P.TRUE, normal)),
        unit,
    )


def incubator_2018(doc: RuleDoc) -> Programme:
    tenants = E.Field("tenants")
    ip = E.Any_(
        (
            E.Cmp(ratio(E.Field("patent_tenants"), tenants), ">=", doc.t("patent_share")),
            E.Cmp(ratio(E.Field("ip_tenants"), tenants), ">=", doc.t("ip_share")),
        )
    )
    patents = E.Cmp(ratio(E.Field("patent_tenants"), tenants), ">=", doc.t("patent_share"))
    criteria = (
        Criterion(
            "legal_person", "具有独立法人资格", E.Flag("legal_person"), "第六条（一）", "是", (), "flag"
        ),
        Criterion(
            "operating_years",
            "实际注册并运营满3年",
            E.Registered(int(doc.t("operating_years"))),
            doc.thresholds["operating_years"].article,
            f"≥ {doc.t('operating_years')} 年",
            (),
            "years",
        ),
        crit(doc, "stats_years", E.Field("stats_years"), ">=", label="连续报送统计数据年数", unit="years"),
        _relaxable(doc, "area_min", E.Field("area_m2"), label="可自主支配的孵化场地面积（平方米）"),
        crit(
            doc,
            "tenant_area_share",
            ratio(E.Field("tenant_area_m2"), E.Field("area_m2")),
            ">=",
            label="在孵企业使用面积占比",
        ),
        crit(doc, "fund_min", E.Field("fund"), ">=", label="孵化资金规模", unit="yuan"),
        crit(
            doc,
            "financed_share",
            ratio(E.Field("financed_tenants"), tenants),
            ">=",
            label="获得投融资的在孵企业占比",
        ),
        crit(doc, "fund_cases", E.Field("fund_cases"), ">=", label="资金使用案例"),
        crit(
            doc,
            "pro_staff_share",
            ratio(E.Field("pro_staff"), E.Field("staff")),
            ">=",
            label="专业孵化服务人员占比",
            unit="people",
        ),
        crit(
            doc,
            "pro_staff_per_tenant",
            ratio(E.Field("pro_staff"), tenants),
            ">=",
            label="每家在孵企业专业服务人员",
        ),
        crit(
            doc, "mentors_per_tenant", ratio(E.Field("mentors"), tenants), ">=", label="每家在孵企业创业导师"
        ),
        Criterion(
            "ip",
            "已申请专利的在孵企业占比（或拥有有效知识产权的占比）",
            ip,
            doc.thresholds["patent_share"].article,
            f"≥ 50%（或有效知识产权 ≥ {float(doc.t('ip_share')):.0%}）",
            ((P.TRUE, patents),),
        ),
        _relaxable(doc, "tenants_min", tenants, label="在孵企业数"),
        _relaxable(
            doc,
            "tenant_density",
            ratio(tenants, E.Field("area_m2")),
            label="每千平方米在孵企业数",
            unit="per_thousand",
        ),
        _relaxable(doc, "graduates_min", E.Field("graduates"), label="累计毕业企业数"),
    )
    return Programme(doc, criteria, gates=tuple(c.key for c in criteria))


def graduation_2018(doc: RuleDoc) -> Programme:
    """Graduated when any one holds: HNTE, investment > 500万元, two-year revenue > 1000万元, acquired or listed."""
    criteria = (
        Criterion("hnte_valid", "认定为高新技术企业", E.Flag("hnte_valid"), "第十九条", "是", (), "flag"),
        crit(
            doc, "investment_min", E.Field("investment"), ">", label="累计获得天使投资或风险投资", unit="yuan"
        ),
        crit(
            doc,
            "revenue_2y_min",
            P.years_sum("operating_revenue", (P.Y1, P.Y)),
            ">",
            label="近2年营业收入合计",
            unit="yuan",
        ),
        Criterion(
            "acquired_or_listed",
            "被兼并收购或上市",
            E.Flag("acquired_or_listed"),
            "第十九条",
            "是",
            (),
            "flag",
        ),
    )
    return Programme(doc, criteria, direct=tuple((c.key, c.test) for c in criteria))


P.BUILDERS.update({"incubator/2018": incubator_2018, "incubator_graduation/2018": graduation_2018})


@cache
def programmes() -> dict[str, Programme]:
    """The carrier programmes by id (one version each, for now)."""
    return {doc.programme: P.build(doc) for doc in load(DATA)}


def record(values: dict[str, Any], years: dict[int, dict[str, Any]] | None = None) -> Parsed:
    """A carrier (or a tenant, for graduation) as the engine reads it: numbers as exact fractions."""
    clean: dict[str, Any] = {"hardship_region": False}
    for key, value in values.items():
        clean[key] = (
            Fraction(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )
    figures = {
        y: {k: Fraction(v) for k, v in row.items() if v is not None} for y, row in (years or {}).items()
    }
    return Parsed(values.get("id"), clean, figures, ())


def assess(
    programme: str, values: dict[str, Any], as_of: date, years: dict[int, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """One programme's result for one carrier: status, criteria with articles, gaps, the rule's stamp."""
    return evaluate(programmes()[programme], record(values, years), as_of)


def shortfall(programme: str, result: dict[str, Any]) -> float:
    """How far a result is from the programme: Σ over criteria not met of the share by which each misses
    its threshold (1 for a yes/no criterion), plus 0.5 for each unknown one. 0 when met."""
    if result["status"] == "met":
        return 0.0
    prog = programmes()[programme]
    total = 0.0
    for out in result["criteria"]:
        if out["status"] == "unknown":
            total += 0.5
        elif out["status"] == "not_met":
            cmp = next((c for _, c in prog.criterion(out["key"]).display[-1:]), None)
            actual = out.get("actual")
            if (
                cmp is None
                or not isinstance(actual, int | float)
                or isinstance(actual, bool)
                or cmp.right <= 0
            ):
                total += 1.0
            else:
                total += max(0.0, min(1.0, 1 - actual / float(cmp.right)))
    return round(total, 4)


def nearest(carriers: list[dict[str, Any]], programme: str, as_of: date) -> list[dict[str, Any]]:
    """The carriers not yet at ``programme``, nearest first (零突破): each with its result, the number
    of criteria not met and its shortfall."""
    out = []
    for values in carriers:
        result = assess(programme, values, as_of)
        if result["status"] == "met":
            continue
        failing = sum(c["status"] == "not_met" for c in result["criteria"])
        out.append(
            {
                "id": values.get("id"),
                "result": result,
                "failing": failing,
                "shortfall": shortfall(programme, result),
            }
        )
    return sorted(out, key=lambda r: (r["failing"], r["shortfall"], str(r["id"])))
