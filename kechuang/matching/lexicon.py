"""The matcher's vocabulary: synonyms and abbreviations, and the atlas's terms with the concepts they
name. Pure: built from the atlas document (``kechuang.chains.document``) and the synonym table
(``data/synonyms.json``, versioned data the bureau edits); no database.

Every term is kept in its normal form (NFKC, Latin lower-case). A term of an ``equal`` group is
replaced by the group's first word, so 质子交换膜, PEM and 质子膜 are one term; ``related`` groups
(热失控 ~ 热扩散) expand a query at a lower weight. The atlas adds its chain names and aliases, node
names and keywords, and the parts of its key items' names, each naming a concept (``chain:<code>``,
``node:<code>``, ``item:<node>#<n>``); an item name's Latin abbreviation in brackets
("真空自耗电弧熔炼（VAR）") becomes an ``equal`` group.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")
SYNONYMS = DATA / "synonyms.json"
ATLAS = Path(__file__).parents[1] / "chains" / "data" / "yangzhou-613.json"

PART_SPLIT = re.compile(r"[与及和、/，,；;：:（）()\s]+")
BRACKETED = re.compile(r"([\u4e00-\u9fff]{2,12})（([A-Z][A-Za-z0-9-]{1,9})）")
CJK_RUN_END = re.compile(r"[\u4e00-\u9fff]+$")
GENERIC_SPREAD = 3  # a term naming more nodes than this says nothing about any of them
MAX_PART = 10
ITEM_PART = 4  # shorter pieces of an item's name (寿命, 涂层) are too general to name the item


def normal(text: str) -> str:
    """NFKC (full-width to half-width) with Latin letters lower-cased: the form every term is kept in."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class Concept:
    """A chain, a node or a key item of the atlas, with the path a reason shows (链 › 节点 › 条目)."""

    id: str
    label: str
    level: str  # chain | node | item
    parent: str | None


@dataclass
class Lexicon:
    """Synonyms, related words and the atlas's concepts, ready for the analyser and the matcher."""

    canonical: dict[str, str] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)
    related: dict[str, tuple[str, ...]] = field(default_factory=dict)
    concepts: dict[str, Concept] = field(default_factory=dict)
    term_concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    chains: dict[str, str] = field(default_factory=dict)  # chain code, name or alias -> concept id
    source: tuple[str, ...] = ()

    @property
    def words(self) -> list[str]:
        """Every multi-character term, for the segmenter's dictionary."""
        terms = (
            set(self.canonical) | set(self.canonical.values()) | set(self.term_concepts) | set(self.related)
        )
        return sorted(t for t in terms if len(t) > 1)

    def term(self, word: str) -> str:
        """The canonical form of a normalised word."""
        return self.canonical.get(word, word)

    def chain_concept(self, chain: str | None) -> str | None:
        """The concept of a demand's chain field (a code, a name or an alias), if the atlas knows it."""
        return self.chains.get(normal(chain.strip())) if chain else None

    def ancestors(self, concept: str) -> list[str]:
        """The concept and the concepts above it, most specific first."""
        out = []
        cur: str | None = concept
        while cur is not None:
            out.append(cur)
            cur = self.concepts[cur].parent
        return out


def _add_equal(lex: Lexicon, group: list[str]) -> None:
    forms = [normal(w).strip() for w in group if w.strip()]
    if len(forms) < 2:
        return
    head = lex.canonical.get(forms[0], forms[0])
    lex.display.setdefault(head, group[0])
    for form, shown in zip(forms, group, strict=True):
        if form != head:
            lex.canonical[form] = head
            lex.display.setdefault(form, shown)


def _add_related(lex: Lexicon, group: list[str]) -> None:
    terms = [lex.term(normal(w).strip()) for w in group if w.strip()]
    for t in terms:
        others = tuple(o for o in terms if o != t)
        lex.related[t] = tuple(dict.fromkeys(lex.related.get(t, ()) + others))
    for w in group:
        lex.display.setdefault(normal(w).strip(), w)


