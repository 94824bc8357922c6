"""`kechuang match`: rank capabilities for technology demands, with reasons (contracts/MATCH.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kechuang.errors import InvalidInput, KechuangError
from kechuang.settings import Settings

if TYPE_CHECKING:
    from kechuang.matching.records import Capability, Demand


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KechuangError(f"{path}: 不是 UTF-8 文本 / not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise KechuangError(f"无法读取 cannot read {path}: {exc.strerror or exc}") from None


def _lexicon(atlas: str | None) -> Any:
    from kechuang.matching import lexicon

    if not atlas:
        return lexicon.builtin()
    from kechuang.chains.document import read_document

    try:
        content = Path(atlas).read_bytes()
    except OSError as exc:
        raise KechuangError(f"无法读取 cannot read {atlas}: {exc.strerror or exc}") from None
    doc = read_document(content, Path(atlas).name)
    return lexicon.build(doc, lexicon.read_json(lexicon.SYNONYMS))


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    from kechuang.matching.matcher import Matcher
    from kechuang.matching.model import load_encoder
    from kechuang.matching.records import read_capabilities, read_demands

    problems = []
    demands: list[Demand] = []
    capabilities: list[Capability] = []
    try:
        demands = read_demands(_read(args.demands), args.demands)
    except InvalidInput as exc:
        problems += exc.problems
    try:
        capabilities = read_capabilities(_read(args.capabilities), args.capabilities)
    except InvalidInput as exc:
        problems += exc.problems
    if problems:
        raise InvalidInput(problems)
    encoder = load_encoder(args.model if args.model is not None else settings.match_model)
    if encoder is None:
        print(
            "提示 note: 未配置文本模型，按词语、字串与产业图谱匹配 / no text model configured",
            file=sys.stderr,
        )
    matcher = Matcher([c.doc() for c in capabilities], lexicon=_lexicon(args.atlas), encoder=encoder)
    rankings = matcher.search([d.doc() for d in demands], top=args.top)
    try:
        for r in rankings:
            line = {
                "demand": r.id,
                "matches": [
                    {
                        "capability": m.id,
                        "score": m.score,
                        "reasons": [{"kind": x.kind, "text": x.text, "weight": x.weight} for x in m.reasons],
                    }
                    for m in r.matches
                ],
            }
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    except BrokenPipeError:
        return 0
    return 0


def _top(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数 expected a whole number, got {raw!r}") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"应在 1–1000 之间 expected 1 to 1000, got {value}")
    return value


def register(sub: Any) -> None:
    p = sub.add_parser(
        "match",
        help="rank capabilities for technology demands, with the reasons for each match (JSON Lines)",
        description="Read demands and capability profiles (JSON Lines, see contracts/MATCH.md) and write one line "
        "per demand to stdout: its best capabilities, each with a score in [0, 1] and the reasons behind it "
        "(shared or synonymous words, capability results, character runs, shared atlas nodes, and a text model "
        "when one is configured). Uses no network and no database. A malformed line: exit 2, every problem on "
        "stderr, nothing on stdout.",
    )
    p.add_argument(
        "--demands", required=True, metavar="DEMANDS.jsonl", help="technology demands, one per line"
    )
    p.add_argument("--capabilities", required=True, metavar="CAPABILITIES.jsonl", help="capability profiles")
    p.add_argument("--top", type=_top, default=10, help="matches per demand (default 10)")
    p.add_argument(
        "--atlas",
        metavar="FILE",
        help="an atlas document (JSON or xlsx) instead of the built-in Yangzhou atlas",
    )
    p.add_argument(
        "--model",
        metavar="DIR",
        help="local sentence-encoder folder (default: KECHUANG_MATCH_MODEL; none: no model)",
    )
    p.set_defaults(func=cmd_match)
