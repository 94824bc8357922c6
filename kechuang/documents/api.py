"""Document API: upload, the list, one document with its facts and organisations, and fact review."""

from __future__ import annotations

from fastapi import APIRouter

from kechuang.web.api_common import COMMON, GUARDS

router = APIRouter(prefix="/api/v1", tags=["documents"], responses=COMMON, dependencies=GUARDS)
