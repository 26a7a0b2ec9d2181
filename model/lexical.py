"""Lexical evidence: what the words of a block say, learned from the training pages.

Shape and neighbourhood do not tell an embedded privacy policy, a product review of another item
or a comment from the article around it; the words often do ("cookies", "reviewed", "reply").
Word unigrams and bigrams are hashed into a fixed space (no vocabulary to store; any language)
and a linear model gives each block a probability of content.  The tree model sees that
probability and its neighbourhood as features; in training they come out-of-fold, so the trees
learn how far to trust them on pages the linear model never saw.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier

from features.pages import PageIndex

FEATURES = {
    "lex": "probability of content from the block's hashed word 1-2-grams (linear model)",
    "lex_prev1": "lex of the previous block",
    "lex_next1": "lex of the next block",
    "lex_win3": "mean lex of the blocks within 3 before and after (not itself)",
    "lex_page_mean": "word-weighted mean lex over the page",
}
NAMES = tuple(FEATURES)


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(n_features=2 ** 20, ngram_range=(1, 2), alternate_sign=False, norm="l2",
                             lowercase=True, token_pattern=r"(?u)\b\w+\b", dtype=np.float32)


class LexicalModel:
    """Hashed word n-grams -> logistic regression fitted by SGD (a few passes, fixed seed)."""

    def __init__(self, alpha: float = 2e-6, epochs: int = 15, random_state: int = 0):
        self.alpha = alpha
        self.epochs = epochs
        self.random_state = random_state

    def transform(self, texts):
        return _vectorizer().transform(texts)

    def fit(self, matrix, y, weight) -> "LexicalModel":
        self.linear_ = SGDClassifier(loss="log_loss", alpha=self.alpha, max_iter=self.epochs, tol=None,
                                     random_state=self.random_state).fit(matrix, y, sample_weight=weight)
        return self

    def predict(self, matrix) -> np.ndarray:
        return self.linear_.predict_proba(matrix)[:, 1]


def lexical_features(p: np.ndarray, page: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """Columns ``NAMES`` from per-block lexical probabilities ``p``."""
    pages = PageIndex(page)
    weight = np.where(np.isnan(p), 0.0, np.maximum(n_words, 1.0))  # blocks without a value count for nothing
    total = pages.page_sum(weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        page_mean = np.where(total > 0, pages.page_sum(np.nan_to_num(p) * weight) / total, np.nan)
    return np.column_stack([
        p,
        pages.shift(p, -1),
        pages.shift(p, 1),
        pages.window_mean(p, 3, 3, exclude_self=True),
        page_mean,
    ])
