"""The all-or-nothing upload pages share one flow: take the file, run the import, and either redirect
with the counts (新增 / 修改 / 删除 / 未变) or roll back and show every problem on the page again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kechuang.auth.policy import Permission, require
from kechuang.errors import InvalidInput
from kechuang.web.context import Ctx, page_ctx
from kechuang.web.downloads import attachment
from kechuang.web.render import render


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


@dataclass(frozen=True)
class WorkbookPages:
    """A declared workbook's three pages: ``GET path`` (the upload form), ``GET path/{kind}.xlsx``
    (``template`` or the actor's data) and ``POST path`` (the all-or-nothing import)."""

    path: str
    permission: Permission
    refused: str  # why someone without the permission may not (Chinese)
    template: str  # the upload form's template
    workbook: Callable[..., bytes]  # workbook(session, *, actor, empty) -> xlsx
    import_workbook: Callable[..., Any]  # import_workbook(session, *, actor, content, filename)
    template_name: str
    data_name: str
    missing: str

    def register(self, router: APIRouter) -> None:
        def guard(ctx: Ctx) -> None:
            require(ctx.actor, self.permission, self.refused)

        def form_page(ctx: Ctx = Depends(page_ctx)) -> Response:
            guard(ctx)
            loaded = ctx.request.query_params.get("loaded", "")
            return render(ctx.request, self.template, problems=[], loaded=loaded)

        def download(kind: str, ctx: Ctx = Depends(page_ctx)) -> Response:
            guard(ctx)
            content = self.workbook(ctx.session, actor=ctx.actor, empty=kind == "template")
            return attachment(content, self.template_name if kind == "template" else self.data_name)

        async def upload(request: Request, ctx: Ctx = Depends(page_ctx)) -> Response:
            guard(ctx)
            return await import_upload(
                request,
                ctx,
                run=lambda content, filename: self.import_workbook(
                    ctx.session, actor=ctx.actor, content=content, filename=filename
                ),
                done=self.path,
                missing=self.missing,
                page=lambda problems: render(
                    ctx.request, self.template, status_code=422, problems=problems, loaded=""
                ),
            )

        router.add_api_route(self.path, form_page, methods=["GET"], response_class=HTMLResponse)
        router.add_api_route(self.path + "/{kind}.xlsx", download, methods=["GET"])
        router.add_api_route(self.path, upload, methods=["POST"], response_class=HTMLResponse)
