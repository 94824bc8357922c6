"""Per-request plumbing shared by pages and the API: the database session, the actor, CSRF."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from kechuang.auth.scope import Actor
from kechuang.auth.service import active_user, actor_for
from kechuang.errors import Forbidden, NotAuthenticated
from kechuang.web.i18n import pick_language

SESSION_COOKIE = "kc_session"
CSRF_COOKIE = "kc_csrf"
LANG_COOKIE = "kc_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


_COMMITS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="kechuang-commit")


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on any error.

    Depend on it with ``scope="function"``: the commit then happens before the response is sent, so
    a client never sees success for a write that failed to commit, nor overlaps the next request.
    Requests that may write (POST, PUT, PATCH, DELETE) get a writer session: on SQLite they wait their
    turn for the write lock; GET requests read without waiting.

    The commit runs on threads of its own (``_COMMITS``), not the request thread pool: a commit that
    needed a thread of that pool could wait behind requests that themselves wait for the write lock
    this commit releases; nor on the event loop, which a commit that must first flush would block."""
    factories = request.app.state
    session = (factories.write_factory if request.method in UNSAFE else factories.session_factory)()
    loop = asyncio.get_running_loop()
    try:
        yield session
        await loop.run_in_executor(_COMMITS, session.commit)
    except BaseException:
        await loop.run_in_executor(_COMMITS, session.rollback)
        raise
    finally:
        session.close()


def read_session(request: Request) -> Iterator[Session]:
    """A reading session for any request: for the slow reads of a request that writes a little at the
    end (a login's password check), so that they do not hold SQLite's write lock."""
    session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _resolve_actor(request: Request, session: Session) -> tuple[Actor | None, bool]:
    """The actor from a bearer token or the session cookie; the flag says whether a cookie was used.

    A request that may write reads it in a short reading session of its own, so that its writer session
    begins (and takes SQLite's write lock) only when the route writes."""
    from kechuang.demo.city import is_demo

    if request.method not in UNSAFE:
        return _actor_of(request, session)
    with request.app.state.session_factory() as reader:
        found = _actor_of(request, reader)
        request.state.demo = is_demo(reader)
        return found


def _actor_of(request: Request, session: Session) -> tuple[Actor | None, bool]:
    tokens = request.app.state.tokens
    bearer = _bearer(request)
    if bearer is not None:
        claims = tokens.read_api_token(bearer)
        via_cookie = False
    else:
        raw = request.cookies.get(SESSION_COOKIE)
        claims = tokens.read_session_cookie(raw) if raw else None
        via_cookie = True
    if claims is None:
        return None, via_cookie
    user = active_user(session, claims.user_id, claims.session_version)
    if user is None:
        return None, via_cookie
    return actor_for(session, user), via_cookie


def csrf_ok(request: Request, submitted: str | None) -> bool:
    return request.app.state.tokens.csrf_valid(request.cookies.get(CSRF_COOKIE), submitted)


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe page request whose form or header does not carry the CSRF token."""
    if request.method not in UNSAFE:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not csrf_ok(request, submitted):
        raise Forbidden("表单已过期或缺少 CSRF 令牌，请刷新页面后重试")


@dataclass
class Ctx:
    """What a route needs: the session (carrying the actor for the audit log), the actor, the language."""

    request: Request
    session: Session
    actor: Actor
    lang: str


def _ctx(request: Request, session: Session, actor: Actor) -> Ctx:
    from kechuang.demo.city import is_demo

    session.info["actor"] = actor
    request.state.actor = actor
    if request.method not in UNSAFE:  # (writes read it with their actor, see _resolve_actor)
        request.state.demo = is_demo(session)
    return Ctx(
        request=request, session=session, actor=actor, lang=pick_language(request.cookies.get(LANG_COOKIE))
    )


def optional_actor(
    request: Request, session: Session = Depends(db_session, scope="function")
) -> Actor | None:
    actor, _ = _resolve_actor(request, session)
    if actor is not None:
        session.info["actor"] = actor
        request.state.actor = actor
    return actor


def page_ctx(
    request: Request,
    session: Session = Depends(db_session, scope="function"),
    _csrf: None = Depends(verify_csrf),
) -> Ctx:
    """For pages: a logged-in actor (else NotAuthenticated → redirect to login) and CSRF on writes.

    A plain function, so FastAPI runs it (and its reads) on a worker thread: blocking database work on
    the event loop would stall the whole process while it waits for a pooled connection."""
    actor, _ = _resolve_actor(request, session)
    if actor is None:
        raise NotAuthenticated("请先登录")
    return _ctx(request, session, actor)


# Declared for OpenAPI only (either one authenticates); ``_resolve_actor`` reads them itself.
_BEARER = HTTPBearer(
    auto_error=False, description="`POST /api/v1/auth/token`, then `Authorization: Bearer …`"
)
_COOKIE = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="the pages' session cookie (writes need X-CSRF-Token)"
)


def api_ctx(
    request: Request,
    session: Session = Depends(db_session, scope="function"),
    _bearer_doc: HTTPAuthorizationCredentials | None = Depends(_BEARER),
    _cookie_doc: str | None = Depends(_COOKIE),
) -> Ctx:
    """For the API: a bearer token or the session cookie; cookie-authenticated writes need the CSRF header."""
    actor, via_cookie = _resolve_actor(request, session)
    if actor is None:
        raise NotAuthenticated("需要登录或有效的访问令牌 (Authorization: Bearer …)")
    if via_cookie and request.method in UNSAFE and not csrf_ok(request, request.headers.get(CSRF_HEADER)):
        raise Forbidden("使用会话 Cookie 调用写接口时必须带 X-CSRF-Token 请求头")
    return _ctx(request, session, actor)
