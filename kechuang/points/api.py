"""Points API: the points ranking and the methodology in force."""

from __future__ import annotations

from fastapi import APIRouter

from kechuang.web.api_common import COMMON, GUARDS

router = APIRouter(prefix="/api/v1", tags=["points"], responses=COMMON, dependencies=GUARDS)
