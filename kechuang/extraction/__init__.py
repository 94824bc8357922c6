"""PURE text → facts and organisations pipeline (no database, no web, no network)."""

from kechuang.extraction.orgs import Org
from kechuang.extraction.pipeline import Extraction, Fact, extract, to_lines
from kechuang.extraction.readers import DocumentError, docx_to_text, html_to_text

__all__ = [
    "DocumentError",
    "Extraction",
    "Fact",
    "Org",
    "docx_to_text",
    "extract",
    "html_to_text",
    "to_lines",
]
