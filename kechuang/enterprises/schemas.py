from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


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
    def of(cls, ent: object, **extra: object) -> EnterpriseOut:
        data = {k: getattr(ent, k) for k in EnterpriseOut.model_fields if k != "aliases"}
        data["aliases"] = [a for a in (getattr(ent, "aliases", "") or "").split("|") if a]
        return cls(**data, **extra)


class EnterpriseList(BaseModel):
    items: list[EnterpriseOut]
    total: int = Field(description="matches, exact up to 10,000 (see total_capped)")
    total_capped: bool = Field(False, description="true: more than `total` enterprises match")
    page: int
    page_size: int


class EnterpriseIn(BaseModel):
    """Values as a person types them (the same rules as the Excel import); absent fields are left alone."""

    uscc: str | None = None
    name: str | None = None
    aliases: list[str] | None = None
    region_code: str | None = Field(None, description="region code or name, e.g. 321003 or 邗江区")
    address: str | None = None
    founded_on: date | None = None
    industry_code: str | None = None
    size_class: str | None = Field(None, description="large | medium | small | micro")
    listed: bool | None = None

    def values(self) -> dict[str, object]:
        data = self.model_dump(exclude_unset=True)
        if "aliases" in data:
            data["aliases"] = "；".join(data["aliases"] or [])
        if "listed" in data:
            data["listed"] = "是" if data["listed"] else "否"
        if data.get("founded_on") is not None:
            data["founded_on"] = data["founded_on"].isoformat()
        return data


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


class FiguresIn(BaseModel):
    employees: int | None = None
    tech_staff: int | None = None
    rd_staff: int | None = None
    sales_revenue: int | None = None
    operating_revenue: int | None = None
    main_business_revenue: int | None = None
    rd_expense: int | None = None
    rd_expense_domestic: int | None = None
    high_tech_revenue: int | None = None
    total_cost: int | None = None
    total_income: int | None = None
    total_assets: int | None = None
    total_liabilities: int | None = None
    profit: int | None = None
    tax_paid: int | None = None
    exports: int | None = None
    tech_contract_turnover: int | None = None


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
