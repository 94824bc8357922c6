from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.db import Base


class Region(Base):
    """City → district/county → functional zone, keyed by administrative (or local) code."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    name_en: Mapped[str] = mapped_column(String(128), default="")
    kind: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    aliases: Mapped[str] = mapped_column(String(255), default="")  # '|'-separated other names
