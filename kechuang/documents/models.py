"""Uploaded documents, the facts and organisations extracted from them, and their review state.

An accepted fact becomes an indicator figure whose provenance is the document and the character
offsets of its evidence (``indicator_figures.document_id``, ``span_start``, ``span_end``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kechuang.auth.scope import ScopeSpec
from kechuang.db import Base, utcnow


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500), default="")
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # the document's own region (我市/全区)
    published_on: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)  # the plain text the offsets index into
    body_start: Mapped[int] = mapped_column(Integer, default=0)
    body_end: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


Document.__scope__ = ScopeSpec(region="region_code")


class ExtractedFact(Base):
    """A fact found in a document: pending review, accepted (then ``figure_id`` is set) or rejected."""

    __tablename__ = "extracted_facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)  # the document's, for scoping
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence_start: Mapped[int] = mapped_column(Integer)
    sentence_end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(200))
    indicator: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    approx: Mapped[bool] = mapped_column(Boolean, default=False)
    period: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | accepted | rejected
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    figure_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_figures.id", ondelete="SET NULL"))


Index("ix_extracted_facts_status", ExtractedFact.document_id, ExtractedFact.status)
ExtractedFact.__scope__ = ScopeSpec(region="region_code")


class DocumentOrg(Base):
    """An organisation named in a document, optionally linked to a registry enterprise on confirmation."""

    __tablename__ = "document_orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(24))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | linked | ignored


DocumentOrg.__scope__ = ScopeSpec(region="region_code")
