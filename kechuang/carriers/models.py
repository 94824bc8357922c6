"""Carrier tables: the carriers (科创载体) with their place and host nodes, their tenants (在孵企业: registry
enterprises with the dates they entered, graduated or left) and their yearly figures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow


class Carrier(Base):
    """A carrier. Coordinates are WGS-84; ``approximate`` marks a point put at its district's centre."""

    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # CarrierKind
    level: Mapped[str] = mapped_column(String(16), index=True)  # CarrierLevel
    recognised_year: Mapped[int | None] = mapped_column(Integer)
    recognition_document: Mapped[str] = mapped_column(String(255), default="")
    operator_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL"), index=True
    )
    operator_name: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    lng: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    area_m2: Mapped[float | None] = mapped_column(Float)
    opened_on: Mapped[date | None] = mapped_column(Date)  # started operating
    legal_person: Mapped[bool | None] = mapped_column(Boolean)  # an independent legal person
    node_codes: Mapped[str] = mapped_column(String(500), default="")  # '|'-separated host nodes
    source: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Carrier.__scope__ = ScopeSpec(region="region_code")


class CarrierYear(Base):
    """One year's figures a carrier files (the statistics 火炬统计 asks for); tenant and graduate counts
    are not here: they are computed from the tenants."""

    __tablename__ = "carrier_years"
    __table_args__ = (UniqueConstraint("carrier_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    year: Mapped[int] = mapped_column(Integer)
    tenant_area_m2: Mapped[float | None] = mapped_column(Float)
    fund: Mapped[int | None] = mapped_column(BigInteger)  # incubation fund, yuan
    fund_cases: Mapped[int | None] = mapped_column(Integer)
    financed_tenants: Mapped[int | None] = mapped_column(Integer)
    financing: Mapped[int | None] = mapped_column(BigInteger)  # raised by tenants that year, yuan
    tenant_revenue: Mapped[int | None] = mapped_column(BigInteger)  # yuan
    staff: Mapped[int | None] = mapped_column(Integer)
    pro_staff: Mapped[int | None] = mapped_column(Integer)
    mentors: Mapped[int | None] = mapped_column(Integer)
    patent_tenants: Mapped[int | None] = mapped_column(Integer)
    ip_tenants: Mapped[int | None] = mapped_column(Integer)
    tenant_patents: Mapped[int | None] = mapped_column(Integer)  # patents the tenants hold
    source: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


CarrierYear.__scope__ = ScopeSpec(region="region_code")


class Tenant(Base):
    """A registry enterprise in a carrier: in incubation from ``entered_on``, graduated or left on a date."""

    __tablename__ = "carrier_tenants"
    __table_args__ = (UniqueConstraint("carrier_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # the carrier's
    status: Mapped[str] = mapped_column(String(16))  # TenantStatus
    entered_on: Mapped[date] = mapped_column(Date)
    graduated_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Tenant.__scope__ = ScopeSpec(region="region_code", enterprise="enterprise_id")
