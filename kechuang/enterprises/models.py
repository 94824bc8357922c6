"""Enterprise registry tables: enterprises, yearly figures, titles held, IP holdings.

Money is in yuan (integers), counts are integers; a missing figure is NULL (unknown), never 0.
Every row keeps its ``source`` (import file + Excel row, or ``user:<name>``); ``field_sources``
holds the fields whose source differs from the row's, so every single figure can be traced.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow


class Enterprise(Base):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    aliases: Mapped[str] = mapped_column(String(500), default="")  # '|'-separated other names
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    address: Mapped[str] = mapped_column(String(255), default="")
    founded_on: Mapped[date | None] = mapped_column(Date)
    industry_code: Mapped[str] = mapped_column(
        String(5), default="", index=True
    )  # GB/T 4754-2017, e.g. C3825
    size_class: Mapped[str | None] = mapped_column(String(8))
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Denormalised from the latest figures row, so the list can sort by them at any scale.
    latest_year: Mapped[int | None] = mapped_column(Integer)
    latest_revenue: Mapped[int | None] = mapped_column(BigInteger)
    # The list's sort key for revenue: latest_revenue, or -1 when unknown (NULLs sort differently per database).
    sort_revenue: Mapped[int] = mapped_column(BigInteger, default=-1, server_default="-1")
    source: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


# (name, uscc) orders the list; with aliases it also covers the search scan.
Index("ix_enterprises_search", Enterprise.name, Enterprise.uscc, Enterprise.aliases)
Index("ix_enterprises_region_name", Enterprise.region_code, Enterprise.name, Enterprise.uscc)
Index("ix_enterprises_region_revenue", Enterprise.region_code, Enterprise.sort_revenue)
Index("ix_enterprises_sort_revenue", Enterprise.sort_revenue)

Enterprise.__scope__ = ScopeSpec(region="region_code", enterprise="id")

# The yearly figures: (field, Chinese label, unit). Money in 元; the ASSESS contract's fields first.
FIGURE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("employees", "职工总数", "人"),
    ("tech_staff", "科技人员数", "人"),
    ("rd_staff", "研发人员数", "人"),
    ("sales_revenue", "销售收入", "元"),
    ("operating_revenue", "营业收入", "元"),
    ("main_business_revenue", "主营业务收入", "元"),
    ("rd_expense", "研发费用", "元"),
    ("rd_expense_domestic", "境内研发费用", "元"),
    ("high_tech_revenue", "高新技术产品（服务）收入", "元"),
    ("total_cost", "成本费用支出总额", "元"),
    ("total_income", "收入总额", "元"),
    ("total_assets", "资产总额", "元"),
    ("total_liabilities", "负债总额", "元"),
    ("profit", "利润总额", "元"),
    ("tax_paid", "纳税总额", "元"),
    ("exports", "出口额", "元"),
    ("tech_contract_turnover", "技术合同成交额", "元"),
)


class EnterpriseFigures(Base):
    """One enterprise's figures for one fiscal year."""

    __tablename__ = "enterprise_figures"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(
        String(12), index=True
    )  # copied from the enterprise, for scoping
    year: Mapped[int] = mapped_column(Integer, index=True)
    employees: Mapped[int | None] = mapped_column(Integer)
    tech_staff: Mapped[int | None] = mapped_column(Integer)
    rd_staff: Mapped[int | None] = mapped_column(Integer)
    sales_revenue: Mapped[int | None] = mapped_column(BigInteger)
    operating_revenue: Mapped[int | None] = mapped_column(BigInteger)
    main_business_revenue: Mapped[int | None] = mapped_column(BigInteger)
    rd_expense: Mapped[int | None] = mapped_column(BigInteger)
    rd_expense_domestic: Mapped[int | None] = mapped_column(BigInteger)
    high_tech_revenue: Mapped[int | None] = mapped_column(BigInteger)
    total_cost: Mapped[int | None] = mapped_column(BigInteger)
    total_income: Mapped[int | None] = mapped_column(BigInteger)
    total_assets: Mapped[int | None] = mapped_column(BigInteger)
    total_liabilities: Mapped[int | None] = mapped_column(BigInteger)
    profit: Mapped[int | None] = mapped_column(BigInteger)
    tax_paid: Mapped[int | None] = mapped_column(BigInteger)
    exports: Mapped[int | None] = mapped_column(BigInteger)
    tech_contract_turnover: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(255), default="")
    field_sources: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


EnterpriseFigures.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")


class Title(Base):
    """A title an enterprise holds (高新技术企业, 专精特新 …), with its certificate and validity."""

    __tablename__ = "enterprise_titles"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "type", "year_granted"),
        Index("ix_enterprise_titles_type_valid", "type", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    type: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    year_granted: Mapped[int] = mapped_column(Integer)
    certificate_no: Mapped[str] = mapped_column(String(64), default="")
    valid_until: Mapped[date | None] = mapped_column(Date)
    document: Mapped[str] = mapped_column(String(255), default="")  # the official list or notice granting it
    source: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Title.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")


class IPHolding(Base):
    """How many valid IP items of one kind an enterprise held at the end of a year."""

    __tablename__ = "enterprise_ip"
    __table_args__ = (UniqueConstraint("enterprise_id", "year", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    ip_class: Mapped[str] = mapped_column(String(2))  # I or II, derived from kind
    count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


IPHolding.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")


class ImportBatch(Base):
    """An uploaded file waiting for confirmation (upload → preview → confirm)."""

    __tablename__ = "import_batches"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    dataset: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | applied | refused
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AppMeta(Base):
    """Small key/value facts about this installation (e.g. that it holds the demo city)."""

    __tablename__ = "app_meta"
    __audited__ = False

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


from kechuang.enterprises import revision as _revision  # noqa: E402,F401  (registers the revision hook)
