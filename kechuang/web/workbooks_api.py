"""Workbook API: every all-or-nothing spreadsheet the pages upload (projects, targets and monthly
figures, enterprise–node links, the atlas, the points methodology) is also ``POST
/api/v1/workbooks/{name}`` with a dry run, and ``GET /api/v1/workbooks/{name}.xlsx`` downloads the
caller's data (or the empty template) in the layout that imports back.

Each upload runs the same import function as its page, in the request's one transaction: any problem
answers 422 listing every problem (file, sheet, row, column, value, expected) and nothing is written;
a dry run validates and counts, then rolls back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kechuang.auth.policy import Permission, require
from kechuang.auth.scope import Actor
from kechuang.chains import document, links
from kechuang.chains import service as chains_service
from kechuang.indicators import pages as indicators_pages
from kechuang.matching import pages as matching_pages
from kechuang.points import service as points_service
from kechuang.projects import pages as projects_pages
from kechuang.web.api_common import COMMON, GUARDS, errors
from kechuang.web.context import Ctx, api_ctx
from kechuang.web.downloads import XLSX, attachment
from kechuang.web.uploads import WorkbookPages

router = APIRouter(prefix="/api/v1", tags=["workbooks"], responses=COMMON, dependencies=GUARDS)

Run = Callable[[Session, Actor, bytes, str], Any]
Download = Callable[[Session, Actor], bytes]


@dataclass(frozen=True)
class Workbook:
    """One uploadable workbook: who may, how it imports and how the caller's data downloads."""

    name: str  # the path segment
    title: str  # Chinese, for the summary
    permission: Permission
    refused: str  # why someone without the permission may not (Chinese)
    run: Run
    data: Download  # the caller's data, in the layout that imports back
    data_name: str
    template: Download | None = None  # the empty form, where there is one
    template_name: str = ""
    reader: Permission | None = None  # who may download, when not only who may upload


def _of_pages(name: str, title: str, pages: WorkbookPages) -> Workbook:
    return Workbook(
        name=name,
        title=title,
        permission=pages.permission,
        refused=pages.refused,
        run=lambda s, actor, content, filename: pages.import_workbook(
            s, actor=actor, content=content, filename=filename
        ),
        data=lambda s, actor: pages.workbook(s, actor=actor, empty=False),
        data_name=pages.data_name,
        template=lambda s, actor: pages.workbook(s, actor=actor, empty=True),
        template_name=pages.template_name,
    )


def _load_atlas(s: Session, actor: Actor, content: bytes, filename: str) -> Any:
    doc = document.read_document(content, filename)
    return chains_service.load_document(s, actor=actor, doc=doc, file=filename)


WORKBOOKS = [
    _of_pages("projects", "重点项目（项目、里程碑、资金、绩效指标、报告）", projects_pages.WORKBOOK),
    _of_pages("targets", "年度目标与月度完成值", indicators_pages.WORKBOOK),
    _of_pages("demands", "技术需求", matching_pages.DEMANDS_WORKBOOK),
    _of_pages(
        "capabilities", "能力档案（高校、院所、专家、团队、企业）", matching_pages.CAPABILITIES_WORKBOOK
    ),
    Workbook(
        name="links",
        title="企业与产业链节点的关联",
        permission=Permission.edit_links,
        refused="企业与产业链节点的关联由市科技局和区县维护",
        run=lambda s, actor, content, filename: links.import_links(
            s, actor=actor, content=content, filename=filename
        ),
        data=lambda s, actor: links.links_xlsx(s, actor=actor),
        data_name="企业与产业链节点关联.xlsx",
    ),
    Workbook(
        name="atlas",
        title="产业科创图谱（集群、产业链、节点、关键产品与技术）",
        permission=Permission.edit_atlas,
        refused="只有市科技局管理员可以维护产业科创图谱",
        run=_load_atlas,
        data=lambda s, actor: document.to_xlsx(chains_service.export_document(s)),
        data_name="产业科创图谱.xlsx",
        reader=Permission.see_atlas,
    ),
    Workbook(
        name="methodology",
        title="创新积分方法（新版本）",
        permission=Permission.upload_methodology,
        refused="只有市科技局管理员可以修改创新积分方法",
        run=lambda s, actor, content, filename: points_service.upload_methodology(
            s, actor=actor, content=content, filename=filename
        ),
        data=lambda s, actor: points_service.methodology_workbook(s),
        data_name="创新积分方法.xlsx",
        reader=Permission.see_points,
    ),
]


