"""The registry's spreadsheet layouts: one declaration per dataset drives the template, the
import validation and the export, so the three can never disagree (pure: no database).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kechuang.choices import IPKind, LabelledEnum, SizeClass, TitleLevel, TitleType
from kechuang.enterprises.models import FIGURE_FIELDS
from kechuang.units import MAX_FIGURE

HELP_MARK = "【填写说明】"

# Bounds of every figure, far above any real enterprise and inside the columns (BIGINT money, INTEGER
# counts); money stays below 2**53, so the float parse of a spreadsheet cell is exact.
MAX_MONEY = MAX_FIGURE  # yuan (1,000 万亿)
MAX_COUNT = 10_000_000  # persons, patents
SIGNED_FIGURES = frozenset({"profit"})  # may be negative


class Kind(StrEnum):
    uscc = "uscc"
    text = "text"
    count = "count"  # type: ignore[assignment]  # whole number ≥ 0 (shadows str.count)
    money = "money"  # yuan, rounded to whole yuan
    signed_money = "signed_money"  # yuan, may be negative (profit)
    date = "date"
    year = "year"
    enum = "enum"
    region = "region"
    boolean = "boolean"
    industry = "industry"
    aliases = "aliases"
    note = "note"  # shown for the reader, ignored on import


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: Kind
    help: str
    required: bool = False
    choices: type[LabelledEnum] | None = None
    max_length: int = 255
    width: int = 14

    @property
    def imported(self) -> bool:
        return self.kind is not Kind.note


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    sheet: str
    key: tuple[str, ...]  # the identity for upserts (fields)
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)

    @property
    def headers(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}

    @property
    def value_fields(self) -> list[str]:
        """Imported fields that are not part of the key."""
        return [c.field for c in self.columns if c.imported and c.field not in self.key]


USCC = Column(
    "uscc", "统一社会信用代码", Kind.uscc, "必填，18 位，按 GB 32100-2015 校验", required=True, width=22
)
NAME_NOTE = Column("name", "企业名称（仅供核对）", Kind.note, "导入时不读取，仅供核对", width=30)

ENTERPRISES = Dataset(
    name="enterprises",
    label="企业名单",
    sheet="企业名单",
    key=("uscc",),
    columns=(
        USCC,
        Column(
            "name", "企业名称", Kind.text, "必填，营业执照上的全称", required=True, max_length=128, width=30
        ),
        Column("aliases", "曾用名/简称", Kind.aliases, "可选，多个用“；”分隔", max_length=500, width=20),
        Column("region_code", "所属地区", Kind.region, "必填，从下拉列表选择（区县或功能区）", required=True),
        Column("address", "注册地址", Kind.text, "可选", width=30),
        Column("founded_on", "成立日期", Kind.date, "可选，如 2019-04-12"),
        Column(
            "industry_code",
            "行业代码",
            Kind.industry,
            "可选，GB/T 4754-2017 门类字母加 2–4 位数字，如 C3825",
            max_length=5,
        ),
        Column("size_class", "企业规模", Kind.enum, "可选，从下拉列表选择", choices=SizeClass),
        Column("listed", "是否上市", Kind.boolean, "可选，是 / 否（空白视为否）"),
    ),
)

_FIGURE_HELP = {"元": "单位：元（可带小数，按四舍五入取整）", "人": "单位：人，整数"}

FIGURES = Dataset(
    name="figures",
    label="年度经营数据",
    sheet="年度经营数据",
    key=("uscc", "year"),
    columns=(
        USCC,
        NAME_NOTE,
        Column("year", "年度", Kind.year, "必填，四位年份，如 2024", required=True, width=8),
        *(
            Column(
                field,
                f"{label}（{unit}）",
                Kind.signed_money
                if field in SIGNED_FIGURES
                else (Kind.money if unit == "元" else Kind.count),
                _FIGURE_HELP[unit] + ("，可为负数" if field in SIGNED_FIGURES else ""),
                width=16,
            )
            for field, label, unit in FIGURE_FIELDS
        ),
    ),
)

TITLES = Dataset(
    name="titles",
    label="资质称号",
    sheet="资质称号",
    key=("uscc", "type", "year_granted"),
    columns=(
        USCC,
        NAME_NOTE,
        Column(
            "type", "称号类型", Kind.enum, "必填，从下拉列表选择", required=True, choices=TitleType, width=22
        ),
        Column("level", "级别", Kind.enum, "必填，从下拉列表选择", required=True, choices=TitleLevel),
        Column("year_granted", "认定年度", Kind.year, "必填，四位年份", required=True, width=10),
        Column("certificate_no", "证书编号", Kind.text, "可选", max_length=64, width=20),
        Column("valid_until", "有效期至", Kind.date, "可选，如 2026-12-31"),
        Column(
            "document", "认定文件/名单", Kind.text, "可选，如“江苏省2024年第一批高新技术企业名单”", width=30
        ),
    ),
)

IP = Dataset(
    name="ip",
    label="知识产权",
    sheet="知识产权",
    key=("uscc", "year", "kind"),
    columns=(
        USCC,
        NAME_NOTE,
        Column("year", "年度", Kind.year, "必填，年末有效数量所属年份", required=True, width=8),
        Column(
            "kind",
            "知识产权类型",
            Kind.enum,
            "必填，从下拉列表选择（发明专利等为Ⅰ类，其余为Ⅱ类）",
            required=True,
            choices=IPKind,
            width=18,
        ),
        Column("count", "有效数量（件）", Kind.count, "必填，整数", required=True),
    ),
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (ENTERPRISES, FIGURES, TITLES, IP)}

# Cross-field rules on figures: (smaller field, larger field).
FIGURE_ORDER = (
    ("tech_staff", "employees"),
    ("rd_staff", "employees"),
    ("rd_expense_domestic", "rd_expense"),
    ("main_business_revenue", "operating_revenue"),
    ("high_tech_revenue", "total_income"),
)

# GB/T 4754-2017: the divisions (2-digit) each section letter covers.
INDUSTRY_SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise ValueError(f"未知的数据类型 {name!r}，应为 {' / '.join(DATASETS)} 之一") from None
