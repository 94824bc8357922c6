"""The innovation-points methodology as data: indicators, groups, stage weights, normalisation, missing
policy, stage rule, aggregation. Pure; versioned; round-trips through an Excel sheet (``sheet.py``).

The default follows the national framework's structure (技术创新 / 成长经营 / 辅助 groups, stage-specific
weights for 初创期 / 成长期 / 稳定期) and uses indicators named in public material. The official 18-indicator
list and weight annex of the 2024 《"创新积分制"工作指引（全国试行版）》 were not available: the weights
below are LOCAL DEFAULTS, to be replaced by the bureau's own sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from kechuang.choices import GrowthStage

STAGES = tuple(GrowthStage.values())
STAGE_LABELS = GrowthStage.labels()
GROUPS = ("tech_innovation", "growth_operation", "auxiliary")
GROUP_LABELS = {"tech_innovation": "技术创新", "growth_operation": "成长经营", "auxiliary": "辅助"}
NORMALISATIONS = {"minmax": "最小-最大", "zscore": "Z分数", "percentile": "百分位", "bands": "分档"}
MISSING = {"zero": "记零分", "median": "取同阶段中位数", "exclude": "不计入"}
AGGREGATIONS = {"arithmetic": "加权算术平均", "geometric": "加权几何平均"}


def _ratio(num: str, den: str) -> pl.Expr:
    d = pl.col(den).cast(pl.Float64)
    return pl.when(d > 0).then(pl.col(num).cast(pl.Float64) / d)


# Named derived indicators over the input frame's columns; a division by zero or a null gives null.
FORMULAS: dict[str, pl.Expr] = {
    "rd_intensity": _ratio("rd_expense", "revenue"),
    "rd_expense": pl.col("rd_expense").cast(pl.Float64),
    "tech_staff_ratio": _ratio("tech_staff", "employees"),
    "ip_class_i": pl.col("ip_class_i").cast(pl.Float64),
    "ip_class_ii": pl.col("ip_class_ii").cast(pl.Float64),
    "tech_contract_turnover": pl.col("tech_contract_turnover").cast(pl.Float64),
    "high_tech_revenue_share": _ratio("high_tech_revenue", "revenue"),
    "sci_projects": pl.col("sci_projects").cast(pl.Float64),
    "revenue_growth": pl.when(pl.col("revenue_prev").cast(pl.Float64) > 0).then(
        pl.col("revenue").cast(pl.Float64) / pl.col("revenue_prev").cast(pl.Float64) - 1
    ),
    "revenue": pl.col("revenue").cast(pl.Float64),
    "profit_margin": _ratio("profit", "revenue"),
    "tax_paid": pl.col("tax_paid").cast(pl.Float64),
    "exports": pl.col("exports").cast(pl.Float64),
    "titles": pl.col("titles").cast(pl.Float64),
    "rd_institution": pl.col("rd_institution").cast(pl.Float64),
}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    name_en: str
    group: str  # one of GROUPS
    weights: dict[str, float]  # stage → weight (each stage's weights sum to 100)
    formula: str  # key of FORMULAS
    normalisation: str = "percentile"  # one of NORMALISATIONS
    direction: int = 1  # +1 higher is better, -1 lower is better
    bands: tuple[tuple[float, float], ...] = ()  # (lower bound, score 0..1) for "bands"
    missing: str = "zero"  # one of MISSING


@dataclass(frozen=True)
class StageRule:
    """初创期: younger than ``startup_age`` years or revenue below ``startup_revenue``; 稳定期: at least
    ``mature_age`` years old and revenue at least ``mature_revenue``; otherwise 成长期."""

    startup_age: float = 3
    startup_revenue: int = 20_000_000
    mature_age: float = 10
    mature_revenue: int = 100_000_000


@dataclass(frozen=True)
class Methodology:
    id: str
    version: str
    name: str
    note: str
    indicators: tuple[Indicator, ...]
    stage_rule: StageRule = field(default_factory=StageRule)
    aggregation: str = "arithmetic"

    @property
    def stamp(self) -> str:
        return f"{self.id}@{self.version}"

    def problems(self) -> list[str]:
        """Consistency problems of the whole methodology (empty when it can be used)."""
        out = []
        if not self.indicators:
            out.append("没有任何指标")
        for stage in STAGES:
            total = sum(i.weights.get(stage, 0) for i in self.indicators)
            if abs(total - 100) > 1e-6:
                out.append(f"{STAGE_LABELS[stage]}权重合计为 {total:g}，应为 100")
        if self.aggregation not in AGGREGATIONS:
            out.append(f"汇总方法“{self.aggregation}”无效，应为 {'/'.join(AGGREGATIONS)}")
        return out


def _ind(
    id_: str,
    name: str,
    name_en: str,
    group: str,
    w: tuple[float, float, float],
    formula: str,
    normalisation: str = "percentile",
    missing: str = "zero",
    bands: tuple[tuple[float, float], ...] = (),
) -> Indicator:
    return Indicator(
        id_,
        name,
        name_en,
        group,
        dict(zip(STAGES, w, strict=True)),
        formula,
        normalisation,
        1,
        bands,
        missing,
    )


DEFAULT = Methodology(
    id="yz-default",
    version="2026.1",
    name="扬州创新积分（本地默认）",
    note=(
        "指标结构参照科技部“企业创新积分制”三类一级指标（技术创新指标、成长经营指标、辅助指标）和按初创期、成长期、"
        "稳定期区分权重的做法；指标取自公开材料点名的核心指标（研发投入强度、技术合同成交额、高新技术产品收入、"
        "承担科技计划项目等）。2024年《“创新积分制”工作指引（全国试行版）》的18项指标清单及权重附件未能取得，"
        "本表权重为本地默认值，并非官方权重，请市科技局按本地方案修改后上传。"
    ),
    indicators=(
        _ind(
            "rd_intensity",
            "研发投入强度",
            "R&D intensity",
            "tech_innovation",
            (18, 14, 10),
            "rd_intensity",
            "bands",
            bands=((0, 0), (0.01, 0.3), (0.03, 0.6), (0.05, 0.85), (0.08, 1)),
        ),
        _ind("rd_expense", "研发费用总额", "R&D expense", "tech_innovation", (6, 8, 8), "rd_expense"),
        _ind(
            "tech_staff_ratio",
            "科技人员占比",
            "Tech staff ratio",
            "tech_innovation",
            (10, 7, 5),
            "tech_staff_ratio",
        ),
        _ind("ip_class_i", "Ⅰ类知识产权", "Class I IP", "tech_innovation", (10, 8, 6), "ip_class_i"),
        _ind("ip_class_ii", "Ⅱ类知识产权", "Class II IP", "tech_innovation", (5, 4, 3), "ip_class_ii"),
        _ind(
            "tech_contract_turnover",
            "技术合同成交额",
            "Technology contract turnover",
            "tech_innovation",
            (4, 4, 4),
            "tech_contract_turnover",
        ),
        _ind(
            "high_tech_revenue_share",
            "高新技术产品收入占比",
            "High-tech product revenue share",
            "tech_innovation",
            (5, 5, 4),
            "high_tech_revenue_share",
            "minmax",
        ),
        _ind(
            "sci_projects",
            "承担科技计划项目",
            "Science and technology plan projects",
            "tech_innovation",
            (2, 0, 0),
            "sci_projects",
            missing="exclude",
        ),
        _ind(
            "revenue_growth",
            "营业收入增长率",
            "Revenue growth",
            "growth_operation",
            (12, 12, 8),
            "revenue_growth",
            "zscore",
            "median",
        ),
        _ind("revenue", "营业收入", "Operating revenue", "growth_operation", (5, 9, 14), "revenue"),
        _ind(
            "profit_margin",
            "利润率",
            "Profit margin",
            "growth_operation",
            (4, 7, 10),
            "profit_margin",
            "zscore",
            "median",
        ),
        _ind("tax_paid", "纳税额", "Tax paid", "growth_operation", (4, 7, 13), "tax_paid"),
        _ind(
            "titles",
            "高企等资质",
            "Titles held",
            "auxiliary",
            (10, 10, 10),
            "titles",
            "bands",
            bands=((0, 0), (1, 0.5), (2, 0.8), (3, 1)),
        ),
        _ind(
            "rd_institution",
            "省级研发机构",
            "Provincial R&D institution",
            "auxiliary",
            (5, 5, 5),
            "rd_institution",
            "bands",
            bands=((0, 0), (1, 1)),
        ),
    ),
)
