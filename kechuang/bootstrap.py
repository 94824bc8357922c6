"""What every start needs: the schema at head, the regions loaded, an admin account."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kechuang import migrate
from kechuang.auth.models import User
from kechuang.auth.passwords import generate_password, hash_password
from kechuang.choices import Role
from kechuang.regions.service import BUNDLED, load_regions, read_regions_file
from kechuang.settings import Settings


def regions_file(settings: Settings) -> Path:
    return Path(settings.regions_file) if settings.regions_file else BUNDLED


def ensure_regions(session: Session, settings: Settings) -> int:
    return load_regions(session, read_regions_file(regions_file(settings)))


def ensure_admin(session: Session, settings: Settings) -> str | None:
    """Create ``admin`` if no admin exists; returns the password when one was set now."""
    if session.scalar(select(User.id).where(User.role == Role.admin).limit(1)) is not None:
        return None
    password = settings.admin_password or generate_password()
    session.add(
        User(username="admin", display_name="管理员", password_hash=hash_password(password), role=Role.admin)
    )
    session.flush()
    return password


def prepare_database(engine: Engine, session: Session, settings: Settings) -> str | None:
    """Upgrade the schema, load regions, make sure an admin exists (returns a new admin password)."""
    from kechuang.indicators.service import ensure_indicators

    migrate.upgrade(engine)
    ensure_regions(session, settings)
    ensure_indicators(session)
    return ensure_admin(session, settings)
