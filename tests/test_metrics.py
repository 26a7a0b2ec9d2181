"""The yardsticks: word precision / recall / F1 and block-level scores (``training.metrics``)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from training.metrics import PageScorer, block_prf, word_prf, word_tokens


def test_tokens_are_lowercase_word_runs():
    assert word_tokens("Hello, WORLD! it's 2026 — naïve_café") == ["hello", "world", "it", "s", "2026", "naïve_café"]


def test_worked_example_with_duplicated_tokens():
    # predicted: the x2, cat x2, sat = 5 tokens; gold: the x2, cat, sat, on, mat = 6 tokens
    # overlap (multiset): the 2 + cat 1 + sat 1 = 4
    p, r, f = word_prf("the cat The CAT sat", "The cat sat on the mat.")
    assert p == pytest.approx(4 / 5)
    assert r == pytest.approx(4 / 6)
    assert f == pytest.approx(2 * (4 / 5) * (4 / 6) / (4 / 5 + 4 / 6))


def test_both_empty_scores_one_and_one_empty_scores_zero():
    assert word_prf("", "") == (1.0, 1.0, 1.0)
    assert word_prf("...  !!", " - ") == (1.0, 1.0, 1.0)  # no \w tokens on either side
    assert word_prf("", "gold text") == (0.0, 0.0, 0.0)
    assert word_prf("predicted text", "") == (0.0, 0.0, 0.0)


def test_no_overlap_scores_zero_and_identical_scores_one():
    assert word_prf("alpha beta", "gamma delta") == (0.0, 0.0, 0.0)
    assert word_prf("Alpha, beta.", "alpha BETA") == (1.0, 1.0, 1.0)


def test_word_order_does_not_matter():
    assert word_prf("b a c", "a b c") == (1.0, 1.0, 1.0)


def _random_pages(rng, n_pages=12):
    vocab = ["the", "cat", "sat", "mat", "on", "a", "dog", "ran", "home", "news", "1", "2026", "é"]
    texts, page, golds = [], [], []
    for p in range(n_pages):
        n_blocks = rng.randint(0, 8)
        for _ in range(n_blocks):
            words = [rng.choice(vocab) for _ in range(rng.randint(0, 6))]
            texts.append(" ".join(words).capitalize() + ("." if words else ""))
            page.append(p)
        golds.append(" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 12))))
    return texts, np.array(page, dtype=np.int64), golds


@pytest.mark.parametrize("seed", range(5))
def test_page_scorer_matches_word_prf_page_by_page(seed):
    rng = random.Random(seed)
    texts, page, golds = _random_pages(rng)
    scorer = PageScorer(texts, page, golds)
    for _ in range(10):
        keep = np.array([rng.random() < 0.5 for _ in texts], dtype=bool)
        p, r, f = scorer.score(keep)
        assert len(p) == len(golds)
        for i, gold in enumerate(golds):
            kept = "\n".join(t for t, pg, k in zip(texts, page, keep) if pg == i and k)
            assert (p[i], r[i], f[i]) == pytest.approx(word_prf(kept, gold)), f"page {i}"


def test_page_scorer_keep_nothing_and_keep_everything():
    texts = ["Alpha beta", "gamma", "Delta"]
    scorer = PageScorer(texts, np.array([0, 0, 1]), ["alpha beta gamma", ""])
    p, r, f = scorer.score(np.array([True, True, True]))
    assert f.tolist() == [1.0, 0.0]  # page 2 kept words against an empty gold
    p, r, f = scorer.score(np.array([False, False, False]))
    assert f.tolist() == [0.0, 1.0]  # nothing kept: empty gold is a perfect score


def test_block_prf_counts_content_blocks():
    y_true = np.array([1, 1, 0, 0, 1], bool)
    y_pred = np.array([1, 0, 1, 0, 1], bool)
    p, r, f = block_prf(y_true, y_pred)
    assert p == pytest.approx(2 / 3)
    assert r == pytest.approx(2 / 3)
    assert f == pytest.approx(2 / 3)


def test_block_prf_weighted_and_degenerate():
    y_true = np.array([1, 1, 0], bool)
    y_pred = np.array([1, 0, 1], bool)
    p, r, f = block_prf(y_true, y_pred, weight=np.array([10.0, 30.0, 10.0]))
    assert p == pytest.approx(0.5)
    assert r == pytest.approx(0.25)
    assert f == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    assert block_prf(np.array([0, 0], bool), np.array([0, 0], bool)) == (0.0, 0.0, 0.0)
