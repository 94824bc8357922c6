"""Login, logout, language switch, user administration and the audit-log browser."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kechuang.auth import audit
from kechuang.auth import service as users
from kechuang.auth.passwords import verify_password
from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor
from kechuang.choices import AuditAction, Role
from kechuang.errors import InvalidInput, KechuangError, NotAuthenticated, Problem
from kechuang.regions.service import all_regions
from kechuang.web.context import (
    LANG_COOKIE,
    SESSION_COOKIE,
    Ctx,
    db_session,
    optional_actor,
    page_ctx,
    read_session,
    verify_csrf,
)
from kechuang.web.i18n import LANGUAGES
from kechuang.web.render import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", actor: Actor | None = Depends(optional_actor)) -> Response:
    if actor is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", next=_safe_next(next), error=None, username="")


@router.post("/login", dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    session: Session = Depends(db_session, scope="function"),
    reader: Session = Depends(read_session),
) -> Response:
    settings = request.app.state.settings
    client = request.client.host if request.client else "unknown"
    try:
        check = users.check_login(
            reader,
            username=username,
            password=password,
            client=client,
            max_failures=settings.login_max_failures,
        )
        user = users.record_login(session, check)
    except KechuangError as exc:
        session.commit()  # keep the failed attempt for throttling
        status = 429 if exc.status_code == 429 else 401
        return render(
            request,
            "login.html",
            status_code=status,
            next=_safe_next(next),
            error=exc.message,
            username=username,
        )
    token = request.app.state.tokens.session_cookie(user.id, user.session_version)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=settings.session_hours * 3600,
    )
    return response


@router.post("/logout")
def logout(ctx: Ctx = Depends(page_ctx)) -> Response:
    audit.record(
        ctx.session, ctx.actor, entity="users", entity_id=str(ctx.actor.user_id), action=AuditAction.logout
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str = "/") -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 24 * 3600)
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    return render(ctx.request, "account.html", problems=[], done=False)


@router.post("/account/password")
def change_own_password(
    current: str = Form(""), new: str = Form(""), ctx: Ctx = Depends(page_ctx)
) -> Response:
    user = users.own_user(ctx.session, actor=ctx.actor)
    if not verify_password(user.password_hash, current):
        return render(
            ctx.request,
            "account.html",
            status_code=422,
            problems=[Problem("current", "当前密码不正确")],
            done=False,
        )
    try:
        users.set_password(ctx.session, actor=ctx.actor, username=ctx.actor.username, password=new)
    except InvalidInput as exc:
        return render(ctx.request, "account.html", status_code=422, problems=exc.problems, done=False)
    raise NotAuthenticated("密码已修改，请重新登录")


def _users_page(
    ctx: Ctx, problems: list[Problem] | None = None, form: dict | None = None, status: int = 200
) -> Response:
    return render(
        ctx.request,
        "admin_users.html",
        status_code=status,
        users=users.list_users(ctx.session, actor=ctx.actor),
        roles=list(Role),
        regions=all_regions(ctx.session),
        problems=problems or [],
        form=form or {},
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.manage_users)
    return _users_page(ctx)


@router.post("/admin/users")
def create_user(
    username: str = Form(""),
    display_name: str = Form(""),
    password: str = Form(""),
    role: str = Form(""),
    region_code: str = Form(""),
    enterprise_uscc: str = Form(""),
    ctx: Ctx = Depends(page_ctx),
) -> Response:
    require(ctx.actor, Permission.manage_users)
    data = users.UserInput(
        username=username.strip(),
        password=password,
        role=role,
        display_name=display_name.strip(),
        region_code=region_code or None,
        enterprise_uscc=enterprise_uscc.strip() or None,
    )
    try:
        users.create_user(ctx.session, actor=ctx.actor, data=data)
    except InvalidInput as exc:
        ctx.session.rollback()
        form = {
            "username": username,
            "display_name": display_name,
            "role": role,
            "region_code": region_code,
            "enterprise_uscc": enterprise_uscc,
        }
        return _users_page(ctx, exc.problems, form, status=422)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/password")
def reset_password(username: str, password: str = Form(""), ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.manage_users)
    try:
        users.set_password(ctx.session, actor=ctx.actor, username=username, password=password)
    except InvalidInput as exc:
        ctx.session.rollback()
        return _users_page(ctx, exc.problems, status=422)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/active")
def toggle_active(username: str, active: str = Form("0"), ctx: Ctx = Depends(page_ctx)) -> Response:
    require(ctx.actor, Permission.manage_users)
    try:
        users.set_active(ctx.session, actor=ctx.actor, username=username, active=active == "1")
    except InvalidInput as exc:
        ctx.session.rollback()
        return _users_page(ctx, exc.problems, status=422)
    return RedirectResponse("/admin/users", status_code=303)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    entity: str = "",
    action: str = "",
    actor: str = "",
    since: str = "",
    until: str = "",
    page: int = 1,
    ctx: Ctx = Depends(page_ctx),
) -> Response:
    require(ctx.actor, Permission.see_audit)
    filters = audit.AuditFilter(
        entity=entity or None,
        action=action or None,
        actor=actor or None,
        since=_parse_date(since),
        until=_parse_date(until),
    )
    result = audit.query(ctx.session, actor=ctx.actor, filters=filters, page=page)
    return render(
        ctx.request,
        "admin_audit.html",
        result=result,
        entities=audit.entities(ctx.session),
        actions=list(AuditAction),
        filters={"entity": entity, "action": action, "actor": actor, "since": since, "until": until},
    )
