"""The shape of each programme: its criteria and score parts, built from a rule document's numbers.

A programme is met when every *gate* criterion holds and either a *direct* route holds or every
*path* criterion holds (Kleene logic: unknown when that cannot be decided). *Review* criteria are
shown but never decided automatically (the document gives no number).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from kechuang.rules import expr as E
from kechuang.rules.catalog import BandTable, RuleDoc

Y, Y1, Y2 = 0, 1, 2
TRUE = E.Const(True)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # what is checked, Chinese
    test: E.Cond
    article: str
    required: str  # the requirement as shown, e.g. "≥ 60%"
    # (when, comparison) pairs: the first whose ``when`` holds gives actual / required / gap
    display: tuple[tuple[E.Cond, E.Cmp], ...] = ()
    unit: str = (
        "count"  # of the compared quantity's numerator: yuan | people | count | years | points | ratio
    )
    review: bool = False  # shown for manual review, never decided automatically


@dataclass(frozen=True)
class Programme:
    doc: RuleDoc
    criteria: tuple[Criterion, ...]
    parts: dict[str, E.Part] = field(default_factory=dict)
    gates: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    direct: tuple[tuple[str, E.Cond], ...] = ()
    score_parts: tuple[str, ...] = ()  # the parts summed into ``score``

    def criterion(self, key: str) -> Criterion:
        return next(c for c in self.criteria if c.key == key)


def _pct(value: Fraction) -> str:
    text = f"{float(value * 100):.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _amount(value: Fraction) -> str:
    from kechuang.units import format_yuan

    return format_yuan(value)


def crit(
    doc: RuleDoc,
    key: str,
    left: E.Quantity,
    op: str,
    *,
    label: str,
    unit: str = "count",
    threshold: str | None = None,
    shown: str | None = None,
) -> Criterion:
    """A criterion comparing one quantity with a threshold of the document."""
    t = doc.thresholds[threshold or key]
    cmp = E.Cmp(left, op, t.value)
    sign = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}[op]
    shown_value = shown or (
        _pct(t.value)
        if isinstance(left, E.Ratio | E.Growth | E.AvgGrowth)
        else _amount(t.value)
        if unit == "yuan"
        else f"{t.value}"
    )
    return Criterion(key, label, cmp, t.article, f"{sign} {shown_value}", ((TRUE, cmp),), unit)


def flag(
    doc: RuleDoc, key: str, name: str, *, label: str, threshold: str | None = None, article: str | None = None
) -> Criterion:
    t = doc.thresholds.get(threshold or key)
    return Criterion(key, label, E.Flag(name), article or (t.article if t else ""), "是", (), "flag")


def bands(table: BandTable, quantity: E.Quantity) -> E.Cases:
    op = "<=" if table.at_most else (">" if table.strict else ">=")
    return E.Cases(tuple((E.Cmp(quantity, op, low), lo, hi) for low, lo, hi in table.rows))


def ratio(num: E.Num, den: E.Num) -> E.Ratio:
    return E.Ratio(num, den)


def fig(name: str, back: int = Y) -> E.Fig:
    return E.Fig(name, back)


def years_sum(name: str, backs: tuple[int, ...]) -> E.Sum:
    return E.Sum(tuple(fig(name, b) for b in backs))


def _score_criterion(
    doc: RuleDoc, key: str, parts: tuple[str, ...], label: str, strict: bool = False
) -> Criterion:
    t = doc.thresholds[key]
    sign = ">" if strict else "≥"
    return Criterion(
        key,
        label,
        E.ScoreAtLeast(parts, int(t.value), strict),
        t.article,
        f"{sign} {t.value}分",
        (),
        "points",
    )


# ---- 科技型中小企业 ------------------------------------------------------------------------


def tech_sme_2017(doc: RuleDoc) -> Programme:
    b = doc.bands
    ip = E.Cases(
        ((E.Cmp(E.Field("ip.class_i"), ">=", Fraction(1)), 30, 30),)
        + bands(b["ip_class_ii"], E.Field("ip.class_ii")).cases
    )
    parts: dict[str, E.Part] = {
        "tech_staff": bands(b["tech_staff"], ratio(E.Field("tech_staff"), E.Field("employees"))),
        "rd": E.Best(
            (
                bands(b["rd_sales"], ratio(fig("rd_expense"), fig("sales_revenue"))),
                bands(b["rd_cost"], ratio(fig("rd_expense"), fig("total_cost"))),
            )
        ),
        "ip": ip,
    }
    score = ("tech_staff", "rd", "ip")
    criteria = (
        crit(doc, "employees_max", E.Field("employees"), "<=", label="职工总数", unit="people"),
        crit(doc, "revenue_max", fig("sales_revenue"), "<=", label="上年销售收入", unit="yuan"),
        crit(doc, "assets_max", fig("total_assets"), "<=", label="上年资产总额", unit="yuan"),
        Criterion(
            "clean_record",
            "无重大安全、质量事故和严重环境违法、科研严重失信行为，未列入经营异常名录和严重违法失信企业名单",
            E.Flag("clean_record"),
            "第六条（四）",
            "是",
            (),
            "flag",
        ),
        Criterion(
            "tech_staff_score",
            "科技人员指标得分不为0",
            E.PartPositive("tech_staff"),
            "第六条（五）",
            "> 0分",
            (),
            "points",
        ),
        _score_criterion(doc, "score_min", score, "综合评价得分"),
    )
    direct = (
        ("hnte_valid", E.Flag("hnte_valid")),
        ("national_award_top3_5y", E.Flag("direct.national_award_top3_5y")),
        ("ministerial_rd_institution", E.Flag("direct.ministerial_rd_institution")),
        ("led_standard_5y", E.Flag("direct.led_standard_5y")),
    )
    return Programme(
        doc,
        criteria,
        parts,
        gates=("employees_max", "revenue_max", "assets_max", "clean_record"),
        path=("tech_staff_score", "score_min"),
        direct=direct,
        score_parts=score,
    )


# ---- 高新技术企业 --------------------------------------------------------------------------


def hnte_2016(doc: RuleDoc) -> Programme:
    sales_y = fig("sales_revenue")
    rd3 = ratio(years_sum("rd_expense", (Y2, Y1, Y)), years_sum("sales_revenue", (Y2, Y1, Y)))
    small = E.Cmp(sales_y, "<=", doc.t("small_sales_max"))
    mid = E.Cmp(sales_y, "<=", doc.t("mid_sales_max"))
    tiers = (
        (small, E.Cmp(rd3, ">=", doc.t("rd_ratio_small"))),
        (E.All((E.Not(small), mid)), E.Cmp(rd3, ">=", doc.t("rd_ratio_mid"))),
        (E.Not(mid), E.Cmp(rd3, ">=", doc.t("rd_ratio_large"))),
    )
    rd_test = E.Any_(tuple(E.All((when, cmp)) for when, cmp in tiers))
    growth = doc.bands["growth"]
    positive = doc.bands["growth_positive"]

    def growth_part(name: str) -> E.Cases:
        q = E.AvgGrowth(name)
        return E.Cases(bands(growth, q).cases + bands(positive, q).cases)

    parts: dict[str, E.Part] = {
        "ip": E.Given("hnte_expert_scores.ip", 30),
        "conversion": E.Given("hnte_expert_scores.conversion", 30),
        "rd_management": E.Given("hnte_expert_scores.rd_management", 20),
        "growth_net_assets": growth_part("net_assets"),
        "growth_sales": growth_part("sales_revenue"),
    }
    score = tuple(parts)
    income = E.Coalesce((fig("total_income"), fig("operating_revenue")))
    t_reg = doc.thresholds["registered_years"]
    criteria = (
        Criterion(
            "registered_1y",
            "注册成立满一年",
            E.Registered(int(t_reg.value)),
            t_reg.article,
            "注册满1年",
            (),
            "years",
        ),
        crit(
            doc,
            "ip_owned",
            E.Sum((E.Field("ip.class_i"), E.Field("ip.class_ii"))),
            ">=",
            label="有效知识产权数",
            threshold="ip_min",
        ),
        flag(
            doc,
            "priority_field",
            "in_priority_field",
            label="核心技术属于《国家重点支持的高新技术领域》",
            article="办法第十一条（三）",
        ),
        crit(
            doc,
            "tech_staff_ratio",
            ratio(E.Field("tech_staff"), E.Field("employees")),
            ">=",
            label="科技人员占职工总数比例",
            unit="people",
        ),
        Criterion(
            "rd_ratio_3y",
            "近三年研发费用占同期销售收入比例",
            rd_test,
            doc.thresholds["rd_ratio_small"].article,
            "≥ 5% / 4% / 3%（按上年销售收入 ≤5000万 / ≤2亿 / 以上）",
            tiers,
            "yuan",
        ),
        crit(
            doc,
            "rd_domestic_share",
            ratio(years_sum("rd_expense_domestic", (Y2, Y1, Y)), years_sum("rd_expense", (Y2, Y1, Y))),
            ">=",
            label="近三年境内研发费用占全部研发费用比例",
            unit="yuan",
        ),
        crit(
            doc,
            "high_tech_revenue_share",
            ratio(fig("high_tech_revenue"), income),
            ">=",
            label="上年高新技术产品（服务）收入占同期总收入比例",
            unit="yuan",
        ),
        Criterion(
            "clean_record",
            "申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为",
            E.Flag("clean_record"),
            "办法第十一条（八）",
            "是",
            (),
            "flag",
        ),
        _score_criterion(doc, "innovation_score", score, "企业创新能力评价得分", strict=True),
    )
    return Programme(doc, criteria, parts, gates=tuple(c.key for c in criteria), score_parts=score)


# ---- 创新型中小企业 ------------------------------------------------------------------------


def innovative_sme_2022(doc: RuleDoc) -> Programme:
    b = doc.bands
    one = Fraction(1)
    class_i = E.Cmp(E.Field("ip.class_i"), ">=", one)
    parts: dict[str, E.Part] = {
        "ip": E.Cases(
            (
                (E.All((class_i, E.Cmp(E.Field("ip.class_i_high_value"), ">=", one))), 20, 20),
                (E.All((class_i, E.Cmp(E.Field("ip.class_i_self_developed"), ">=", one))), 15, 15),
                (class_i, 10, 10),
                (E.Cmp(E.Field("ip.class_ii"), ">=", one), 5, 5),
            )
        ),
        "rd_ratio": bands(b["rd_ratio"], ratio(fig("rd_expense"), fig("operating_revenue"))),
        "growth": bands(
            b["growth"], E.Growth(fig("main_business_revenue"), fig("main_business_revenue", Y1))
        ),
        "debt_ratio": bands(b["debt_ratio"], ratio(fig("total_liabilities"), fig("total_assets"))),
        "field": E.Cases(((E.Flag("strategic_emerging"), 10, 10),), default=5),
        "main_business": bands(
            b["main_business"], ratio(fig("main_business_revenue"), fig("operating_revenue"))
        ),
    }
    score = tuple(parts)
    criteria = (
        _score_criterion(doc, "score_min", score, "评价得分"),
        _score_criterion(doc, "innovation_min", ("ip", "rd_ratio"), "创新能力得分（知识产权＋研发投入）"),
        _score_criterion(doc, "growth_min", ("growth", "debt_ratio"), "成长性得分（主营增长率＋资产负债率）"),
        _score_criterion(
            doc, "specialisation_min", ("field", "main_business"), "专业化得分（主导产品领域＋主营占比）"
        ),
    )
    direct = (
        ("sci_award_3y", E.Flag("direct.sci_award_3y")),
        ("hnte_valid", E.Flag("hnte_valid")),
        ("honour_valid", E.Flag("direct.honour_valid")),
        ("ministerial_rd_institution", E.Flag("direct.ministerial_rd_institution")),
        ("equity_financing_3y", E.Cmp(E.Field("equity_financing_3y"), ">=", doc.t("equity_financing_3y"))),
    )
    return Programme(
        doc, criteria, parts, path=tuple(c.key for c in criteria), direct=direct, score_parts=score
    )


# ---- 专精特新中小企业 ----------------------------------------------------------------------


def _revenue_or_equity(doc: RuleDoc, label: str) -> Criterion:
    t = doc.thresholds["revenue_min"]
    revenue = E.Cmp(fig("operating_revenue"), ">=", t.value)
    equity = E.Cmp(E.Field("equity_financing_2y"), ">=", doc.t("equity_financing_2y"))
    return Criterion(
        "revenue_min",
        label,
        E.Any_((revenue, equity)),
        t.article,
        f"≥ {_amount(t.value)}（或近2年股权融资 ≥ {_amount(doc.t('equity_financing_2y'))}）",
        ((TRUE, revenue),),
        "yuan",
    )


def specialized_sme_2022(doc: RuleDoc) -> Programme:
    criteria = (
        crit(doc, "niche_years", E.Field("niche_years"), ">=", label="从事特定细分市场年限", unit="years"),
        crit(doc, "rd_expense_min", fig("rd_expense"), ">=", label="上年研发费用", unit="yuan"),
        crit(
            doc,
            "rd_ratio_min",
            ratio(fig("rd_expense"), fig("operating_revenue")),
            ">=",
            label="上年研发费用占营业收入比重",
            unit="yuan",
        ),
        _revenue_or_equity(doc, "上年营业收入"),
        crit(doc, "score_min", E.Field("specialized_score"), ">=", label="专精特新评价得分", unit="points"),
    )
    direct = (
        ("sci_award_rank_3y", E.Flag("direct.sci_award_rank_3y")),
        ("rd_2y_avg", E.Cmp(years_sum("rd_expense", (Y1, Y)), ">=", doc.t("rd_2y_direct"))),
        ("equity_financing_2y", E.Cmp(E.Field("equity_financing_2y"), ">=", doc.t("equity_2y_direct"))),
        ("maker_china_500_3y", E.Flag("direct.maker_china_500_3y")),
    )
    return Programme(
        doc,
        criteria,
        gates=("niche_years", "rd_expense_min", "rd_ratio_min", "revenue_min"),
        path=("score_min",),
        direct=direct,
    )


def _each_year(doc: RuleDoc, key: str, make: Callable[[int], E.Cmp], label: str, unit: str) -> Criterion:
    t = doc.thresholds[key]
    tests = tuple(make(back) for back in (Y1, Y))
    sign = "≥"
    shown = _pct(t.value) if isinstance(tests[0].left, E.Ratio) else _amount(t.value)
    return Criterion(
        key,
        label,
        E.All(tests),
        t.article,
        f"近2年每年 {sign} {shown}",
        tuple((E.Not(test), test) for test in tests) + ((TRUE, tests[-1]),),
        unit,
    )


def specialized_sme_2026(doc: RuleDoc) -> Programme:
    class_i = doc.thresholds["class_i_ip_min"]
    ip_test = E.Any_(
        (
            E.Cmp(E.Field("ip.class_i"), ">=", class_i.value),
            E.Flag("direct.sci_award_rank_3y"),
            E.Flag("direct.ministerial_rd_institution"),
        )
    )
    criteria = (
        flag(
            doc,
            "innovative_sme_held",
            "innovative_sme_valid",
            label="已认定为科技和创新型中小企业",
            threshold="niche_years",
        ),
        crit(doc, "niche_years", E.Field("niche_years"), ">=", label="从事特定细分市场年限", unit="years"),
        _revenue_or_equity(doc, "上年营业收入"),
        crit(
            doc,
            "main_business_share",
            ratio(fig("main_business_revenue"), fig("operating_revenue")),
            ">=",
            label="主营业务收入占营业收入比重",
            unit="yuan",
        ),
        crit(
            doc,
            "debt_ratio_max",
            ratio(fig("total_liabilities"), fig("total_assets")),
            "<=",
            label="资产负债率",
            unit="yuan",
        ),
        _each_year(
            doc,
            "rd_expense_min",
            lambda back: E.Cmp(fig("rd_expense", back), ">=", doc.t("rd_expense_min")),
            "研发费用",
            "yuan",
        ),
        _each_year(
            doc,
            "rd_ratio_min",
            lambda back: E.Cmp(
                ratio(fig("rd_expense", back), fig("operating_revenue", back)), ">=", doc.t("rd_ratio_min")
            ),
            "研发费用占营业收入比重",
            "yuan",
        ),
        Criterion(
            "class_i_ip",
            "与主导产品相关的Ⅰ类知识产权",
            ip_test,
            class_i.article,
            f"≥ {class_i.value}项（或豁免条件）",
            ((TRUE, E.Cmp(E.Field("ip.class_i"), ">=", class_i.value)),),
            "count",
        ),
        Criterion(
            "market_position",
            "主导产品市场占有率较为靠前",
            E.Const(True),
            "附件1 五",
            "无量化标准，人工评审",
            (),
            "flag",
            review=True,
        ),
        crit(
            doc, "score_min", E.Field("specialized_score"), ">=", label="专精特新发展评价得分", unit="points"
        ),
    )
    return Programme(doc, criteria, gates=tuple(c.key for c in criteria if not c.review))


# ---- 专精特新"小巨人" -------------------------------------------------------------------------


def little_giant_2022(doc: RuleDoc) -> Programme:
    rev = fig("operating_revenue")
    large = E.Cmp(rev, ">=", doc.t("large_revenue"))
    mid = E.Cmp(rev, ">=", doc.t("mid_revenue"))

    def both_years(key: str) -> E.All:
        return E.All(
            tuple(
                E.Cmp(ratio(fig("rd_expense", b), fig("operating_revenue", b)), ">=", doc.t(key))
                for b in (Y1, Y)
            )
        )

    small_ok = E.All(
        (
            E.Cmp(E.Field("equity_financing_2y"), ">=", doc.t("small_equity_2y")),
            E.Cmp(years_sum("rd_expense", (Y1, Y)), ">=", doc.t("small_rd_2y")),
            E.Cmp(ratio(E.Field("rd_staff"), E.Field("employees")), ">=", doc.t("small_rd_staff")),
        )
    )
    rd_test = E.Any_(
        (
            E.All((large, both_years("large_rd_ratio"))),
            E.All((E.Not(large), mid, both_years("mid_rd_ratio"))),
            E.All((E.Not(mid), small_ok)),
        )
    )
    criteria = (
        flag(
            doc,
            "specialized_sme_held",
            "specialized_sme_valid",
            label="已认定为专精特新中小企业",
            article="附件3",
        ),
        crit(doc, "niche_years", E.Field("niche_years"), ">=", label="从事特定细分市场年限", unit="years"),
        crit(
            doc,
            "main_business_share",
            ratio(fig("main_business_revenue"), rev),
            ">=",
            label="主营业务收入占营业收入比重",
            unit="yuan",
        ),
        crit(
            doc,
            "main_growth_2y",
            E.AvgGrowth("main_business_revenue"),
            ">=",
            label="近2年主营业务收入平均增长率",
        ),
        crit(
            doc,
            "debt_ratio_max",
            ratio(fig("total_liabilities"), fig("total_assets")),
            "<=",
            label="资产负债率",
            unit="yuan",
        ),
        flag(
            doc,
            "quality_certified",
            "quality_certified",
            label="取得管理体系认证或发达国家和地区产品认证",
            article="附件3 精细化",
        ),
        crit(
            doc,
            "market_share_min",
            E.Field("market_share"),
            ">=",
            label="全国细分市场占有率",
            shown=_pct(doc.t("market_share_min")),
        ),
        flag(
            doc,
            "own_brand",
            "own_brand",
            label="拥有直接面向市场并具有竞争优势的自主品牌",
            article="附件3 特色化",
        ),
        Criterion(
            "rd_intensity",
            "研发投入（按营业收入分档）",
            rd_test,
            doc.thresholds["large_rd_ratio"].article,
            "营收≥1亿：近2年均≥3%；5000万–1亿：均≥6%；<5000万：融资、研发总额、研发人员三项",
            (),
            "yuan",
        ),
        flag(
            doc,
            "rd_institution",
            "rd_institution",
            label="自建或与高等院校、科研机构联合建立研发机构",
            article="附件3 创新能力（二）",
        ),
        crit(doc, "class_i_ip_min", E.Field("ip.class_i"), ">=", label="Ⅰ类知识产权数"),
        flag(
            doc,
            "key_chain_link",
            "key_chain_link",
            label="位于产业链关键环节，主导产品属于工业“六基”等领域",
            article="附件3 产业链配套、主导产品所属领域",
        ),
    )
    path = ("rd_intensity", "rd_institution", "class_i_ip_min")
    direct = (
        ("national_award_top3_3y", E.Flag("direct.national_award_top3_3y")),
        ("maker_china_50_3y", E.Flag("direct.maker_china_50_3y")),
    )
    return Programme(
        doc, criteria, gates=tuple(c.key for c in criteria if c.key not in path), path=path, direct=direct
    )


def little_giant_2026(doc: RuleDoc) -> Programme:
    class_i = doc.thresholds["class_i_ip_min"]
    market = doc.thresholds["market_share_min"]
    share = E.Cmp(E.Field("market_share"), ">=", market.value)
    criteria = (
        flag(
            doc,
            "specialized_sme_held",
            "specialized_sme_valid",
            label="已认定为专精特新中小企业",
            threshold="niche_years",
        ),
        crit(doc, "niche_years", E.Field("niche_years"), ">=", label="从事特定细分市场年限", unit="years"),
        crit(doc, "revenue_min", fig("operating_revenue"), ">=", label="上年营业收入", unit="yuan"),
        crit(
            doc,
            "main_business_share",
            ratio(fig("main_business_revenue"), fig("operating_revenue")),
            ">=",
            label="主营业务收入占营业收入比重",
            unit="yuan",
        ),
        crit(
            doc,
            "revenue_cagr_2y",
            E.Growth(fig("operating_revenue"), fig("operating_revenue", Y2), 2),
            ">=",
            label="近2年营业收入复合增长率",
        ),
        crit(
            doc,
            "debt_ratio_max",
            ratio(fig("total_liabilities"), fig("total_assets")),
            "<=",
            label="资产负债率",
            unit="yuan",
        ),
        crit(
            doc, "rd_2y_total", years_sum("rd_expense", (Y1, Y)), ">=", label="近2年研发费用总额", unit="yuan"
        ),
        _each_year(
            doc,
            "rd_ratio_min",
            lambda back: E.Cmp(
                ratio(fig("rd_expense", back), fig("operating_revenue", back)), ">=", doc.t("rd_ratio_min")
            ),
            "研发费用占营业收入比重",
            "yuan",
        ),
        Criterion(
            "class_i_ip",
            "Ⅰ类知识产权数",
            E.Any_(
                (E.Cmp(E.Field("ip.class_i"), ">=", class_i.value), E.Flag("direct.national_award_top3_3y"))
            ),
            class_i.article,
            f"≥ {class_i.value}项（或豁免条件）",
            ((TRUE, E.Cmp(E.Field("ip.class_i"), ">=", class_i.value)),),
            "count",
        ),
        Criterion(
            "market_position",
            "全国细分市场占有率10%以上或位列前三",
            E.Any_((share, E.Cmp(E.Field("market_rank"), "<=", doc.t("market_rank_max")))),
            market.article,
            "≥ 10% 或 前三",
            ((TRUE, share),),
            "ratio",
        ),
        flag(
            doc,
            "key_chain_link",
            "key_chain_link",
            label="主导产品属于工业“六基”或产业链关键环节",
            article="附件2 六",
        ),
        crit(
            doc, "score_min", E.Field("specialized_score"), ">=", label="专精特新发展评价得分", unit="points"
        ),
    )
    return Programme(doc, criteria, gates=tuple(c.key for c in criteria))


# ---- local growth titles ---------------------------------------------------------------------


def gazelle_local(doc: RuleDoc) -> Programme:
    span = int(doc.t("span_years"))
    criteria = (
        crit(
            doc,
            "base_revenue_min",
            fig("operating_revenue", span),
            ">=",
            label=f"{span}年前营业收入",
            unit="yuan",
        ),
        crit(
            doc,
            "cagr_min",
            E.Growth(fig("operating_revenue"), fig("operating_revenue", span), span),
            ">",
            label=f"近{span}年营业收入复合增长率",
        ),
        Criterion(
            "latest_growth",
            "上年营业收入保持增长",
            E.Cmp(E.Growth(fig("operating_revenue"), fig("operating_revenue", Y1)), ">", Fraction(0)),
            doc.thresholds["cagr_min"].article,
            "> 0%",
            (
                (
                    TRUE,
                    E.Cmp(E.Growth(fig("operating_revenue"), fig("operating_revenue", Y1)), ">", Fraction(0)),
                ),
            ),
            "yuan",
        ),
    )
    return Programme(doc, criteria, gates=tuple(c.key for c in criteria))


def potential_unicorn_local(doc: RuleDoc) -> Programme:
    age, value = E.AgeYears(), E.Field("valuation_usd")
    young = E.All((E.Cmp(age, "<", doc.t("young_years")), E.Cmp(value, ">=", doc.t("young_valuation"))))
    older = E.All(
        (
            E.Cmp(age, ">=", doc.t("young_years")),
            E.Cmp(age, "<=", doc.t("older_years")),
            E.Cmp(value, ">=", doc.t("older_valuation")),
        )
    )
    t = doc.thresholds["young_valuation"]
    criteria = (
        Criterion("unlisted", "未上市", E.Not(E.Flag("listed")), t.article, "未上市", (), "flag"),
        Criterion(
            "age_valuation",
            "成立年限与估值",
            E.Any_((young, older)),
            t.article,
            "成立5年内估值≥1亿美元，或5–9年估值≥5亿美元",
            (),
            "yuan",
        ),
    )
    return Programme(doc, criteria, gates=("unlisted", "age_valuation"))


def unicorn_local(doc: RuleDoc) -> Programme:
    criteria = (
        crit(doc, "age_max", E.AgeYears(), "<=", label="成立年限", unit="years"),
        Criterion(
            "unlisted",
            "未上市",
            E.Not(E.Flag("listed")),
            doc.thresholds["age_max"].article,
            "未上市",
            (),
            "flag",
        ),
        crit(
            doc,
            "valuation_min",
            E.Field("valuation_usd"),
            ">",
            label="最新一轮估值（美元）",
            shown="10亿美元",
        ),
    )
    return Programme(doc, criteria, gates=tuple(c.key for c in criteria))


BUILDERS: dict[str, Callable[[RuleDoc], Programme]] = {
    "tech_sme/2017": tech_sme_2017,
    "hnte/2016": hnte_2016,
    "innovative_sme/2022": innovative_sme_2022,
    "specialized_sme/2022": specialized_sme_2022,
    "specialized_sme/2026": specialized_sme_2026,
    "little_giant/2022": little_giant_2022,
    "little_giant/2026": little_giant_2026,
    "gazelle/local": gazelle_local,
    "potential_unicorn/local": potential_unicorn_local,
    "unicorn/local": unicorn_local,
}

# The programmes every assessment reports, in ladder order.
PROGRAMMES = (
    "tech_sme",
    "hnte",
    "innovative_sme",
    "specialized_sme",
    "little_giant",
    "gazelle",
    "potential_unicorn",
    "unicorn",
)


def build(doc: RuleDoc) -> Programme:
    return BUILDERS[doc.structure](doc)
