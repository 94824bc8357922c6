from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kechuang.auth.passwords import MIN_PASSWORD_LENGTH
from kechuang.choices import Role
from kechuang.web.api_common import StrictBool, UtcDateTime


class TokenRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"username": "admin", "password": "…"}]})

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: str
    region_code: str | None
    enterprise_id: int | None
    is_active: bool


USERNAME_PATTERN = "^[A-Za-z0-9_.@-]{2,64}$"


def _required_for(role: Role, field: str, fmt: str) -> dict[str, Any]:
    return {
        "if": {"properties": {"role": {"const": role.value}}, "required": ["role"]},
        "then": {"required": [field], "properties": {field: {"type": "string", "format": fmt}}},
    }


class UserCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "hanjiang2",
                    "password": "a-long-password",
                    "role": "district",
                    "display_name": "邗江区科技局",
                    "region_code": "321003",
                }
            ],
            "allOf": [
                _required_for(Role.district, "region_code", "region"),
                _required_for(Role.enterprise, "enterprise_uscc", "uscc"),
            ],
        }
    )

    username: str = Field(pattern=USERNAME_PATTERN, description="2–64 letters, digits or _ . @ -")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)
    role: Role
    display_name: str = Field("", max_length=128)
    region_code: str | None = Field(
        None, max_length=12, description="district operators: their region's code (required)"
    )
    enterprise_uscc: str | None = Field(
        None, max_length=18, description="enterprise users: their enterprise's USCC (required)"
    )


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: UtcDateTime
    actor_id: int | None
    actor_username: str
    entity: str
    entity_id: str
    action: str
    region_code: str | None
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(BaseModel):
    items: list[AuditOut]
    total: int
    page: int
    page_size: int


class UserUpdate(BaseModel):
    """An administrator's change to an account: a new password, or deactivation (either ends the
    user's sessions and tokens)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"is_active": False}, {"password": "a-new-long-password"}]},
    )

    password: str | None = Field(None, min_length=MIN_PASSWORD_LENGTH, max_length=256)
    is_active: StrictBool | None = Field(None, description="false deactivates the account")
