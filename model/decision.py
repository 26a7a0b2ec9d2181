"""Which blocks to keep, given their probabilities of content: the page cut.

The metric users judge us by is the word F1 of each page, averaged over pages.  A single
threshold treats every page alike, yet on a page where the model is sure of its content a
doubtful block costs more precision than it can add recall, while on a page where it is unsure
the same block is worth keeping.  So a block is kept when its probability is at least the
threshold *and* at least its page's cut.

The cut is half the page's best expected word F1.  Take the page's blocks from the most to the
least likely; with probabilities ``p`` and word counts ``w``, keeping the first ``k`` gives an
expected F1 of about ``2 * sum(p*w over the k) / (sum(w over the k) + sum(p*w over the page))``.
The next block raises it exactly when its probability is above half its current value, so the
best selection keeps the blocks above half of the best value (the F1-optimal threshold of a
calibrated model is half its best F1: Lipton, Elkan and Naryanaswamy, "Thresholding Classifiers
to Maximize F1 Score", 2014).  The cut is at most 0.5: a block at 0.5 or above is always kept.
"""

from __future__ import annotations

import numpy as np


def page_cuts(proba: np.ndarray, page: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """Each block's page cut: half the largest expected word F1 of its page's selections.

    ``page`` says which page each block is on; ``n_words`` counts each block's words.  A page
    without expected words has cut 0."""
    proba = np.asarray(proba, np.float64)
    if len(proba) == 0:
        return np.zeros(0)
    if not (np.isfinite(proba).all() and np.isfinite(np.asarray(n_words, np.float64)).all()):
        raise ValueError("page_cuts needs finite probabilities and word counts")
    _, page = np.unique(np.asarray(page), return_inverse=True)  # pages as 0..n_pages-1
    order = np.lexsort((-proba, page))  # page by page, most likely block first
    p, w, on = proba[order], np.maximum(np.asarray(n_words, np.float64)[order], 0.0), page[order]
    starts = np.flatnonzero(np.r_[True, on[1:] != on[:-1]])
    expected = np.cumsum(p * w)  # expected gold words kept, running over all pages
    kept = np.cumsum(w)
    expected_before = np.r_[0.0, expected][starts][on]  # the running sums where each page starts
    kept_before = np.r_[0.0, kept][starts][on]
    page_expected = np.add.reduceat(p * w, starts)[on]  # expected gold words of the page
    denominator = kept - kept_before + page_expected
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(denominator > 0, 2.0 * (expected - expected_before) / denominator, 0.0)
    best = np.maximum.reduceat(f1, starts)  # one per page, in page order
    return best[page] / 2.0


def keep_blocks(proba: np.ndarray, threshold: float, cuts: np.ndarray | None = None) -> np.ndarray:
    """Boolean keep mask: probability at least ``threshold`` and, when given, its page cut."""
    keep = np.asarray(proba) >= threshold
    return keep if cuts is None else keep & (np.asarray(proba) >= cuts)
