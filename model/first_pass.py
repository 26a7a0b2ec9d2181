"""A first look at the whole page: a small tree model's probabilities, seen by the main trees.

Content comes in runs, and a block's own evidence is often weak where its neighbours' is strong
(the last paragraph of an article, a spec row under a product title, one row of a weather widget
among many).  The block features describe the neighbours' *shape*; they do not say what a model
made of those neighbours.  So a small gradient-boosted model is fitted first, on the same
features, and the main trees see its probability for the block, for its neighbours and over the
page (stacking, Wolpert 1992).  In training the first model's probabilities come out-of-fold,
grouped by site as the lexical model's are, so that the main trees learn how far to trust them on
pages it never saw.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from features.pages import PageIndex

from .decision import page_cuts

FEATURES = {
    "first": "probability of content from the first, small tree model",
    "first_prev1": "first of the previous block",
    "first_next1": "first of the next block",
    "first_prev2": "first of the second previous block",
    "first_next2": "first of the second next block",
    "first_win2": "mean first of the blocks within 2 before and after (not itself)",
    "first_win6": "mean first of the blocks within 6 before and after (not itself)",
    "first_page_mean": "word-weighted mean first over the page",
    "first_page_max": "largest first on the page",
    "first_page_content": "share of the page's words in blocks with first >= 0.5",
    "first_content_before": "share of those words in blocks before this one",
    "first_page_cut": "the page cut of the first probabilities (model.decision)",
    "first_over_cut": "first minus its page cut",
}
NAMES = tuple(FEATURES)


def first_model(max_iter: int, random_state) -> HistGradientBoostingClassifier:
    """The first model: fewer, smaller trees than the main one, a larger learning rate."""
    return HistGradientBoostingClassifier(max_iter=max_iter, learning_rate=0.2, max_leaf_nodes=31, min_samples_leaf=40,
                                          l2_regularization=1.0, early_stopping=False, random_state=random_state)


def first_pass_features(p: np.ndarray, page: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """Columns ``NAMES`` from per-block first-model probabilities ``p`` (NaN: no probability)."""
    if np.isnan(p).any():  # a single-page fit has no out-of-fold probabilities: nothing to learn from
        return np.full((len(p), len(NAMES)), np.nan)
    pages = PageIndex(page)
    words = np.maximum(n_words, 1.0)
    total = pages.page_sum(words)
    content = np.where(p >= 0.5, words, 0.0)
    page_content = pages.page_sum(content)
    cut = page_cuts(p, page, n_words)
    return np.column_stack([
        p,
        pages.shift(p, -1),
        pages.shift(p, 1),
        pages.shift(p, -2),
        pages.shift(p, 2),
        pages.window_mean(p, 2, 2, exclude_self=True),
        pages.window_mean(p, 6, 6, exclude_self=True),
        pages.page_sum(p * words) / total,
        pages.page_max(p),
        page_content / total,
        pages.cumsum_before(content) / np.maximum(page_content, 1.0),
        cut,
        p - cut,
    ])
