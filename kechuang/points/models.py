"""Uploaded innovation-points methodologies: every version is kept (the newest is in force)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.db import Base, utcnow


class PointsMethodology(Base):
    __tablename__ = "points_methodologies"
    __audited__ = False  # uploads are audited by the service, with a summary (the workbook is binary)
    __table_args__ = (UniqueConstraint("methodology_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    methodology_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)  # the workbook as uploaded: the version's source
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
