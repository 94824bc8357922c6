"""Target API: the districts × indicators progress with lights and alerts, and one district's view."""

from __future__ import annotations

from fastapi import APIRouter

from kechuang.web.api_common import COMMON, GUARDS

router = APIRouter(prefix="/api/v1", tags=["targets"], responses=COMMON, dependencies=GUARDS)
