"""The FastAPI application: pages, the JSON API under /api/v1, offline API docs, static assets."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from kechuang import __version__
from kechuang.auth.tokens import TokenService
from kechuang.db import make_engine, make_session_factory
from kechuang.errors import InvalidInput, KechuangError, NotAuthenticated
from kechuang.settings import Settings
from kechuang.web.context import CSRF_COOKIE
from kechuang.web.render import render

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("kechuang")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_response(
    request: Request, status: int, message: str, problems: list[dict] | None = None
) -> Response:
    if _is_api(request):
        body: dict[str, object] = {"detail": message}
        if problems is not None:
            body["problems"] = problems
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)
    return render(
        request, "error.html", status_code=status, status=status, message=message, problems=problems or []
    )


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
        message = {404: "页面不存在", 405: "不支持该请求方法"}.get(exc.status_code, str(exc.detail))
        return _error_response(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, "服务器内部错误，已记录日志；请联系管理员")

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
                "message": e.get("msg", ""),
                "value": e.get("input") if isinstance(e.get("input"), str | int | float | bool) else None,
            }
            for e in exc.errors()
        ]
        return _error_response(request, 422, f"{len(problems)} 处输入错误", problems)


def _install_csrf_cookie(app: FastAPI) -> None:
    @app.middleware("http")
    async def _csrf_cookie(request: Request, call_next):  # type: ignore[no-untyped-def]
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
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def _install_docs(app: FastAPI) -> None:
    @app.get("/api/docs", include_in_schema=False)
    async def _docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="kechuang API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )


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
    app.state.tokens = TokenService(settings.secret_key, settings.session_hours * 3600)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _install_error_handlers(app)
    _install_csrf_cookie(app)
    _install_docs(app)
    for router in routes.ROUTERS:
        app.include_router(router)
    return app
