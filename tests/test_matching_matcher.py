"""The pure matcher: lexicon (synonyms, atlas terms, abbreviations in brackets), analysis, BM25, the
score's decomposition into reasons, the ranking measures, and the quality floor on the labelled sets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from kechuang.matching import evaluate, lexicon
from kechuang.matching.index import Bm25, pair_products, scaled_sum, wide_indices
from kechuang.matching.matcher import Doc, Matcher, suggest_nodes
from kechuang.matching.text import Analyzer, bigrams

DATA = Path(__file__).parent / "data" / "matching"
LEX = lexicon.builtin()
ANALYZER = Analyzer(LEX)

CAPS = [
    Doc(
        "pem",
        "扬州大学燃料电池团队\n研究全氟磺酸质子交换膜的增强与耐久性，膜寿命超过10000小时。",
        results=("一种增强型质子膜的制备方法",),
    ),
    Doc("sic", "半导体研究所\n从事碳化硅功率器件外延与封装可靠性研究，掌握银烧结工艺。"),
    Doc("tool", "刀具公司\n硬质合金刀具涂层与切削参数优化，服务航空零件加工。"),
    Doc("food", "食品学院\n研究益生菌发酵与果蔬保鲜，开发低糖饮料。"),
]


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("PEM", "质子交换膜"),
        ("pem", "质子交换膜"),
        ("质子膜", "质子交换膜"),
        ("SiC", "碳化硅"),
        ("ＳｉＣ", "碳化硅"),
        ("VAR", "真空自耗电弧熔炼"),
    ],
)
def test_synonyms_and_abbreviations_are_one_term(word: str, term: str) -> None:
    assert LEX.term(lexicon.normal(word)) == term


def test_related_words_expand_both_ways() -> None:
    assert "热扩散" in LEX.related["热失控"] and "热失控" in LEX.related["热扩散"]


def test_atlas_terms_name_concepts_with_their_path() -> None:
    concepts = LEX.term_concepts["质子交换膜"]
    labels = [LEX.concepts[c].label for c in concepts]
    assert any(label.startswith("氢能 › ") for label in labels)
    node = next(c for c in concepts if c.startswith(("node:", "item:")))
    assert LEX.ancestors(node)[-1] == "chain:hydrogen"
    assert LEX.chain_concept("氢能") == LEX.chain_concept("hydrogen") == "chain:hydrogen"


def test_analyzer_keeps_lexicon_words_whole_and_drops_function_words() -> None:
    terms = ANALYZER.terms("我们厂的PEM燃料电池电堆老是出现热失控，希望找团队合作。")
    assert "质子交换膜" in terms and "燃料电池" in terms and "热失控" in terms
    assert not {"我们", "的", "希望", "团队", "合作", "，"} & set(terms)
    assert ANALYZER.terms("质子交换膜燃料电池").count("燃料电池") >= 1


def test_bigrams_stay_inside_chinese_runs() -> None:
    assert bigrams("碳化硅SiC外延") == ["碳化", "化硅", "外延"]


def test_bm25_share_is_within_unit_interval_and_prefers_the_rarer_term() -> None:
    index = Bm25([["膜", "寿命"], ["寿命", "刀具"], ["寿命"]])
    q = index.queries([{"膜": 1.0, "寿命": 1.0}])
    scores = index.scores(q).toarray()[0]
    share = scores / index.ceiling(q)[0]
    assert scores[0] > scores[1] > 0 and all(0 <= s <= 1 for s in share)


def test_dense_block_scores_are_the_sparse_products_to_the_bit() -> None:
    """The rankings rest on it: ``scaled_sum`` sums as scipy's sparse product does (in the order the
    query stores its terms, sorted or not), and ``pair_products`` finds the terms a pair shares."""
    rng = np.random.default_rng(1)
    by_term = sp.random(40, 300, density=0.2, format="csr", dtype=np.float32, random_state=rng)
    q = sp.random(12, 40, density=0.3, format="csr", dtype=np.float32, random_state=rng)
    shuffled = sp.csr_matrix(sp.diags(np.ones(12, dtype=np.float32)) @ q)  # rows in scipy's own order
    scale = rng.random(12).astype(np.float32)
    expected = (sp.diags(scale) @ (q @ by_term)).toarray() + (shuffled @ by_term).toarray()
    wide_indices(by_term)
    got = scaled_sum([(q, by_term, scale), (shuffled, by_term, np.ones(12, dtype=np.float32))])
    assert np.array_equal(got, expected)
    rows, docs = rng.integers(0, 12, 50), rng.integers(0, 300, 50)
    by_doc = by_term.T.tocsr()
    for (terms, products), r, d in zip(pair_products(q, by_term, rows, docs), rows, docs, strict=True):
        shared = np.intersect1d(q[r].indices, by_doc[d].indices)
        assert np.array_equal(terms, shared)
        assert np.array_equal(products, q[r, shared].toarray().ravel() * by_doc[d, shared].toarray().ravel())


def test_reasons_sum_to_the_score_and_name_the_synonym() -> None:
    m = Matcher(CAPS, lexicon=LEX)
    [ranking] = m.search([Doc("d", "燃料电池用PEM寿命不够，想提升质子膜耐久性到8000小时")], top=3)
    best = ranking.matches[0]
    assert best.id == "pem"
    assert math.isclose(sum(r.weight for r in best.reasons), best.score, abs_tol=0.002)
    texts = " ".join(r.text for r in best.reasons)
    assert (
        "PEM = 质子交换膜（同义）" in texts or "质子膜 = 质子交换膜（同义）" in texts or "质子交换膜" in texts
    )
    assert {r.kind for r in best.reasons} >= {"term", "atlas"}
    scores = [x.score for x in ranking.matches]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)


def test_result_reason_quotes_the_capability_result() -> None:
    m = Matcher(CAPS, lexicon=LEX)
    [ranking] = m.search([Doc("d", "需要增强型质子膜的制备方法")], top=1)
    assert any(
        r.kind == "result" and "一种增强型质子膜的制备方法" in r.text for r in ranking.matches[0].reasons
    )


def test_no_shared_evidence_no_match() -> None:
    m = Matcher(CAPS, lexicon=LEX)
    [ranking] = m.search([Doc("d", "区块链数字藏品营销方案")], top=10)
    assert all(x.reasons for x in ranking.matches)
    assert "food" not in [x.id for x in ranking.matches]


def test_search_is_symmetric_capability_to_demands() -> None:
    demands = [Doc("d1", "碳化硅模块高温下封装开裂"), Doc("d2", "果汁保鲜期短")]
    m = Matcher(demands, lexicon=LEX)
    [ranking] = m.search([CAPS[1]], top=2)
    assert ranking.matches[0].id == "d1"


def test_suggested_nodes_for_a_demand() -> None:
    suggestions = suggest_nodes(ANALYZER, "氢燃料电池电堆的质子交换膜寿命不足")
    assert suggestions and suggestions[0].chain == "hydrogen"
    assert suggest_nodes(ANALYZER, "氢燃料电池电堆的质子交换膜寿命不足", chain="aviation") == []


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("质子交换膜碳化硅刀具寿命发酵，。PEMSiC 12")), max_size=60))
def test_any_text_gives_valid_scores(text: str) -> None:
    m = Matcher(CAPS, lexicon=LEX)
    [ranking] = m.search([Doc("q", text)], top=4)
    for match in ranking.matches:
        assert 0 < match.score <= 1 and match.reasons
        assert math.isclose(sum(r.weight for r in match.reasons), match.score, abs_tol=0.002)


@pytest.mark.parametrize(
    ("ranked", "labels", "ndcg", "recall", "rr"),
    [
        (["a", "b"], {"a": 3, "b": 2}, 1.0, 1.0, 1.0),
        (["b", "a"], {"a": 3, "b": 2}, (3 + 7 / math.log2(3)) / (7 + 3 / math.log2(3)), 1.0, 1.0),
        (["x", "a"], {"a": 2}, (3 / math.log2(3)) / 3, 1.0, 0.5),
        (["x"], {"a": 3, "b": 1}, 0.0, 0.0, 0.0),
        (["b"], {"a": 3, "b": 1}, 1 / (7 + 1 / math.log2(3)), 0.0, 0.0),
    ],
)
def test_measures(ranked: list[str], labels: dict[str, int], ndcg: float, recall: float, rr: float) -> None:
    assert math.isclose(evaluate.ndcg(ranked, labels), ndcg)
    assert math.isclose(evaluate.recall(ranked, labels), recall)
    assert math.isclose(evaluate.reciprocal_rank(ranked, labels), rr)


@pytest.mark.parametrize("folder", sorted(p.name for p in DATA.iterdir() if p.is_dir()))
def test_labelled_sets_are_well_formed(folder: str) -> None:
    path = DATA / folder
    demands = evaluate.read_demands((path / "demands.jsonl").read_text(encoding="utf-8"), "demands.jsonl")
    caps = evaluate.read_capabilities(
        (path / "capabilities.jsonl").read_text(encoding="utf-8"), "capabilities.jsonl"
    )
    qrels = evaluate.read_qrels(path / "qrels.tsv")
    ids = {c.id for c in caps}
    assert len(demands) >= 20 and len(caps) >= 75
    for d in demands:
        assert any(g == 3 for g in qrels[d.id].values()), d.id
        assert set(qrels[d.id]) <= ids


def test_full_matcher_beats_plain_bm25_on_the_tuning_sets() -> None:
    """A floor, not the report (docs/matching.md has the figures, held-out sets included)."""
    gain = 0.0
    for folder in sorted(DATA.glob("tune*")):
        bm25 = evaluate.evaluate(folder, "bm25")
        full = evaluate.evaluate(folder, "full")
        assert full.ndcg10 >= bm25.ndcg10 - 0.01 and full.recall10 >= bm25.recall10, folder.name
        gain += full.ndcg10 - bm25.ndcg10
    assert gain >= 0.05
