"""Response headers that keep a browser strict.

Every page loads only its own scripts, styles, fonts and images (the assets are vendored), so the
Content-Security-Policy allows ``'self'`` and nothing inline: no inline script, no ``style``
attribute, no ``<style>`` element. Pages may not be framed."""

from __future__ import annotations

from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def too_large_message(limit_mb: int) -> str:
    return f"上传内容超过 {limit_mb} MB 的上限（KECHUANG_MAX_UPLOAD_MB），请拆分文件后分批上传"


class SecurityMiddleware:
    """Adds ``HEADERS`` to every HTTP response, and answers a request that declares a body past
    ``limit_mb`` with 413 in the API's error shape (JSON) or a short page, without reading it. Bodies
    that stream past the limit are stopped by the routers' ``max_body_size`` (``create_app``) and
    answered by the error handlers in the same words."""

    def __init__(self, app: ASGIApp, *, limit_mb: int) -> None:
        self.app = app
        self.limit_mb = limit_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        if _declared_length(scope) > self.limit_mb * 1024 * 1024:
            await _refuse(scope, self.limit_mb)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _declared_length(scope: Scope) -> int:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def _refuse(scope: Scope, limit_mb: int) -> Response:
    message = too_large_message(limit_mb)
    if str(scope.get("path", "")).startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=413)
    page = f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>413</title><p>{message}</p>'
    return HTMLResponse(page, status_code=413)
