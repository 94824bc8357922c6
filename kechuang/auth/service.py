"""Users, logins and the actor a user acts as. Every function validates first, then writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth.models import LoginAttempt, User
from kechuang.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from kechuang.auth.scope import Actor, scope_clause
from kechuang.choices import Role
from kechuang.db import utcnow
from kechuang.enterprises.models import Enterprise
from kechuang.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound, Problem, Throttled
from kechuang.regions.models import Region
from kechuang.regions.service import region_codes_under

THROTTLE_WINDOW = timedelta(minutes=15)
CLIENT_FACTOR = 4  # a shared office address gets this many times the per-account allowance
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
USERNAME_TAKEN = "用户名已存在"


def actor_for(session: Session, user: User) -> Actor:
    codes = region_codes_under(session, user.region_code) if user.region_code else frozenset()
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        region_code=user.region_code,
        enterprise_id=user.enterprise_id,
        region_codes=codes,
    )


def active_user(session: Session, user_id: int, session_version: int) -> User | None:
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != session_version:
        return None
    return user


def _recent_failures(session: Session, column: Any, value: str) -> int:
    since = utcnow() - THROTTLE_WINDOW
    stmt = select(func.count()).where(
        column == value,
        LoginAttempt.success.is_(False),
        LoginAttempt.at >= since,
    )
    return int(session.scalar(stmt) or 0)


@dataclass(frozen=True)
class LoginCheck:
    """What a login attempt found, before anything is written."""

    username: str
    client: str
    user_id: int | None
    ok: bool
    throttled: bool


def check_login(
    session: Session, *, username: str, password: str, client: str, max_failures: int
) -> LoginCheck:
    """Read the throttle counts and the account and verify the password (the slow part: ~0.1 s of
    Argon2). Only reads: give it a reader session, so that no write lock is held meanwhile."""
    username = username.strip()
    throttled = (
        _recent_failures(session, LoginAttempt.username, username) >= max_failures
        or _recent_failures(session, LoginAttempt.client, client) >= max_failures * CLIENT_FACTOR
    )
    user = None if throttled else session.scalar(select(User).where(User.username == username))
    user_id, active, stored = (
        (user.id, user.is_active, user.password_hash) if user is not None else (None, False, "")
    )
    session.rollback()  # the reading is done: give the connection back before the slow part
    ok = active and verify_password(stored, password)
    return LoginCheck(username, client, user_id, ok, throttled)


def record_login(session: Session, check: LoginCheck) -> User:
    """Record the attempt (and the login in the audit log); the user, or the reason it is refused."""
    if check.throttled:
        raise Throttled("登录失败次数过多，请 15 分钟后再试")
    session.add(LoginAttempt(username=check.username[:64], client=check.client[:64], success=check.ok))
    user = session.get(User, check.user_id) if check.ok and check.user_id is not None else None
    if user is None:
        session.flush()
        raise NotAuthenticated("用户名或密码错误")
    audit.record(session, actor_for(session, user), entity="users", entity_id=str(user.id), action="login")
    return user


def authenticate(session: Session, *, username: str, password: str, client: str, max_failures: int) -> User:
    """Check a login; throttled per account and per client address; every attempt is recorded."""
    check = check_login(
        session, username=username, password=password, client=client, max_failures=max_failures
    )
    return record_login(session, check)


@dataclass(frozen=True)
class UserInput:
    username: str
    password: str
    role: str
    display_name: str = ""
    region_code: str | None = None
    enterprise_uscc: str | None = None


def _validate_user(session: Session, data: UserInput) -> tuple[list[Problem], int | None]:
    problems: list[Problem] = []
    if not USERNAME_RE.match(data.username):
        problems.append(Problem("username", "应为 2–64 位字母、数字或 _ . @ -", data.username))
    elif session.scalar(select(User.id).where(User.username == data.username)) is not None:
        problems.append(Problem("username", USERNAME_TAKEN, data.username))
    if len(data.password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem("password", f"密码至少 {MIN_PASSWORD_LENGTH} 位"))
    if data.role not in Role.values():
        problems.append(Problem("role", f"应为 {' / '.join(Role.values())} 之一", data.role))
    enterprise_id = None
    if data.role == Role.district:
        if not data.region_code:
            problems.append(Problem("region_code", "区县/园区操作员必须指定所属地区"))
        elif session.get(Region, data.region_code) is None:
            problems.append(Problem("region_code", "地区代码不存在", data.region_code))
    if data.role == Role.enterprise:
        if not data.enterprise_uscc:
            problems.append(Problem("enterprise_uscc", "企业用户必须指定所属企业的统一社会信用代码"))
        else:
            enterprise_id = session.scalar(
                select(Enterprise.id).where(Enterprise.uscc == data.enterprise_uscc)
            )
            if enterprise_id is None:
                problems.append(
                    Problem("enterprise_uscc", "未找到该统一社会信用代码的企业", data.enterprise_uscc)
                )
    return problems, enterprise_id


def create_user(session: Session, *, actor: Actor, data: UserInput) -> User:
    if not actor.is_admin:
        raise Forbidden("只有管理员可以创建用户")
    problems, enterprise_id = _validate_user(session, data)
    if problems:
        taken = all(p.field == "username" and p.message == USERNAME_TAKEN for p in problems)
        raise Conflict(problems) if taken else InvalidInput(problems)
    region_code = data.region_code if data.role == Role.district else None
    if data.role == Role.enterprise and enterprise_id is not None:
        region_code = session.scalar(select(Enterprise.region_code).where(Enterprise.id == enterprise_id))
    user = User(
        username=data.username,
        display_name=data.display_name or data.username,
        password_hash=hash_password(data.password),
        role=data.role,
        region_code=region_code,
        enterprise_id=enterprise_id,
    )
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, *, actor: Actor) -> list[User]:
    if not actor.is_admin:
        raise Forbidden("只有管理员可以查看用户列表")
    return list(session.scalars(select(User).where(scope_clause(actor, User)).order_by(User.username)))


def get_user_by_name(session: Session, *, actor: Actor, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username, scope_clause(actor, User)))
    if user is None:
        raise NotFound(f"用户 {username} 不存在")
    return user


def own_user(session: Session, *, actor: Actor) -> User:
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise NotFound("当前用户不存在")
    return user


def set_password(session: Session, *, actor: Actor, username: str, password: str) -> User:
    """Anyone may change their own password; only admins change other people's."""
    if username == actor.username and actor.user_id is not None:
        user = own_user(session, actor=actor)
    else:
        if not actor.is_admin:
            raise Forbidden("只有管理员可以修改他人的密码")
        user = get_user_by_name(session, actor=actor, username=username)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput([Problem("password", f"密码至少 {MIN_PASSWORD_LENGTH} 位")])
    user.password_hash = hash_password(password)
    user.session_version += 1
    session.flush()
    return user


def set_active(session: Session, *, actor: Actor, username: str, active: bool) -> User:
    if not actor.is_admin:
        raise Forbidden("只有管理员可以停用或启用用户")
    user = get_user_by_name(session, actor=actor, username=username)
    if user.id == actor.user_id and not active:
        raise Conflict([Problem("is_active", "不能停用自己的账号")])
    user.is_active = active
    user.session_version += 1
    session.flush()
    return user
