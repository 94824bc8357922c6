"""Demo documents: two fictional Yangzhou news pages (names marked 演示) waiting in the review queue,
so the upload → review → accept flow can be tried on the first afternoon."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth.scope import SYSTEM
from kechuang.documents.models import Document
from kechuang.documents.service import upload

DATA = Path(__file__).parent / "data"
DEMO = (
    ("扬州市科技创新工作会议（演示）.txt", "321000", date(2026, 11, 25)),
    ("邗江区科技工作简报（演示）.txt", "321003", date(2026, 10, 20)),
)


def demo_documents(session: Session) -> int:
    """Upload the demo documents once (as the system, audited as such); returns how many."""
    if session.scalar(select(Document.id).where(Document.filename.in_([d[0] for d in DEMO])).limit(1)):
        return 0
    session.info.setdefault("actor", SYSTEM)
    for filename, region, published in DEMO:
        upload(
            session,
            actor=SYSTEM,
            content=(DATA / filename).read_bytes(),
            filename=filename,
            region_code=region,
            published_on=published,
        )
    return len(DEMO)
