"""The yardsticks: page-level word precision / recall / F1 (WCXB's metric) and block-level scores.

Word metric (``../shared/data/README.md``): lowercase, tokenize with ``\\w+``, compare the two
token multisets; for Chinese and other languages written without spaces, the same over
characters (``char_tokens``).  P = overlap / predicted tokens, R = overlap / gold tokens.  Both empty scores
1.0; exactly one empty scores 0.0.  Reports average over pages (macro).
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

_WORD = re.compile(r"\w+")


def word_tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def char_tokens(text: str) -> list[str]:
    """Every non-space character, lowercased: the tokens of character F1, reported beside word F1
    for languages written without spaces (a ``\\w+`` token there is a whole clause)."""
    return [c for c in text.lower() if not c.isspace()]


# Languages (ISO 639-1) written without spaces between words: scored by characters too.
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})


def word_prf(predicted: str, gold: str, tokens=word_tokens) -> tuple[float, float, float]:
    """Word precision, recall and F1 of ``predicted`` text against ``gold`` text (``tokens``:
    ``char_tokens`` for character P/R/F1)."""
    return counts_prf(Counter(tokens(predicted)), Counter(tokens(gold)))


def counts_prf(predicted: Counter, gold: Counter) -> tuple[float, float, float]:
    """Word P/R/F1 from two token multisets."""
    n_pred, n_gold = sum(predicted.values()), sum(gold.values())
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    if n_pred == 0 or n_gold == 0:
        return 0.0, 0.0, 0.0
    overlap = sum((predicted & gold).values())
    p, r = overlap / n_pred, overlap / n_gold
    return p, r, (2 * p * r / (p + r) if overlap else 0.0)


def block_prf(y_true: np.ndarray, y_pred: np.ndarray, weight: np.ndarray | None = None) -> tuple[float, float, float]:
    """Precision, recall and F1 of the ``content`` class over blocks (optionally weighted)."""
    y_true = np.asarray(y_true, bool)
    y_pred = np.asarray(y_pred, bool)
    w = np.ones(len(y_true)) if weight is None else np.asarray(weight, np.float64)
    tp = w[y_true & y_pred].sum()
    fp = w[~y_true & y_pred].sum()
    fn = w[y_true & ~y_pred].sum()
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return float(p), float(r), float(2 * p * r / (p + r) if p + r else 0.0)


class PageScorer:
    """Word P/R/F1 of every page for any set of kept blocks, fast enough to scan thresholds.

    Block and gold token counts are sparse matrices over one vocabulary; the kept counts of all
    pages are one sparse product, the overlap an element-wise minimum.
    """

    def __init__(self, block_texts, page: np.ndarray, golds: list[str], tokens=word_tokens):
        import pandas as pd
        from scipy import sparse

        block_tokens = [tokens(t) for t in block_texts]
        gold_tokens = [tokens(g) for g in golds]
        flat = [w for ws in block_tokens for w in ws] + [w for ws in gold_tokens for w in ws]
        codes, vocab = pd.factorize(pd.Series(flat, dtype=object))
        n_vocab = max(len(vocab), 1)
        block_len = np.array([len(ws) for ws in block_tokens], dtype=np.int64)
        gold_len = np.array([len(ws) for ws in gold_tokens], dtype=np.int64)
        n_block_tokens = int(block_len.sum())
        ones = np.ones(len(codes), dtype=np.float64)
        self.blocks = sparse.csr_matrix(
            (ones[:n_block_tokens], (np.repeat(np.arange(len(block_len)), block_len), codes[:n_block_tokens])),
            shape=(len(block_len), n_vocab))
        self.gold = sparse.csr_matrix(
            (ones[n_block_tokens:], (np.repeat(np.arange(len(gold_len)), gold_len), codes[n_block_tokens:])),
            shape=(len(gold_len), n_vocab))
        self.gold_total = gold_len.astype(np.float64)
        self.page = np.asarray(page)
        self.n_pages = len(golds)

    def score(self, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-page word precision, recall, F1 when the blocks in ``keep`` are kept."""
        from scipy import sparse

        keep = np.asarray(keep, dtype=np.float64)
        selector = sparse.csr_matrix((keep, (self.page, np.arange(len(keep)))),
                                     shape=(self.n_pages, len(keep)))
        kept = selector @ self.blocks
        pred_total = np.asarray(kept.sum(axis=1)).ravel()
        overlap = np.asarray(kept.minimum(self.gold).sum(axis=1)).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(pred_total > 0, overlap / pred_total, 0.0)
            r = np.where(self.gold_total > 0, overlap / self.gold_total, 0.0)
            f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
        both_empty = (pred_total == 0) & (self.gold_total == 0)
        p[both_empty] = r[both_empty] = f[both_empty] = 1.0
        return p, r, f
