"""Load the demo city into a database: regions, demo enterprises, one demo user per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth.models import User
from kechuang.auth.passwords import generate_password, hash_password
from kechuang.choices import Role
from kechuang.enterprises.models import Enterprise, Title
from kechuang.enterprises.uscc import complete
from kechuang.settings import Settings

DEMO_ENTERPRISE = ("91321003MA1DEM001", "扬州示例晶驰半导体有限公司（演示）", "32100302")  # without the city


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    display_name: str
    region_code: str | None = None


DEMO_USERS = (
    DemoUser("admin", Role.admin, "市科技局管理员"),
    DemoUser("hanjiang", Role.district, "邗江区科技局", region_code="321003"),
    DemoUser("enterprise", Role.enterprise, "演示企业用户"),
    DemoUser("expert", Role.expert, "演示专家"),
    DemoUser("viewer", Role.viewer, "只读观察员"),
)


@dataclass(frozen=True)
class Credential:
    username: str
    role: Role
    password: str


def _demo_enterprise_id(session: Session) -> int:
    """The enterprise the demo enterprise user belongs to: a high-tech-zone HNTE of the demo city if
    one is loaded (the first by USCC, so it is stable), else a small stand-alone demo enterprise."""
    hnte = session.scalar(
        select(Enterprise.id)
        .join(Title, Title.enterprise_id == Enterprise.id)
        .where(Enterprise.region_code == "32100302", Title.type == "hnte")
        .order_by(Enterprise.uscc)
        .limit(1)
    )
    if hnte is not None:
        return hnte
    uscc = complete(DEMO_ENTERPRISE[0])
    ent_id = session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc))
    if ent_id is None:
        ent = Enterprise(uscc=uscc, name=DEMO_ENTERPRISE[1], region_code=DEMO_ENTERPRISE[2])
        session.add(ent)
        session.flush()
        ent_id = ent.id
    return ent_id


def load_demo_users(
    session: Session, settings: Settings, passwords: dict[str, str] | None = None
) -> list[Credential]:
    """Create or reset the demo accounts; every start prints fresh passwords (admin: KECHUANG_ADMIN_PASSWORD)."""
    demo_enterprise = _demo_enterprise_id(session)
    creds: list[Credential] = []
    for demo in DEMO_USERS:
        password = (passwords or {}).get(demo.username) or (
            settings.admin_password
            if demo.role is Role.admin and settings.admin_password
            else generate_password()
        )
        enterprise_id = demo_enterprise if demo.role is Role.enterprise else None
        region_code = demo.region_code
        if enterprise_id is not None:
            region_code = session.scalar(select(Enterprise.region_code).where(Enterprise.id == enterprise_id))
        user = session.scalar(select(User).where(User.username == demo.username))
        if user is None:
            user = User(username=demo.username)
            session.add(user)
        user.display_name = demo.display_name
        user.role = demo.role
        user.region_code = region_code
        user.enterprise_id = enterprise_id
        user.is_active = True
        user.password_hash = hash_password(password)
        user.session_version = (user.session_version or 0) + 1
        creds.append(Credential(demo.username, demo.role, password))
    session.flush()
    return creds
