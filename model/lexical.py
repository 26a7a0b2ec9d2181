"""Lexical evidence: what the words of a block say, learned from the training pages.

Shape and neighbourhood do not tell an embedded privacy policy, a product review of another item
or a comment from the article around it; the words often do ("cookies", "reviewed", "reply").
Word unigrams and bigrams (``features.tokens`` units: characters in Chinese or Japanese) are
hashed into a fixed space (no vocabulary to store; any language) and a linear model gives each
block a probability of content.  The tree model sees that probability and its neighbourhood as
features; in training they come out-of-fold, so the trees learn how far to trust them on pages
the linear model never saw.

Text in a language the linear model never saw gets its intercept: a low probability, as if it
were boilerplate.  So the trees also see how much of a block's n-grams the model knows
(``lex_known``), and in training a share of each language's sites is scored by a model fitted
without that language (``BoilerplateClassifier.unseen_language_share``): they learn to read the
page's structure where the words are new.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import SGDClassifier
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from features.pages import PageIndex
from features.tokens import UNIT_PATTERN

FEATURES = {
    "lex": "probability of content from the block's hashed word 1-2-grams (linear model)",
    "lex_prev1": "lex of the previous block",
    "lex_next1": "lex of the next block",
    "lex_win3": "mean lex of the blocks within 3 before and after (not itself)",
    "lex_page_mean": "word-weighted mean lex over the page",
    "lex_known": "share of the block's word 1-2-grams the word model saw in training (NaN: no words)",
    "lex_known_page": "word-weighted mean lex_known over the page",
}
NAMES = tuple(FEATURES)


N_HASHED = 2 ** 20
MIN_SEEN = 2  # training blocks an n-gram must occur in to count as known
_CHUNK = 20_000  # texts per pass: bounds the memory of the token lists
_WORD_OR_END = re.compile(UNIT_PATTERN + "|\x00")  # \x00 separates the blocks of a batch


def hash_ngrams(texts) -> sp.csr_matrix:
    """Rows of l2-normalised counts of each text's lowercased word 1- and 2-grams, hashed into
    ``N_HASHED`` columns: bit for bit the float32 matrix of scikit-learn's ``HashingVectorizer(
    n_features=2**20, ngram_range=(1, 2), alternate_sign=False, token_pattern=features.tokens.UNIT_PATTERN,
    dtype=np.float32)``, for a sequence of str.  Words are ``features.tokens`` units: in Chinese
    or Japanese text the 1- and 2-grams are of characters.

    Computed a chunk of texts at a time: one tokenising pass over the joined texts, and each
    distinct token and bigram hashed once (a batch repeats most of them), where scikit-learn
    builds and hashes every n-gram string of every text; the compiled core (``model._hashing``)
    tokenises and hashes each text in C and gives the same matrix.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError("texts must be a sequence of str, not one str")
    texts = list(texts)
    if not texts:
        return sp.csr_matrix((0, N_HASHED), dtype=np.float32)
    chunks = [_hash_chunk(texts[i:i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
    return chunks[0] if len(chunks) == 1 else sp.vstack(chunks, format="csr")


def _hash_chunk(texts: list[str]) -> sp.csr_matrix:
    if _compiled is not None:
        try:
            data, indices, indptr = _compiled.count_rows(texts, N_HASHED)
        except OverflowError:  # more n-grams than 32-bit indices hold: scipy's own way
            pass
        else:
            matrix = sp.csr_matrix((data, indices, indptr), shape=(len(texts), N_HASHED))
            inplace_csr_row_normalize_l2(matrix)  # what normalize() runs, after checks that cost more on a page
            return matrix
    return _python_hash_chunk(texts)


def _python_hash_chunk(texts: list[str]) -> sp.csr_matrix:
    """The reference of ``_hash_chunk``: regular-expression tokens, pandas to find the distinct ones."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:  # a text holding \x00: it separates words there
        joined = "\x00".join(t.replace("\x00", " ") for t in texts)
    tokens = _WORD_OR_END.findall(joined.lower())
    codes, unique = pd.factorize(np.array(tokens, dtype=object))
    del tokens
    unique = list(unique)
    is_end = codes == (unique.index("\x00") if "\x00" in unique else -1)
    row = np.cumsum(is_end)[~is_end]
    codes = codes[~is_end]
    # Bigrams: consecutive tokens of the same text, each distinct pair hashed once.
    same = row[1:] == row[:-1]
    pair_codes, pairs = pd.factorize(codes[:-1][same].astype(np.int64) * len(unique) + codes[1:][same])
    first, second = np.divmod(np.asarray(pairs, np.int64), max(len(unique), 1))
    token_column = _columns([murmurhash3_32(u, seed=0) for u in unique])
    pair_column = _columns([murmurhash3_32(unique[a] + " " + unique[b], seed=0)
                            for a, b in zip(first.tolist(), second.tolist())])
    rows = np.concatenate([row, row[:-1][same]])
    columns = np.concatenate([token_column[codes], pair_column[pair_codes]])
    # Building the matrix sums the repeats of an n-gram in a text into its count.
    matrix = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, columns)), shape=(len(texts), N_HASHED))
    return normalize(matrix, copy=False)


def _setup_compiled():
    """The compiled hashing (``model._hashing``), given the word-character tables, or None."""
    from features import compiled
    from features.text_shape import IS_WORD
    from features.tokens import UNSPACED

    module = compiled.extension("model._hashing")
    if module is not None:
        module.setup(IS_WORD.view(np.uint8), UNSPACED.view(np.uint8))
    return module


_compiled = _setup_compiled()  # None: _python_hash_chunk hashes


def _columns(hashes: list[int]) -> np.ndarray:
    """Column of each signed 32-bit hash: its absolute value modulo ``N_HASHED``, as scikit-learn's
    hasher computes it (including for -2**31, whose absolute value does not fit)."""
    h = np.asarray(hashes, np.int64).reshape(-1)
    return np.where(h == -2 ** 31, (2 ** 31 - 1 - (N_HASHED - 1)) % N_HASHED, np.abs(h) % N_HASHED)


class LexicalModel:
    """Hashed word n-grams -> logistic regression fitted by SGD (a few passes, fixed seed)."""

    def __init__(self, alpha: float = 2e-6, epochs: int = 15, random_state: int = 0):
        self.alpha = alpha
        self.epochs = epochs
        self.random_state = random_state

    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items() if key != "_seen"}

    def transform(self, texts):
        return hash_ngrams(texts)

    def fit(self, matrix, y, weight) -> "LexicalModel":
        self.linear_ = SGDClassifier(loss="log_loss", alpha=self.alpha, max_iter=self.epochs, tol=None,
                                     random_state=self.random_state).fit(matrix, y, sample_weight=weight)
        self.seen_ = np.packbits(np.bincount(matrix.indices, minlength=N_HASHED) >= MIN_SEEN)
        return self

    def predict(self, matrix) -> np.ndarray:
        """Probability of content of each row of a ``hash_ngrams`` matrix."""
        if _compiled is None:
            return self.linear_.predict_proba(matrix)[:, 1]
        # What scikit-learn's predict_proba computes for a binary log-loss model, without the
        # checks of its input that cost a call of one page as much as the product itself.
        linear = self.linear_
        if not sp.isspmatrix_csr(matrix) or matrix.shape[1] != linear.coef_.shape[1] or len(linear.classes_) != 2:
            return linear.predict_proba(matrix)[:, 1]
        scores = safe_sparse_dot(matrix, linear.coef_.T, dense_output=True) + linear.intercept_
        return expit(scores.reshape(-1))

    def known(self, matrix) -> np.ndarray:
        """Share of each row's distinct word 1-2-grams that at least ``MIN_SEEN`` training blocks
        held (NaN for a row without words): low for text in a language the model never saw."""
        seen = self.__dict__.get("_seen")
        if seen is None:  # unpacked once per loaded model, not saved with it (__getstate__)
            seen = self._seen = np.unpackbits(self.seen_, count=N_HASHED).view(bool)
        hits = np.concatenate(([0], np.cumsum(seen[matrix.indices])))
        indptr = matrix.indptr
        n = np.diff(indptr)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, (hits[indptr[1:]] - hits[indptr[:-1]]) / n, np.nan)


def _page_mean(pages: PageIndex, values: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """Word-weighted mean of ``values`` over each block's page (blocks without a value count for nothing)."""
    weight = np.where(np.isnan(values), 0.0, np.maximum(n_words, 1.0))
    total = pages.page_sum(weight)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, pages.page_sum(np.nan_to_num(values) * weight) / total, np.nan)


def lexical_features(p: np.ndarray, known: np.ndarray, page: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """Columns ``NAMES`` from per-block lexical probabilities ``p`` and known shares ``known``
    (``LexicalModel.known``)."""
    pages = PageIndex(page)
    return np.column_stack([
        p,
        pages.shift(p, -1),
        pages.shift(p, 1),
        pages.window_mean(p, 3, 3, exclude_self=True),
        _page_mean(pages, p, n_words),
        known,
        _page_mean(pages, known, n_words),
    ])
