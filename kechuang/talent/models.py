"""Talent tables: people in talent programmes, hosted by a registry enterprise or a carrier, and the
talent apartments with their units and occupancy. Names are personal data: services show them only to
those allowed (``Permission.see_talent_names``) and counts to everyone else."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow


class Talent(Base):
    __tablename__ = "talent"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    programme: Mapped[str] = mapped_column(String(32), index=True)  # TalentProgramme
    year: Mapped[int] = mapped_column(Integer, index=True)  # year selected
    level: Mapped[str] = mapped_column(String(16))  # CarrierLevel of the programme
    host_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL"), index=True
    )
    host_carrier_id: Mapped[int | None] = mapped_column(
        ForeignKey("carriers.id", ondelete="SET NULL"), index=True
    )
    host_name: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # the host's
    node_id: Mapped[int | None] = mapped_column(ForeignKey("atlas_nodes.id", ondelete="SET NULL"), index=True)
    speciality: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")  # TalentStatus
    source: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Talent.__scope__ = ScopeSpec(region="region_code", enterprise="host_enterprise_id")


class Apartment(Base):
    """A talent apartment (人才公寓); coordinates are WGS-84, ``approximate`` as for carriers."""

    __tablename__ = "talent_apartments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    lng: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    units: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer, default=0)
    operator: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(255), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


Apartment.__scope__ = ScopeSpec(region="region_code")
