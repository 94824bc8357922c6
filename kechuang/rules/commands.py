"""`kechuang assess`: JSON records in, qualification results out (contracts/ASSESS.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kechuang.settings import Settings


def cmd_assess(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.rules.io import AssessInputError, assess_text

    try:
        text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"错误 error: 无法读取 cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        results = assess_text(text, args.as_of, source=args.input)
    except AssessInputError as exc:
        print(
            f"错误 error: {args.input}: {len(exc.lines)} 处问题，未评估 / {len(exc.lines)} problem(s), nothing "
            "assessed",
            file=sys.stderr,
        )
        for line in exc.lines:
            print(f"  - {line}", file=sys.stderr)
        return 2
    try:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    except BrokenPipeError:  # e.g. piped into head
        pass
    return 0


def register(sub: Any) -> None:
    ass = sub.add_parser(
        "assess",
        help="assess enterprise records against every qualification rule (JSON in, JSON out)",
        description="Read a JSON array (or JSON Lines) of enterprise records (see contracts/ASSESS.md) and write "
        "one result per record to stdout, in the same order: each programme's status (met / not_met / unknown), "
        "score, criteria with actual vs required, gaps in plain Chinese and the rule document and version used. "
        "Exit 0 when every record was assessed; exit 2 listing every problem when the input is not valid.",
    )
    ass.add_argument("--input", required=True, help="the .json or .jsonl file ('-' reads stdin)")
    ass.add_argument(
        "--as-of",
        help="assess as on this day, YYYY-MM-DD (default today); the rules in force "
        "that day apply and 'last year' is the year before it",
    )
    ass.set_defaults(func=cmd_assess)