class WorkbookImportOut(BaseModel):
    """What an upload did (or, in a dry run, would do)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "workbook": "projects",
                    "filename": "重点项目.xlsx",
                    "dry_run": True,
                    "created": 3,
                    "updated": 1,
                    "deleted": None,
                    "unchanged": 42,
                    "version": None,
                }
            ]
        }
    )

    workbook: str = Field(description="the workbook's name, e.g. projects")
    filename: str
    dry_run: bool = Field(description="true: validated and counted, nothing written")
    created: int | None = Field(None, description="rows (or objects) added")
    updated: int | None = Field(None, description="rows changed")
    deleted: int | None = Field(None, description="rows removed (imports that replace a set)")
    unchanged: int | None = Field(None, description="rows already as in the file")
    version: str | None = Field(None, description="the methodology's id and version, for methodology")


def _counts(name: str, filename: str, dry_run: bool, result: Any) -> WorkbookImportOut:
    values = {k: getattr(result, k, None) for k in ("created", "updated", "deleted", "unchanged")}
    stamp = getattr(result, "stamp", None)
    return WorkbookImportOut(
        workbook=name, filename=filename, dry_run=dry_run, version=stamp if stamp else None, **values
    )


def _importer(wb: Workbook) -> Callable[..., Any]:
    async def upload(
        file: UploadFile = File(..., description="the .xlsx file (atlas: .xlsx or .json)"),
        dry_run: bool = Query(False, description="validate and count only; write nothing"),
        ctx: Ctx = Depends(api_ctx),
    ) -> WorkbookImportOut:
        require(ctx.actor, wb.permission, wb.refused)
        content = await file.read()
        filename = file.filename or "upload.xlsx"

        def work() -> WorkbookImportOut:
            out = _counts(wb.name, filename, dry_run, wb.run(ctx.session, ctx.actor, content, filename))
            if dry_run:
                ctx.session.rollback()
            return out

        return await run_in_threadpool(work)

    upload.__doc__ = (
        f"Import {wb.name} all or nothing (the page's import): 422 lists every problem, naming file, "
        "sheet, row, column, value and what was expected; nothing is written. `dry_run=true` only "
        "validates and counts."
    )
    return upload


def _downloader(wb: Workbook) -> Callable[..., Any]:
    def data(ctx: Ctx = Depends(api_ctx)) -> Response:
        require(ctx.actor, wb.reader or wb.permission, wb.refused)
        return attachment(wb.data(ctx.session, ctx.actor), wb.data_name)

    def data_or_template(
        template: bool = Query(False, description="the empty template instead of the caller's data"),
        ctx: Ctx = Depends(api_ctx),
    ) -> Response:
        if not template or wb.template is None:
            return data(ctx)
        require(ctx.actor, wb.reader or wb.permission, wb.refused)
        return attachment(wb.template(ctx.session, ctx.actor), wb.template_name)

    download = data_or_template if wb.template else data
    download.__doc__ = (
        f"Download {wb.name} as .xlsx: the data the caller may see, in the layout that imports back"
        + (", or (`template=true`) the empty template." if wb.template else ".")
    )
    return download


for _wb in WORKBOOKS:
    router.add_api_route(
        f"/workbooks/{_wb.name}",
        _importer(_wb),
        methods=["POST"],
        response_model=WorkbookImportOut,
        summary=f"Import: {_wb.title}",
        responses=errors(413),
        operation_id=f"import_workbook_{_wb.name}",
    )
    router.add_api_route(
        f"/workbooks/{_wb.name}.xlsx",
        _downloader(_wb),
        methods=["GET"],
        response_class=Response,
        summary=f"Download: {_wb.title}",
        responses={200: {"content": {XLSX: {}}, "description": "the workbook (.xlsx)"}},
        operation_id=f"download_workbook_{_wb.name}",
    )
