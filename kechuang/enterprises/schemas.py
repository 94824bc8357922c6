from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class EnterpriseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    name: str
    region_code: str


class EnterpriseList(BaseModel):
    items: list[EnterpriseOut]
    total: int
    page: int
    page_size: int
