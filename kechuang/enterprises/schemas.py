from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from kechuang.choices import SizeClass, TitleLevel
from kechuang.enterprises.columns import INDUSTRY_SECTIONS, MAX_COUNT, MAX_MONEY
from kechuang.web.api_common import Integral, IsoDate, PastDate, StrictBool, StrictInt


class EnterpriseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    region_code: str
    address: str
    founded_on: date | None
    industry_code: str
    size_class: str | None
    listed: bool
    latest_year: int | None
    latest_revenue: int | None = Field(description="operating revenue of the latest year, yuan")
    source: str

    @classmethod
    def of(cls, ent: object, **extra: Any) -> EnterpriseOut:
        data: dict[str, Any] = {k: getattr(ent, k) for k in EnterpriseOut.model_fields if k != "aliases"}
        data["aliases"] = [a for a in (getattr(ent, "aliases", "") or "").split("|") if a]
        return cls(**data, **extra)


class EnterpriseList(BaseModel):
    items: list[EnterpriseOut]
    total: int = Field(description="matches, exact up to 10,000 (see total_capped)")
    total_capped: bool = Field(False, description="true: more than `total` enterprises match")
    page: int
    page_size: int


class EnterpriseSort(StrEnum):
    name = "name"
    revenue = "revenue"


class Dataset(StrEnum):
    """The spreadsheets the registry imports and exports."""

    enterprises = "enterprises"
    figures = "figures"
    titles = "titles"
    ip = "ip"


def _industry_pattern() -> str:
    """GB/T 4754-2017 as a pattern: a section letter, one of its divisions, then up to 2 more digits."""
    sections = "|".join(
        f"{letter}(?:{'|'.join(f'{d:02d}' for d in range(low, high + 1))})"
        for letter, (low, high) in INDUSTRY_SECTIONS.items()
    )
    return f"^(?:{sections})[0-9]{{0,2}}$"


USCC_PATTERN = "^[0-9A-HJ-NP-RTUWXY]{18}$"  # GB 32100-2015's charset; the check character is verified too
INDUSTRY_PATTERN = _industry_pattern()
MAX_ALIASES, MAX_ALIAS_LENGTH = 8, 60  # joined they fit the 500-character column

Uscc = Annotated[
    str,
    Field(
        min_length=18,
        max_length=18,
        pattern=USCC_PATTERN,
        json_schema_extra={"format": "uscc"},
        description="统一社会信用代码: 18 characters, the last one a GB 32100-2015 check character",
        examples=["91321003MA1DEM001R"],
    ),
]
RegionRef = Annotated[
    str,
    Field(
        min_length=1,
        max_length=32,
        json_schema_extra={"format": "region"},
        description="a region code from `GET /api/v1/regions` (or its name), e.g. 321003 or 邗江区",
        examples=["321003"],
    ),
]
Name = Annotated[str, Field(min_length=1, max_length=128, description="the full registered name")]
Alias = Annotated[str, Field(min_length=1, max_length=MAX_ALIAS_LENGTH)]
Industry = Annotated[
    str,
    Field(
        pattern=INDUSTRY_PATTERN,
        max_length=5,
        description="GB/T 4754-2017 code, e.g. C3825",
        examples=["C3825"],
    ),
]