def add_synonyms(lex: Lexicon, table: dict[str, Any]) -> None:
    """Add a synonym table (``{"version", "equal": [[...]], "related": [[...]]}``)."""
    for group in table.get("equal", []):
        _add_equal(lex, group)
    for group in table.get("related", []):
        _add_related(lex, group)
    lex.source += (f"{table.get('table', 'synonyms')} {table.get('version', '')}".strip(),)


def _parts(name: str) -> list[str]:
    """The searchable parts of a node or item name: itself when short, and its pieces between 与/及/、."""
    bare = re.sub(r"（[^）]*）|\([^)]*\)", "", name)
    pieces = [name, bare, *PART_SPLIT.split(bare)]
    return [p for p in dict.fromkeys(normal(x).strip() for x in pieces) if 2 <= len(p) <= MAX_PART]


def _abbreviations(lex: Lexicon, name: str) -> None:
    for m in BRACKETED.finditer(name):
        run = CJK_RUN_END.search(PART_SPLIT.split(m.group(1))[-1])
        if run and len(run.group(0)) >= 2:
            _add_equal(lex, [run.group(0), m.group(2)])


def _concept(lex: Lexicon, cid: str, label: str, level: str, parent: str | None) -> None:
    lex.concepts[cid] = Concept(cid, label, level, parent)


def add_atlas(lex: Lexicon, atlas: dict[str, Any]) -> None:
    """Add an atlas document's chains, nodes and items as concepts named by their terms."""
    named: dict[str, set[str]] = defaultdict(set)
    for ch in atlas.get("chains", []):
        cid = f"chain:{ch['code']}"
        _concept(lex, cid, ch["name"], "chain", None)
        for key in (ch["code"], ch["name"], *ch.get("aliases", [])):
            lex.chains[normal(key)] = cid
        for key in (ch["name"], *ch.get("aliases", [])):
            if len(key) >= 2:
                named[normal(key)].add(cid)
        for n in ch.get("nodes", []):
            _add_node(lex, ch, n, named)
    spread: dict[str, set[str]] = defaultdict(set)
    for term, ids in named.items():
        for c in ids:
            spread[term].add(
                c.split("#")[0].removeprefix("item:").removeprefix("node:").removeprefix("chain:")
            )
    for term, ids in named.items():
        if len(spread[term]) <= GENERIC_SPREAD:
            lex.term_concepts[lex.term(term)] = tuple(sorted(ids))
    lex.source += (f"{atlas.get('atlas', 'atlas')} {atlas.get('version', '')}".strip(),)


def _add_node(lex: Lexicon, ch: dict[str, Any], n: dict[str, Any], named: dict[str, set[str]]) -> None:
    nid = f"node:{n['code']}"
    _concept(lex, nid, f"{ch['name']} › {n['name']}", "node", f"chain:{ch['code']}")
    for term in [*_parts(n["name"]), *(normal(k) for k in n.get("keywords", []))]:
        named[term].add(nid)
    for i, item in enumerate(n.get("items", [])):
        iid = f"item:{n['code']}#{i}"
        _concept(lex, iid, f"{ch['name']} › {n['name']} › {item['name']}", "item", nid)
        _abbreviations(lex, item["name"])
        for term in _parts(item["name"]):
            if len(term) >= ITEM_PART:
                named[term].add(iid)


def build(atlas: dict[str, Any] | None, synonyms: dict[str, Any] | None) -> Lexicon:
    """A lexicon from an atlas document and a synonym table; either may be left out."""
    lex = Lexicon()
    if synonyms:
        add_synonyms(lex, synonyms)
    if atlas:
        add_atlas(lex, atlas)
    return lex


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def builtin(with_atlas: bool = True) -> Lexicon:
    """The built-in lexicon: the shipped synonym table and, unless left out, the Yangzhou atlas."""
    return build(read_json(ATLAS) if with_atlas else None, read_json(SYNONYMS))
