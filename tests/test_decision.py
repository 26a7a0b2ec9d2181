"""The page cut (model.decision): half the page's best expected word F1."""

from __future__ import annotations

import numpy as np
import pytest

from model.decision import keep_blocks, page_cuts


def expected_f1(p, w, keep):
    """2 * expected kept gold words / (kept words + expected gold words), as the module defines it."""
    total = (p * w).sum()
    return 2 * (p * w)[keep].sum() / (w[keep].sum() + total) if w[keep].sum() + total else 0.0


def test_the_same_doubtful_block_is_kept_on_an_unsure_page_and_dropped_on_a_sure_one():
    unsure = [0.9, 0.4, 0.1]  # best: keep 0.9 and 0.4, expected F1 2 * 13 / (20 + 14)
    sure = [0.95] * 5 + [0.4]  # best: keep the five, expected F1 2 * 95 / (100 + 99)
    proba = np.array(unsure + sure)
    words = np.array([10.0] * 3 + [20.0] * 5 + [10.0])
    page = np.array([0] * 3 + [1] * 6)
    cuts = page_cuts(proba, page, words)
    assert cuts[:3] == pytest.approx([13 / 34] * 3)
    assert cuts[3:] == pytest.approx([95 / 199] * 6)
    keep = keep_blocks(proba, 0.35, cuts)
    assert keep.tolist() == [True, True, False] + [True] * 5 + [False]
    assert keep_blocks(proba, 0.35).tolist() == [True, True, False] + [True] * 6  # no cut: the threshold alone


def test_the_cut_keeps_the_selection_with_the_best_expected_f1():
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(1, 9))
        p, w = rng.random(n) ** rng.choice([0.5, 1, 3]), rng.integers(0, 40, n).astype(float)
        keep = keep_blocks(p, 0.0, page_cuts(p, np.zeros(n, int), w))
        best = max(expected_f1(p, w, np.array([(m >> i) & 1 for i in range(n)], bool)) for m in range(2 ** n))
        assert expected_f1(p, w, keep) == pytest.approx(best)


def test_cuts_are_at_most_one_half_and_do_not_depend_on_the_other_pages():
    rng = np.random.default_rng(1)
    sizes = rng.integers(1, 30, 40)
    page = np.repeat(np.arange(len(sizes)), sizes)
    proba, words = rng.random(len(page)), rng.integers(0, 50, len(page)).astype(float)
    cuts = page_cuts(proba, page, words)
    assert (cuts <= 0.5).all() and (cuts >= 0).all()
    assert keep_blocks(proba, 0.0, cuts)[proba >= 0.5].all()
    for i in (0, 17, 39):
        alone = page == i
        np.testing.assert_allclose(page_cuts(proba[alone], page[alone], words[alone]), cuts[alone])


def test_pages_without_expected_words_have_cut_zero_and_no_blocks_no_cuts():
    assert page_cuts(np.array([0.0, 0.0]), np.array([3, 3]), np.array([5.0, 2.0])).tolist() == [0.0, 0.0]
    assert page_cuts(np.array([0.7]), np.array([0]), np.array([0.0])).tolist() == [0.0]
    assert len(page_cuts(np.zeros(0), np.zeros(0, int), np.zeros(0))) == 0


def test_a_page_is_its_label_not_its_position():
    rng = np.random.default_rng(2)
    page = rng.integers(0, 5, 60)  # blocks of five pages, interleaved
    proba, words = rng.random(60), rng.integers(1, 30, 60).astype(float)
    cuts = page_cuts(proba, page, words)
    for i in range(5):
        np.testing.assert_allclose(cuts[page == i], page_cuts(proba[page == i], np.zeros((page == i).sum()),
                                                              words[page == i]))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_probability_is_refused_not_spread_to_later_pages(bad):
    with pytest.raises(ValueError, match="finite"):
        page_cuts(np.array([0.9, bad, 0.8]), np.array([0, 0, 1]), np.array([5.0, 5.0, 5.0]))
