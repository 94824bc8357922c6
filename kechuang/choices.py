"""Enumerations that carry their Chinese and English labels (one place for every label)."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members have a Chinese label (``zh``) and an English label (``en``)."""

    def __new__(cls, value: str, zh: str = "", en: str = "") -> LabelledEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh or value  # type: ignore[attr-defined]
        obj.en = en or value  # type: ignore[attr-defined]
        return obj

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh  # type: ignore[attr-defined]

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class Role(LabelledEnum):
    admin = "admin", "市科技局管理员", "City bureau admin"
    district = "district", "区县/园区操作员", "District operator"
    enterprise = "enterprise", "企业用户", "Enterprise user"
    expert = "expert", "专家", "Expert"
    viewer = "viewer", "只读用户", "Viewer"


class RegionKind(LabelledEnum):
    city = "city", "市", "City"
    district = "district", "区", "District"
    county = "county", "县", "County"
    county_city = "county_city", "县级市", "County-level city"
    zone = "zone", "功能区", "Functional zone"


class AuditAction(LabelledEnum):
    create = "create", "新增", "Create"
    update = "update", "修改", "Update"
    delete = "delete", "删除", "Delete"
    login = "login", "登录", "Log in"
    logout = "logout", "退出", "Log out"
    import_ = "import", "导入", "Import"
