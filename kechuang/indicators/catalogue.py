"""The city's innovation indicators as data: code, names, unit, definition, direction, mode and source.

``mode`` says how monthly figures add up: ``cumulative`` (累计) figures are monthly flows summed from
January (e.g. R&D spending); ``point`` (时点) figures are a level at month end (a count held, a share).
Units are display units; following DESIGN.md, a ``%`` indicator's figures are fractions (0.43 = 43%).
No figures live here: targets and monthly figures come from the bureau's own tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MODES = ("cumulative", "point")
MODE_LABELS = {"cumulative": "累计", "point": "时点"}
DIRECTIONS = (1, -1)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str  # Chinese, as shown in the UI
    name_en: str
    unit: str
    definition: str  # one Chinese sentence
    direction: int  # +1 higher is better, -1 lower is better
    mode: str  # one of MODES
    source: str  # the usual statistical source

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"指标 {self.code} 的方向应为 1 或 -1，收到 {self.direction!r}")
        if self.mode not in MODES:
            raise ValueError(
                f"指标 {self.code} 的口径应为 cumulative（累计）或 point（时点），收到 {self.mode!r}"
            )


CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        "rd_spending",
        "全社会研发投入",
        "Society-wide R&D spending",
        "万元",
        "全社会（企业、高校、科研院所等）开展研究与试验发展活动的经费支出，自年初按月累计。",
        1,
        "cumulative",
        "统计局/科技局 R&D 统计快报",
    ),
    Indicator(
        "high_tech_output_share",
        "高新技术产业产值占规上工业产值比重",
        "High-tech output share",
        "%",
        "高新技术产业产值占规模以上工业总产值的比重（规上工业企业指年主营业务收入 2000 万元及以上的工业企业）。",
        1,
        "point",
        "统计局 规上工业统计",
    ),
    Indicator(
        "invention_patents_per_10k",
        "万人发明专利拥有量",
        "Invention patents per 10k people",
        "件",
        "每万名常住人口拥有的经国家知识产权局授权且维持有效的发明专利数量。",
        1,
        "point",
        "国家知识产权局",
    ),
    Indicator(
        "hnte_count",
        "高新技术企业数",
        "High and new technology enterprises",
        "家",
        "经认定且仍在有效期内的高新技术企业数量。",
        1,
        "point",
        "科技部火炬中心 高企认定名单",
    ),
    Indicator(
        "tech_sme_count",
        "科技型中小企业入库数",
        "Tech SMEs registered",
        "家",
        "当年通过评价并取得入库登记编号的科技型中小企业数量。",
        1,
        "point",
        "全国科技型中小企业信息服务平台",
    ),
    Indicator(
        "tech_contract_turnover",
        "技术合同成交额",
        "Technology contract turnover",
        "万元",
        "经技术合同登记机构认定登记的技术开发、转让、许可、咨询和服务合同的成交金额，自年初按月累计。",
        1,
        "cumulative",
        "全国技术合同网上登记系统",
    ),
    Indicator(
        "iur_projects",
        "产学研合作项目数",
        "Industry–academia cooperation projects",
        "项",
        "企业与高校、科研院所新签订的合作研发、联合攻关、共建平台等产学研合作项目数量，自年初按月累计。",
        1,
        "cumulative",
        "科技局",
    ),
    Indicator(
        "demand_iur_signed",
        "需求对接产学研合作签约数",
        "Industry–academia contracts signed through demands",
        "项",
        "平台技术需求中与高校、科研院所、科研团队或专家签约的需求数量，按签约月份自年初累计；由平台根据已签约需求自动计算。",
        1,
        "cumulative",
        "kechuang 技术需求库（已签约需求）",
    ),
    Indicator(
        "demand_contract_amount",
        "需求对接技术合同金额",
        "Technology contract amount signed through demands",
        "万元",
        "平台技术需求签约时登记的技术合同金额，按签约月份自年初累计；由平台根据已签约需求自动计算。",
        1,
        "cumulative",
        "kechuang 技术需求库（已签约需求）",
    ),
    Indicator(
        "rd_platforms",
        "省级及以上研发平台数",
        "Provincial-or-higher R&D platforms",
        "个",
        "经省级及以上部门认定且仍有效的重点实验室、工程技术研究中心、企业技术中心、新型研发机构等研发平台数量。",
        1,
        "point",
        "科技局",
    ),
    Indicator(
        "talent_introduced",
        "引进高层次人才数",
        "High-level talent introduced",
        "人",
        "当年新引进并经认定的高层次人才人数，自年初按月累计。",
        1,
        "cumulative",
        "人才办/科技局",
    ),
    Indicator(
        "carriers_provincial_plus",
        "省级及以上孵化器和众创空间数",
        "Provincial-or-higher incubators and maker spaces",
        "家",
        "经国家或省级认定的科技企业孵化器和众创空间数量（年末时点）；由平台根据科创载体库自动计算。",
        1,
        "point",
        "kechuang 科创载体库",
    ),
    Indicator(
        "talent_in_programmes",
        "人才计划在岗人数",
        "People in talent programmes",
        "人",
        "入选国家重大人才工程、省“双创计划”、省“科技副总”、扬州“绿扬金凤计划”及博士引进且仍在岗的人数；由平台根据人才库自动计算。",
        1,
        "point",
        "kechuang 人才库",
    ),
)


def by_code(indicators: Iterable[Indicator] = CATALOGUE) -> dict[str, Indicator]:
    """The indicators keyed by code."""
    return {i.code: i for i in indicators}
