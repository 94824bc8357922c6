"""The all-or-nothing upload pages share one flow: take the file, run the import, and either redirect
with the counts (新增 / 修改 / 删除 / 未变) or roll back and show every problem on the page again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from kechuang.errors import InvalidInput
from kechuang.web.context import Ctx


def counts(result: Any) -> str:
    """The import's counts in the words the pages use; 删除 only for imports that remove."""
    parts = [f"新增 {result.created}", f"修改 {result.updated}"]
    if hasattr(result, "deleted"):
        parts.append(f"删除 {result.deleted}")
    parts.append(f"未变 {result.unchanged}")
    return "、".join(parts)


async def import_upload(
    request: Request,
    ctx: Ctx,
    *,
    run: Callable[[bytes, str], Any],
    done: str,
    missing: str,
    page: Callable[[list[str]], Response],
) -> Response:
    """``run(content, filename)`` imports (raising InvalidInput with every problem); ``done`` is the page
    to redirect to with ``?loaded=…``; ``page(problems)`` renders the form again with them (status 422)."""
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        problems = [missing]
    else:
        try:
            result = run(await upload.read(), upload.filename)
        except InvalidInput as exc:
            problems = [p.message for p in exc.problems]
        else:
            return RedirectResponse(f"{done}?loaded={quote(counts(result))}", status_code=303)
    ctx.session.rollback()
    return page(problems)
