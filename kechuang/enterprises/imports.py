"""Upload → preview (every error in place) → confirm, for the import page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from kechuang.auth.policy import Permission, allowed, require
from kechuang.auth.scope import Actor
from kechuang.enterprises.columns import Dataset, dataset
from kechuang.enterprises.importer import ImportResult, import_file
from kechuang.enterprises.models import ImportBatch
from kechuang.enterprises.tabular import ROW, UnreadableFile, read_table
from kechuang.errors import InvalidInput, NotFound, Problem

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_ROWS = 200


def stage_upload(
    session: Session, *, actor: Actor, dataset_name: str, filename: str, content: bytes
) -> ImportBatch:
    require(actor, Permission.import_data, "当前角色不能导入数据")
    ds = dataset(dataset_name)
    problems = []
    if not content:
        problems.append(Problem(field="文件", message="请选择要上传的文件", file=filename or None))
    elif len(content) > MAX_UPLOAD_BYTES:
        problems.append(
            Problem(field="文件", message=f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB", file=filename)
        )
    if problems:
        raise InvalidInput(problems)
    batch = ImportBatch(user_id=actor.user_id, dataset=ds.name, filename=filename[:255], content=content)
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, *, actor: Actor, batch_id: int) -> ImportBatch:
    """A batch is visible to the user who uploaded it (and to admins)."""
    batch = session.scalar(select(ImportBatch).where(ImportBatch.id == batch_id))
    if batch is None or (batch.user_id != actor.user_id and not allowed(actor, Permission.see_all_imports)):
        raise NotFound("导入批次不存在")
    return batch


@dataclass
class Preview:
    batch: ImportBatch
    dataset: Dataset
    problems: list[Problem]
    result: ImportResult | None  # counts when the file is clean
    headers: list[tuple[str, str]]  # (field, header as in the file)
    rows: list[dict[str, Any]]  # raw cells of the rows shown, with ROW
    bad_cells: set[tuple[int, str]] = field(default_factory=set)  # (row, header)
    total_rows: int = 0


def preview(session: Session, *, actor: Actor, batch_id: int) -> Preview:
    batch = get_batch(session, actor=actor, batch_id=batch_id)
    ds = dataset(batch.dataset)
    try:
        table = read_table(batch.content, batch.filename, ds)
    except UnreadableFile as exc:
        return Preview(batch, ds, [exc.problem], None, [], [])
    problems: list[Problem] = []
    result = None
    try:
        result = import_file(
            session,
            actor=actor,
            dataset_name=ds.name,
            content=batch.content,
            filename=batch.filename,
            dry_run=True,
        )
    except InvalidInput as exc:
        problems = exc.problems
    headers = [
        (c.field, table.headers.get(c.field, c.header)) for c in ds.columns if c.field in table.frame.columns
    ]
    bad_rows = sorted({p.row for p in problems if p.row and p.row > 1})
    frame = table.frame
    shown = frame.filter(pl.col(ROW).is_in(bad_rows[:PREVIEW_ROWS])) if bad_rows else frame.head(20)
    bad_cells = {(p.row, p.field) for p in problems if p.row}
    return Preview(batch, ds, problems, result, headers, shown.to_dicts(), bad_cells, frame.height)


def confirm(session: Session, *, actor: Actor, batch_id: int) -> ImportResult:
    batch = get_batch(session, actor=actor, batch_id=batch_id)
    if batch.status == "applied":
        raise InvalidInput([Problem(field="导入批次", message="该文件已经导入过了")])
    result = import_file(
        session, actor=actor, dataset_name=batch.dataset, content=batch.content, filename=batch.filename
    )
    batch.status = "applied"
    batch.report = result.as_dict()
    session.flush()
    return result
