"""`kechuang extract`: documents to facts as JSON Lines (contracts/EXTRACT.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kechuang.settings import Settings


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.extraction import extract, to_lines

    status = 0
    for name in args.files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            print(f"错误 error: {name}: 不是 UTF-8 文本 / not UTF-8 text (byte {exc.start})", file=sys.stderr)
            status = 1
            continue
        except OSError as exc:
            print(f"错误 error: 无法读取 cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
            status = 1
            continue
        lines = to_lines(extract(text, doc=Path(name).name, published=args.published))
        try:
            sys.stdout.writelines(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        except BrokenPipeError:  # e.g. piped into head
            return status
    return status


def register(sub: Any) -> None:
    ext = sub.add_parser(
        "extract",
        help="extract quantitative facts and organisations from plain-text documents (JSON Lines)",
        description="Read each FILE (UTF-8 plain text: a scraped page, a report, news) and write JSON Lines to "
        "stdout (see contracts/EXTRACT.md): one body line, one line per quantitative fact and one per distinct "
        "organisation. Uses no database and no network. Exit 1 when a file cannot be read or decoded (the others "
        "are still processed).",
    )
    ext.add_argument("files", nargs="+", metavar="FILE", help="plain-text documents (UTF-8)")
    ext.add_argument(
        "--published",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="publication date, for 今年/去年 when the page header carries none",
    )
    ext.set_defaults(func=cmd_extract)
