from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth import service as users
from kechuang.auth.schemas import (
    USERNAME_PATTERN,
    AuditOut,
    AuditPage,
    TokenRequest,
    TokenResponse,
    UserCreate,
    UserOut,
    UserUpdate,
)
from kechuang.choices import AuditAction
from kechuang.errors import KechuangError
from kechuang.web.api_common import COMMON, CONFLICT, GUARDS, NOT_FOUND, IsoDate, PageNo, PageSize, errors
from kechuang.web.context import Ctx, api_ctx, db_session, read_session

router = APIRouter(prefix="/api/v1", tags=["auth"], dependencies=GUARDS)


@router.post(
    "/auth/token",
    summary="Exchange a username and password for a bearer token",
    response_model=TokenResponse,
    responses=errors(400, 401, 422, 429),
)
def issue_token(
    body: TokenRequest,
    request: Request,
    session: Session = Depends(db_session, scope="function"),
    reader: Session = Depends(read_session),
) -> TokenResponse:
    """Exchange a username and password for a bearer token (`Authorization: Bearer <token>`)."""
    settings = request.app.state.settings
    client = request.client.host if request.client else "unknown"
    try:
        check = users.check_login(
            reader,
            username=body.username,
            password=body.password,
            client=client,
            max_failures=settings.login_max_failures,
        )
        user = users.record_login(session, check)
    except KechuangError:
        session.commit()  # the failed attempt counts towards throttling
        raise
    tokens = request.app.state.tokens
    return TokenResponse(
        access_token=tokens.api_token(user.id, user.session_version), expires_in=tokens.max_age
    )


@router.get("/me", summary="The caller's own account", response_model=UserOut, responses=COMMON)
def me(ctx: Ctx = Depends(api_ctx)) -> UserOut:
    return UserOut.model_validate(users.own_user(ctx.session, actor=ctx.actor))


@router.get(
    "/users", summary="The accounts the caller may see", response_model=list[UserOut], responses=COMMON
)
def list_users(ctx: Ctx = Depends(api_ctx)) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in users.list_users(ctx.session, actor=ctx.actor)]


@router.post(
    "/users",
    summary="Create an account (administrators)",
    response_model=UserOut,
    status_code=201,
    responses={**COMMON, **CONFLICT},
)
def create_user(body: UserCreate, ctx: Ctx = Depends(api_ctx)) -> UserOut:
    data = users.UserInput(**{**body.model_dump(), "role": body.role.value})
    return UserOut.model_validate(users.create_user(ctx.session, actor=ctx.actor, data=data))


@router.patch(
    "/users/{username}",
    summary="Reset a password or (de)activate an account",
    response_model=UserOut,
    responses={**COMMON, **NOT_FOUND, **CONFLICT},
)
def update_user(
    body: UserUpdate,
    username: str = Path(pattern=USERNAME_PATTERN, description="the account's username"),
    ctx: Ctx = Depends(api_ctx),
) -> UserOut:
    """Reset a password or (de)activate an account (administrators; the users page's actions)."""
    user = users.get_user_by_name(ctx.session, actor=ctx.actor, username=username)
    if body.password is not None:
        user = users.set_password(ctx.session, actor=ctx.actor, username=username, password=body.password)
    if body.is_active is not None:
        user = users.set_active(ctx.session, actor=ctx.actor, username=username, active=body.is_active)
    return UserOut.model_validate(user)


@router.get(
    "/audit",
    summary="The audit log: who changed what, when, before and after",
    response_model=AuditPage,
    responses=COMMON,
)
def list_audit(
    entity: str | None = Query(None, max_length=64, description="a table, e.g. enterprises"),
    action: AuditAction | None = None,
    actor: str | None = Query(None, max_length=64, description="a username"),
    since: IsoDate | None = Query(None, description="from this day (YYYY-MM-DD)"),
    until: IsoDate | None = Query(None, description="up to this day, inclusive"),
    page: PageNo = 1,
    page_size: PageSize = 50,
    ctx: Ctx = Depends(api_ctx),
) -> AuditPage:
    result = audit.query(
        ctx.session,
        actor=ctx.actor,
        filters=audit.AuditFilter(entity, action.value if action else None, actor, since, until),
        page=page,
        page_size=page_size,
    )
    return AuditPage(
        items=[AuditOut.model_validate(e) for e in result.items],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
    )
