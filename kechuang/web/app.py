"""The FastAPI application: pages, the JSON API under /api/v1, offline API docs, static assets."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, compile_path

from kechuang import __version__
from kechuang.auth.tokens import TokenService
from kechuang.db import make_engine, make_session_factory
from kechuang.errors import InvalidInput, KechuangError, NotAuthenticated
from kechuang.settings import Settings
from kechuang.web.api_common import NUL_MESSAGE, validation_problems
from kechuang.web.context import CSRF_COOKIE
from kechuang.web.render import render
from kechuang.web.security import SecurityMiddleware, too_large_message

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("kechuang")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_response(
    request: Request,
    status: int,
    message: str,
    problems: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if _is_api(request):
        body: dict[str, object] = {"detail": message}
        if problems is not None:
            body["problems"] = problems
        extra = dict(headers or {})
        if status == 401:
            extra["WWW-Authenticate"] = "Bearer"
        return JSONResponse(body, status_code=status, headers=extra or None)
    return render(
        request, "error.html", status_code=status, status=status, message=message, problems=problems or []
    )


def _flat_routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route, included routers unfolded."""
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI's included routers
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _flat_routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif getattr(route, "methods", None) and hasattr(route, "path"):
            yield prefix + route.path, set(getattr(route, "methods", ()))


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route of this path answers (Starlette's 405 names only the first route's)."""
    table = getattr(app.state, "method_table", None)
    if table is None:
        table = [(compile_path(p)[0], methods) for p, methods in _flat_routes(app.router.routes)]
        app.state.method_table = table
    return sorted({m for regex, methods in table if regex.match(path) for m in methods})


OUT_OF_RANGE = "数值超出范围"
CONFLICT_MESSAGE = "同一条记录刚刚被另一项操作修改，请刷新后重试"
BUSY_MESSAGE = "数据库正忙：另一项写入尚未完成，请稍后重试"
HTTP_MESSAGES = {
    400: "请求无法解析：请求体应为有效的 JSON 或表单",
    404: "页面不存在",
    405: "不支持该请求方法",
}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KechuangError)
    async def _kechuang_error(request: Request, exc: KechuangError) -> Response:
        if isinstance(exc, NotAuthenticated) and not _is_api(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        problems = [p.as_dict() for p in exc.problems] if isinstance(exc, InvalidInput) else None
        return _error_response(request, exc.status_code, exc.message, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        if exc.status_code == 413:
            message = too_large_message(app.state.settings.max_upload_mb)
        if exc.status_code == 404 and _is_api(request):
            message = "接口不存在"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path))
        return _error_response(request, exc.status_code, message, headers=headers)

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> Response:
        # A number past 64 bits that no schema bounded (the API bounds its own; pages are caught here).
        return _error_response(request, 422, OUT_OF_RANGE)

    @app.exception_handler(DataError)
    async def _data_error(request: Request, exc: DataError) -> Response:
        if "NUL" in str(exc.orig):  # a form field with NUL: PostgreSQL's text cannot hold it
            return _error_response(request, 422, NUL_MESSAGE)
        if getattr(exc.orig, "sqlstate", None) == "22003":  # PostgreSQL: numeric value out of range
            return _error_response(request, 422, OUT_OF_RANGE)
        return await _unexpected(request, exc)

    @app.exception_handler(IntegrityError)
    async def _conflict(request: Request, exc: IntegrityError) -> Response:
        # a uniqueness race between two simultaneous writes (services check before they write)
        log.warning("409 on %s %s: %s", request.method, request.url.path, exc.orig)
        return _error_response(request, 409, CONFLICT_MESSAGE)

    @app.exception_handler(PoolTimeout)
    async def _pool_timeout(request: Request, exc: PoolTimeout) -> Response:
        log.warning("503 on %s %s: %s", request.method, request.url.path, exc)
        return _error_response(request, 503, BUSY_MESSAGE, headers={"Retry-After": "5"})

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> Response:
        if "database is locked" in str(exc.orig):  # SQLite: another writer held the lock past the timeout
            log.warning("503 on %s %s: %s", request.method, request.url.path, exc.orig)
            return _error_response(request, 503, BUSY_MESSAGE, headers={"Retry-After": "5"})
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, "服务器内部错误，已记录日志；请联系管理员")

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = validation_problems(list(exc.errors()))
        return _error_response(request, 422, f"{len(problems)} 处输入错误", problems)


def _install_csrf_cookie(app: FastAPI) -> None:
    @app.middleware("http")
    async def _csrf_cookie(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        existing = request.cookies.get(CSRF_COOKIE)
        if existing and not app.state.tokens.csrf_valid(existing, existing):
            existing = None  # signed with an older secret: issue a fresh one
        token = existing or app.state.tokens.new_csrf()
        request.state.csrf_token = token
        response = await call_next(request)
        if not existing:
            response.set_cookie(
                CSRF_COOKIE, token, httponly=True, samesite="strict", secure=app.state.settings.secure_cookies
            )
        return response


SWAGGER_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>kechuang API</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/js/swagger-init.js"></script>
</body>
</html>
"""


def _install_docs(app: FastAPI) -> None:
    @app.get("/api/docs", include_in_schema=False)
    async def _docs() -> HTMLResponse:
        return HTMLResponse(SWAGGER_PAGE)


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """Build the application. ``settings`` must carry a strong secret (demo generates one)."""
    settings.require_strong_secret()
    from kechuang.web import routes

    app = FastAPI(
        title="kechuang 科创 API",
        version=__version__,
        description="JSON API of kechuang. Authenticate with the session cookie or "
        "`POST /api/v1/auth/token` and `Authorization: Bearer <token>`.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.effective_database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.write_factory = make_session_factory(app.state.engine, writer=True)
    app.state.tokens = TokenService(settings.secret_key, settings.session_hours * 3600)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _install_error_handlers(app)
    _install_csrf_cookie(app)
    _install_docs(app)
    app.add_middleware(SecurityMiddleware, limit_mb=settings.max_upload_mb)
    for router in routes.ROUTERS:  # a body streaming past the limit: 413 from the error handlers
        app.include_router(router, max_body_size=settings.max_upload_mb * 1024 * 1024)
    return app
