"""The command line: `kechuang <command>`. Every command has --help in plain words."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from kechuang import __version__
from kechuang.errors import InvalidInput, KechuangError
from kechuang.settings import SettingsError, load_settings

FEATURE_COMMANDS = (
    "kechuang.demo.commands",
    "kechuang.web.commands",
    "kechuang.db_commands",
    "kechuang.jobs.commands",
    "kechuang.auth.commands",
    "kechuang.enterprises.commands",
    "kechuang.chains.commands",
    "kechuang.ladder.commands",
    "kechuang.rules.commands",
    "kechuang.extraction.commands",
    "kechuang.matching.commands",
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser; every feature registers its own commands (``register(sub)``)."""
    parser = argparse.ArgumentParser(
        prog="kechuang",
        description="科创 kechuang: the platform for a city's industrial science-and-technology innovation work. "
        "Settings come from KECHUANG_* environment variables (see docs/configuration.md).",
    )
    parser.add_argument("--version", action="version", version=f"kechuang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in FEATURE_COMMANDS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        return int(args.func(args, settings))
    except InvalidInput as exc:
        print(f"错误 error: {exc.message}", file=sys.stderr)
        for p in exc.problems:
            print(f"  - {p}", file=sys.stderr)
        return 2
    except (KechuangError, SettingsError) as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(
            f"数据库错误 database error: {reason}\n请检查 KECHUANG_DATABASE_URL 与数据库状态 / check the "
            "database URL and state",
            file=sys.stderr,
        )
        return 3
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
