"""`kechuang template|import|export DATASET`: the registry's Excel files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kechuang.db import engine_and_factory as _engine_and_factory
from kechuang.errors import KechuangError
from kechuang.settings import Settings


def _region_names(session: Any) -> dict[str, str]:
    from kechuang.regions.service import all_regions

    return {r.code: r.name for r in all_regions(session) if r.parent_code is not None}


def cmd_template(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.db import transaction
    from kechuang.enterprises.columns import dataset
    from kechuang.enterprises.excel import write_workbook

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        names = _region_names(session)
    write_workbook(args.out, dataset(args.dataset), None, names)
    print(f"已写出模板 template written: {args.out}")
    return 0


class ProgressBar:
    """A plain progress bar on stderr: 校验 [##########----------] 50%."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from kechuang.enterprises.importer import STAGES

        share = 1.0 if total <= 0 else min(1.0, done / total)
        filled = int(share * 30)
        line = f"\r{STAGES.get(stage, stage)} [{'#' * filled}{'-' * (30 - filled)}] {share:4.0%} {done:,}/{total:,}"
        if line != self.last:
            sys.stderr.write(line)
            sys.stderr.flush()
            self.last = line
        if share >= 1.0:
            sys.stderr.write("\n")
            self.last = ""


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:

    from kechuang.auth.scope import SYSTEM
    from kechuang.db import transaction
    from kechuang.enterprises.importer import import_file

    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise KechuangError(f"无法读取文件 {path}：{exc.strerror}") from None
    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        session.info["actor"] = SYSTEM
        result = import_file(
            session,
            actor=SYSTEM,
            dataset_name=args.dataset,
            content=content,
            filename=path.name,
            progress=ProgressBar(sys.stderr.isatty() or args.progress),
            dry_run=args.dry_run,
        )
    verb = "校验通过（未写入）/ checked, not written" if args.dry_run else "导入完成 / imported"
    print(
        f"{verb}: {path.name} — {result.rows} 行 rows; 新增 created {result.created}, "
        f"修改 updated {result.updated}, 未变 unchanged {result.unchanged}"
    )
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.auth.scope import SYSTEM
    from kechuang.db import transaction
    from kechuang.enterprises.columns import dataset
    from kechuang.enterprises.excel import write_workbook
    from kechuang.enterprises.service import export_frame

    _, factory = _engine_and_factory(settings)
    with transaction(factory) as session:
        frame = export_frame(session, actor=SYSTEM, dataset_name=args.dataset)
        names = _region_names(session)
    rows = write_workbook(args.out, dataset(args.dataset), frame, names)
    print(f"已导出 exported {rows} 行 rows → {args.out}")
    return 0


def register(sub: Any) -> None:
    datasets = ["enterprises", "figures", "titles", "ip"]
    ds_help = "enterprises (企业名单), figures (年度经营数据), titles (资质称号), ip (知识产权)"
    tpl = sub.add_parser(
        "template",
        help="write an empty Excel template to fill in",
        description="Write an Excel template with Chinese headers, a help row and drop-down lists.",
    )
    tpl.add_argument("dataset", choices=datasets, help=ds_help)
    tpl.add_argument("out", help="the .xlsx file to write")
    tpl.set_defaults(func=cmd_template)
    imp = sub.add_parser(
        "import",
        help="import an Excel or CSV file (all or nothing)",
        description="Check every row of FILE (.xlsx or .csv, UTF-8 or GBK) and list every problem "
        "(row, column, value, what was expected). One problem refuses the whole file and nothing is "
        "written; a clean file is added or updated by unified social credit code (and year/type).",
    )
    imp.add_argument("dataset", choices=datasets, help=ds_help)
    imp.add_argument("file", help="the .xlsx or .csv file")
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not on a terminal"
    )
    imp.set_defaults(func=cmd_import)
    exp = sub.add_parser(
        "export",
        help="export to Excel (imports back unchanged)",
        description="Export every record to an .xlsx file in the template's layout; importing it "
        "back reports zero changes.",
    )
    exp.add_argument("dataset", choices=datasets, help=ds_help)
    exp.add_argument("out", help="the .xlsx file to write")
    exp.set_defaults(func=cmd_export)