class EnterpriseUpdate(BaseModel):
    """Values as a person types them (the same rules as the Excel import); absent fields are left alone,
    null clears an optional field."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"address": "扬州市邗江区创新大道8号", "size_class": "small"}]}
    )

    name: Name = None  # type: ignore[assignment]
    aliases: list[Alias] | None = Field(None, max_length=MAX_ALIASES)
    region_code: RegionRef = None  # type: ignore[assignment]
    address: str | None = Field(None, max_length=255)
    founded_on: PastDate | None = None
    industry_code: Industry | None = None
    size_class: SizeClass | None = None
    listed: StrictBool | None = None

    def values(self) -> dict[str, object]:
        data = self.model_dump(exclude_unset=True)
        if "aliases" in data:
            data["aliases"] = "；".join(data["aliases"] or [])
        if "listed" in data:
            data["listed"] = "是" if data["listed"] else "否"
        if data.get("founded_on") is not None:
            data["founded_on"] = data["founded_on"].isoformat()
        if data.get("size_class") is not None:
            data["size_class"] = str(data["size_class"])
        return data


class EnterpriseCreate(EnterpriseUpdate):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "uscc": "91321003MA1DEM001R",
                    "name": "扬州示例智能装备有限公司",
                    "region_code": "321003",
                    "founded_on": "2019-04-12",
                    "industry_code": "C3825",
                    "size_class": "small",
                }
            ]
        }
    )

    uscc: Uscc
    name: Name
    region_code: RegionRef


class FiguresOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    year: int
    employees: int | None
    tech_staff: int | None
    rd_staff: int | None
    sales_revenue: int | None
    operating_revenue: int | None
    main_business_revenue: int | None
    rd_expense: int | None
    rd_expense_domestic: int | None
    high_tech_revenue: int | None
    total_cost: int | None
    total_income: int | None
    total_assets: int | None
    total_liabilities: int | None
    profit: int | None
    tax_paid: int | None
    exports: int | None
    tech_contract_turnover: int | None
    source: str
    field_sources: dict[str, str] | None


Count = Annotated[
    Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)] | None, Integral, Field(description="persons")
]
Money = Annotated[Annotated[StrictInt, Field(ge=0, le=MAX_MONEY)] | None, Integral, Field(description="yuan")]
SignedMoney = Annotated[
    Annotated[StrictInt, Field(ge=-MAX_MONEY, le=MAX_MONEY)] | None,
    Integral,
    Field(description="yuan, may be negative"),
]


class FiguresIn(BaseModel):
    """One year's figures; absent or null fields become unknown. The same rules as the import: the
    tech and R&D staff are at most the employees, a part at most its whole (e.g. domestic R&D ≤ R&D)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employees": 120,
                    "tech_staff": 25,
                    "rd_staff": 18,
                    "sales_revenue": 48000000,
                    "operating_revenue": 48500000,
                    "rd_expense": 2600000,
                    "high_tech_revenue": 31000000,
                    "profit": 3200000,
                    "tax_paid": 1500000,
                }
            ]
        }
    )

    employees: Count = None  # 职工总数
    tech_staff: Count = None  # 科技人员数
    rd_staff: Count = None  # 研发人员数
    sales_revenue: Money = None  # 销售收入
    operating_revenue: Money = None  # 营业收入
    main_business_revenue: Money = None  # 主营业务收入
    rd_expense: Money = None  # 研发费用
    rd_expense_domestic: Money = None  # 境内研发费用
    high_tech_revenue: Money = None  # 高新技术产品（服务）收入
    total_cost: Money = None  # 成本费用支出总额
    total_income: Money = None  # 收入总额
    total_assets: Money = None  # 资产总额
    total_liabilities: Money = None  # 负债总额
    profit: SignedMoney = None  # 利润总额
    tax_paid: Money = None  # 纳税总额
    exports: Money = None  # 出口额
    tech_contract_turnover: Money = None  # 技术合同成交额


class TitleIn(BaseModel):
    """One title's details (the type and the year granted are in the path)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "level": "national",
                    "certificate_no": "GR202432001234",
                    "valid_until": "2027-12-31",
                    "document": "江苏省2024年第一批高新技术企业名单",
                }
            ]
        },
    )

    level: TitleLevel = Field(description="national | provincial | municipal | district")
    certificate_no: str | None = Field(None, max_length=64, description="证书编号")
    valid_until: IsoDate | None = Field(None, description="有效期至, YYYY-MM-DD")
    document: str | None = Field(None, max_length=255, description="the list or notice granting it")


class TitleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    type: str
    level: str
    year_granted: int
    certificate_no: str
    valid_until: date | None
    document: str
    source: str


class IPOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    year: int
    kind: str
    ip_class: str
    count: int


class EnterpriseDetail(EnterpriseOut):
    figures: list[FiguresOut]
    titles: list[TitleOut]
    ip: list[IPOut]


class ImportOut(BaseModel):
    dataset: str
    filename: str
    rows: int
    created: int
    updated: int
    unchanged: int
    applied: bool
