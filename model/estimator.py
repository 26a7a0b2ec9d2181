"""The boilerplate classifier: a scikit-learn estimator over blocks, plus ``clean`` / ``classify``.

``X`` is a block table (``features.parse_document``), possibly of many pages stacked with a
``page`` column; ``prepare_blocks`` adds the feature columns to it once, so that training and
cross-validation do not recompute them.  ``y`` holds ``"content"`` / ``"boilerplate"`` (or 1 / 0,
or booleans) per block.

Blocks are weighted by their word count (capped at ``weight_cap``) when fitting, because the
metric users judge us by counts words, not blocks; and a page's blocks together by at most
``page_weight_cap``, because it averages pages.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable, Mapping, Set as AbstractSet

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from features import FEATURE_NAMES, compute_features, feature_matrix
from features.blocks import block_arrays, column, parse_columns
from features.decode import Limits, check_kind, check_limits
from features.pages import PageIndex

from .decision import keep_blocks, page_cuts
from .first_pass import NAMES as FIRST_PASS_NAMES, first_model, first_pass_features
from .lexical import NAMES as LEXICAL_NAMES, LexicalModel, lexical_features
from .trees import raw_predict

CONTENT, BOILERPLATE = "content", "boilerplate"
LABELS = (BOILERPLATE, CONTENT)  # classes_, in predict_proba column order
_CROSS_LINK_COLUMN = FEATURE_NAMES.index("cross_link_cue")  # in the model matrix, which starts with FEATURE_NAMES
_WORDS_COLUMN = FEATURE_NAMES.index("n_words_log")


def to_bool_labels(y) -> np.ndarray:
    """Accept content/boilerplate strings, 1/0 or booleans; return a boolean content mask."""
    y = np.asarray(y)
    if y.dtype.kind in "biuf":
        values = set(np.unique(y).tolist())
        if not values <= {0, 1}:
            raise ValueError(f"numeric labels must be 0 (boilerplate) or 1 (content), got {sorted(values)[:5]}")
        return y.astype(bool)
    bad = set(np.unique(y.astype(str)).tolist()) - set(LABELS)
    if bad:
        raise ValueError(f"labels must be 'content' or 'boilerplate', got {sorted(bad)[:5]}")
    return y.astype(str) == CONTENT


def _fit_matrix(matrix: np.ndarray) -> np.ndarray:
    """A column with no value at all (markup features when training on plain text only) can
    carry no split; scikit-learn's binning fails on it, so give it a constant."""
    empty = np.isnan(matrix).all(axis=0)
    if empty.any():
        matrix = matrix.copy()
        matrix[:, empty] = 0.0
    return matrix


def _proba(trees: HistGradientBoostingClassifier, matrix: np.ndarray, n_jobs=None) -> np.ndarray:
    """Probability of content (class 1) from a fitted tree model, on ``n_jobs`` threads (None:
    one; ``model.trees``, compiled or scikit-learn's own; model files pin the sklearn version).

    The trees read the matrix column by column (each tree visits every row, each node reads one
    feature), so a column-major matrix makes prediction about five times faster than row-major;
    ``model_matrix`` builds one, and any other is copied to one here."""
    raw = raw_predict(trees, np.asfortranarray(matrix), n_jobs)
    return trees._loss.predict_proba(raw)[:, 1]


def block_weights(features: pd.DataFrame, cap: float, page_cap: float | None = None) -> np.ndarray:
    """Training weight of each block: its word count, at least 1 and at most ``cap``; with
    ``page_cap``, a page whose weights add up to more is scaled down to add up to ``page_cap``
    (pages are ``features``' index).  ``fit`` multiplies a user's ``sample_weight`` in after
    this, so a page the user weighs up can weigh more than ``page_cap``."""
    weight = np.clip(np.expm1(features["n_words_log"].to_numpy()), 1.0, cap)
    if page_cap is not None:
        weight = weight * np.minimum(1.0, page_cap / PageIndex(features.index.to_numpy()).page_sum(weight))
    return weight


def prepare_blocks(blocks: pd.DataFrame) -> pd.DataFrame:
    """The features of ``blocks`` with the ``text`` and ``page`` columns the model also reads.

    Passing this instead of the block table to ``fit`` / ``predict_proba`` skips recomputing
    the features (which depend on nothing learned)."""
    features = compute_features(blocks)
    return features.assign(text=blocks["text"].to_numpy(object), page=features.index.to_numpy())


class BoilerplateClassifier(ClassifierMixin, BaseEstimator):
    """Labels blocks of web pages as content or boilerplate.

    Gradient-boosted trees over the block features (``features``), with ``lexical`` over the
    out-of-fold probability of a linear model of the block's hashed word n-grams
    (``model.lexical``) and its neighbourhood, and with ``first_pass`` over the out-of-fold
    probabilities of a first, smaller tree model for the block, its neighbours and its page
    (``model.first_pass``).

    Parameters
    ----------
    threshold : probability of content at or above which a block is kept.
    page_cut : keep a block only if its probability is also at least its page's cut, half the
        page's best expected word F1 (``model.decision``): on pages where the model is sure of
        the content, doubtful blocks go.  The cut is at most 0.5, so it changes nothing for a
        threshold of 0.5 or more.  A threshold chosen with the cut is too low without it:
        choose it again when turning the cut off.
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization :
        passed to scikit-learn's ``HistGradientBoostingClassifier``.
    weight_cap : cap on a block's training weight (its word count).
    page_weight_cap : cap on a page's training weight (the sum of its blocks'), None for none.
        The metric averages pages, so a 10,000-word page should not teach the trees five times
        as much as a 2,000-word one; its blocks' weights are scaled down together.
    lexical : add the word n-gram model's probability as features.
    lexical_folds : folds for its out-of-fold probabilities in training (and the first pass's).
    first_pass : trees of the first model (0: no first pass).
    drop_cross_links : give probability 0 to a block of at most 40 words that opens with a cue to
        another page and its title ("Read more: …", feature ``cross_link_cue``).  Such links are
        boilerplate by this project's definition, even inside an article; the WCXB gold keeps some
        of them as content, so the trees alone keep many.  False leaves them to the trees.
    unseen_language_share : share of each language's sites whose word-model probabilities in
        training come from a word model fitted without that language (when ``fit`` is given the
        blocks' ``languages``).  The word model gives text it has never seen a low probability,
        as if it were boilerplate; with these rows and ``lex_known`` (the share of a block's
        n-grams the word model saw) the trees learn to rely on the page's structure where the
        words are new to it, as on pages of a language the training data did not hold.
    random_state : seed of the models.
    n_jobs : threads one call may use for the trees (None: one; -1: every core).  The compiled
        predictor shares the rows out, so that a call costs no more CPU in total than on one
        thread (``model.trees``); to clean many pages on many cores, use processes
        (``clean-corpus --jobs``), which share nothing.
    """

    def __init__(self, threshold=0.5, page_cut=True, max_iter=300, learning_rate=0.1, max_leaf_nodes=63,
                 min_samples_leaf=40, l2_regularization=1.0, weight_cap=100.0, page_weight_cap=2000.0,
                 lexical=True, lexical_folds=3, first_pass=40, drop_cross_links=True, unseen_language_share=0.25,
                 random_state=0, n_jobs=None):
        self.threshold = threshold
        self.page_cut = page_cut
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.weight_cap = weight_cap
        self.page_weight_cap = page_weight_cap
        self.lexical = lexical
        self.lexical_folds = lexical_folds
        self.first_pass = first_pass
        self.drop_cross_links = drop_cross_links
        self.unseen_language_share = unseen_language_share
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __setstate__(self, state):
        # A model saved before the first pass existed has none: it loads and predicts as it did.
        state.setdefault("first_pass", 0)
        state.setdefault("page_weight_cap", None)  # and one saved before the page weight cap
        state.setdefault("unseen_language_share", 0.0)
        state.setdefault("n_jobs", None)  # and one saved before n_jobs
        if "trees_" in state:
            state.setdefault("first_", None)
        super().__setstate__(state)

    # -- scikit-learn API -------------------------------------------------------------------

    def fit(self, X, y, sample_weight=None, groups=None, languages=None):
        """Fit on blocks ``X`` (block table, or ``prepare_blocks`` of one) with labels ``y``.

        ``groups`` (one value per block: pass the site) keeps a group's blocks in one fold of
        the out-of-fold lexical probabilities, so that a site's template words do not teach the
        trees to trust them; by default (or with fewer sites than folds) blocks are grouped by page.
        ``languages`` (one per block, e.g. ISO 639-1 codes; ``training.pages.PageSet.languages``)
        lets the word model's probabilities of ``unseen_language_share`` of each language's sites
        come from a word model that never saw the language (see the class docstring).
        """
        features, texts = self._prepare(X)
        y = to_bool_labels(y)
        if len(y) != len(features):
            raise ValueError(f"X has {len(features)} blocks but y has {len(y)} labels")
        if len(np.unique(y)) < 2:
            raise ValueError("training needs both content and boilerplate blocks")
        if isinstance(self.first_pass, bool) or not isinstance(self.first_pass, numbers.Integral) or self.first_pass < 0:
            raise ValueError(f"first_pass is the number of trees of the first model (0: none), not {self.first_pass!r}")
        cap = self.page_weight_cap
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, numbers.Real) or not 0 < cap < np.inf):
            raise ValueError(f"page_weight_cap is a page's largest training weight, a positive number "
                             f"(None: no cap), not {cap!r}")
        weight = block_weights(features, self.weight_cap, self.page_weight_cap)
        if sample_weight is not None:
            weight = weight * np.asarray(sample_weight, dtype=np.float64)
        matrix = features.to_numpy()
        self.lexical_ = self.first_ = None
        folds = self._site_folds(features.index.to_numpy(), groups) if self.lexical or self.first_pass else []
        if self.lexical:
            lexical = LexicalModel(random_state=self.random_state)
            hashed = lexical.transform(texts)

            def fit_lexical(train, held):  # its probabilities, and the share of each block's n-grams it knows
                model = LexicalModel(random_state=self.random_state).fit(hashed[train], y[train], weight[train])
                return np.column_stack([model.predict(hashed[held]), model.known(hashed[held])])

            lexical_folds = folds + self._unseen_language_folds(languages, groups, features.index.to_numpy())
            oof, known = np.ascontiguousarray(_out_of_fold(lexical_folds, y, fit_lexical, columns=2).T)
            self.lexical_ = lexical.fit(hashed, y, weight)
            matrix = _with_lexical(features.to_numpy(), features.index.to_numpy(), oof, known)
        if self.first_pass:
            def fit_first(rows):
                return first_model(self.first_pass, self.random_state).fit(
                    _fit_matrix(matrix[rows]), y[rows], sample_weight=weight[rows])

            oof = _out_of_fold(folds, y, lambda train, held: _proba(fit_first(train), matrix[held]))
            self.first_ = fit_first(slice(None))
            matrix = _with_first_pass(matrix, oof, features.index.to_numpy())
        self.trees_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf, l2_regularization=self.l2_regularization,
            early_stopping=False, random_state=self.random_state,
        ).fit(_fit_matrix(matrix), y, sample_weight=weight)
        self.classes_ = np.array(LABELS)
        self.feature_names_in_ = np.array(self.model_features(), dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        return self

    def _unseen_language_folds(self, languages, groups, page) -> list:
        """Extra (train, held) folds for the word model: for ``unseen_language_share`` of each
        language's sites (pages without ``groups``), a word model that never saw the language, so
        that the trees learn what its probabilities are worth on text of an unknown language."""
        if languages is None or not self.unseen_language_share:
            return []
        languages = np.asarray(languages, dtype=object)
        sites = np.asarray(groups if groups is not None else page, dtype=object)
        codes, unique_sites = pd.factorize(sites)
        chosen = np.random.default_rng(self.random_state).random(len(unique_sites)) < self.unseen_language_share
        folds = []
        for language in pd.unique(languages):
            if language in ("none", "unknown"):  # pages without words, or without a language to tell
                continue
            own = languages == language
            held = np.flatnonzero(own & chosen[codes])
            if len(held) and (~own).any():
                folds.append((np.flatnonzero(~own), held))
        return folds

    def model_features(self) -> list[str]:
        """Names of the columns the tree model sees."""
        return (list(FEATURE_NAMES) + (list(LEXICAL_NAMES) if self.lexical else [])
                + (list(FIRST_PASS_NAMES) if self.first_pass else []))

    def predict_proba(self, X) -> np.ndarray:
        """Array (n_blocks, 2): probability of boilerplate, probability of content."""
        matrix = self.model_matrix(X)
        if len(matrix) == 0:
            return np.zeros((0, 2))
        p = self.proba_from_matrix(matrix)
        return np.column_stack([1.0 - p, p])

    def model_matrix(self, X) -> np.ndarray:
        """The matrix the tree model sees for blocks ``X``: columns ``model_features()``."""
        check_is_fitted(self, "trees_")
        features, texts = self._prepare(X)
        return self._model_matrix(features.to_numpy(), features.index.to_numpy(), texts)

    def _model_matrix(self, matrix: np.ndarray, page: np.ndarray, texts: list[str]) -> np.ndarray:
        """``model_matrix`` from the block features ``matrix`` (its first columns: ``FEATURE_NAMES``)
        of blocks with texts ``texts`` on pages ``page``.  The word-model and first-pass columns
        are written into ``matrix`` when it is column-major and has room for them (``_width``:
        ``feature_matrix(..., extra=)`` makes one), else into a copy: in place, a batch is not
        copied twice."""
        n_features = len(FEATURE_NAMES)
        if not len(matrix):
            return matrix[:, :n_features]
        width = self._width()
        if matrix.shape[1] < width or not matrix.flags.f_contiguous:
            wide = np.empty((len(matrix), width), order="F")
            wide[:, :n_features] = matrix[:, :n_features]
            matrix = wide
        n_words = np.expm1(matrix[:, _WORDS_COLUMN])
        filled = n_features
        if self.lexical_ is not None:
            hashed = self.lexical_.transform(texts)
            lexical = lexical_features(self.lexical_.predict(hashed), self.lexical_.known(hashed), page, n_words)
            matrix[:, filled:filled + lexical.shape[1]] = lexical
            filled += lexical.shape[1]
        if self.first_ is not None:
            first = first_pass_features(_proba(self.first_, matrix[:, :filled], self.n_jobs), page, n_words)
            matrix[:, filled:filled + first.shape[1]] = first
            filled += first.shape[1]
        return matrix[:, :filled]

    def _width(self) -> int:
        """Columns of the model matrix: the block features, the word model's, the first pass's."""
        return (len(FEATURE_NAMES) + (len(LEXICAL_NAMES) if self.lexical_ is not None else 0)
                + (len(FIRST_PASS_NAMES) if self.first_ is not None else 0))

    def _matrix_and_page(self, X) -> tuple[np.ndarray, np.ndarray]:
        """``model_matrix`` of ``X`` and the page of each of its rows."""
        matrix = self.model_matrix(X)  # checks X first
        return matrix, _page_column(X)

    def _site_folds(self, page: np.ndarray, groups) -> list:
        """Folds for the out-of-fold word-model and first-pass probabilities: by ``groups`` (the
        site), by page when there are too few groups, with a warning when even that is too few."""
        for candidate in ([] if groups is None else [np.asarray(groups)]) + [page]:
            n_folds = min(self.lexical_folds, len(np.unique(candidate)))
            if n_folds >= 2:
                return list(GroupKFold(n_splits=n_folds).split(page, groups=candidate))
        warnings.warn("a single page gives the word n-gram model and the first pass no out-of-fold probabilities: "
                      "their features stay missing, so the trees learn nothing from them", stacklevel=3)
        return []

    def proba_from_matrix(self, matrix: np.ndarray) -> np.ndarray:
        """Probability of content for rows of a ``model_matrix``."""
        p = _proba(self.trees_, matrix, self.n_jobs)
        if self.drop_cross_links:
            p[np.asarray(matrix)[:, _CROSS_LINK_COLUMN] == 1.0] = 0.0
        return p

    def predict(self, X) -> np.ndarray:
        """``"content"`` or ``"boilerplate"`` per block, at ``threshold`` (and the page cut).

        With ``page_cut``, a block's label depends on the other blocks of its page in ``X``:
        pass whole pages (split cross-validation by page or site, never by block)."""
        threshold = self.decision_threshold()
        matrix, page = self._matrix_and_page(X)
        if len(matrix) == 0:
            return np.zeros(0, dtype=object)
        return np.where(self._keep(self.proba_from_matrix(matrix), page, matrix, threshold), CONTENT, BOILERPLATE)

    def page_cuts(self, proba: np.ndarray, X) -> np.ndarray | None:
        """Each block's page cut (``model.decision``) for blocks ``X`` with probabilities
        ``proba``, or None without ``page_cut``: ``model.decision.keep_blocks(proba, threshold,
        cuts)`` then makes this model's decision at any threshold."""
        if not self._page_cut():
            return None
        if isinstance(X, pd.DataFrame) and set(FEATURE_NAMES).issubset(X.columns):
            # prepared features: read the two columns the cut needs, not a copy of all of them
            page, log_words = _page_column(X), X["n_words_log"].to_numpy()
        else:
            features, _ = self._prepare(X)
            page, log_words = features.index.to_numpy(), features["n_words_log"].to_numpy()
        return page_cuts(proba, page, np.expm1(log_words))

    def _keep(self, proba, page, matrix, threshold) -> np.ndarray:
        """The keep decision for rows of a ``model_matrix`` on pages ``page``."""
        cuts = page_cuts(proba, page, np.expm1(matrix[:, _WORDS_COLUMN])) if self.page_cut else None
        return keep_blocks(proba, threshold, cuts)

    def decision_threshold(self, threshold: float | None = None) -> float:
        """The threshold a call keeps blocks at: ``threshold``, or the model's own when None.

        A threshold outside [0, 1] (or NaN) would keep every block or none without saying so,
        so it is refused, as is a ``page_cut`` that is not a bool (``_page_cut``)."""
        value = self.threshold if threshold is None else threshold
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"threshold must be a number, not {type(value).__name__}")
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"threshold must be a probability between 0 and 1, got {value!r}")
        self._page_cut()
        return float(value)

    def _page_cut(self) -> bool:
        """``page_cut``, refused unless it is True or False (or a numpy bool): a string such as
        "no" or "false" would otherwise silently count as on, and a number as on or off."""
        if not isinstance(self.page_cut, (bool, np.bool_)):
            raise TypeError(f"page_cut must be True or False, not {type(self.page_cut).__name__} {self.page_cut!r}")
        return bool(self.page_cut)

    # -- pages ------------------------------------------------------------------------------

    def classify(self, document, kind: str = "auto", threshold: float | None = None,
                 limits: Limits | None = None, charset: str | None = None) -> pd.DataFrame:
        """One row per block of ``document`` (str or bytes): its text, label and probability.

        Columns: ``block`` (0-based position), ``line`` (source line), ``text``, ``label``,
        ``proba`` (probability of content), ``gap_before`` (paragraph break before), ``kind``.
        A page past ``limits`` (``features.decode.Limits``; default limits when None) raises
        ``PageError``, as does binary data.  ``charset``: for bytes, the charset their transport
        declares (an HTTP ``Content-Type`` header's; ``features.decode.decode_bytes``).
        """
        return self.classify_many([document], kind, threshold, limits, charset)[0]

    def clean(self, document, kind: str = "auto", threshold: float | None = None,
              limits: Limits | None = None, charset: str | None = None) -> str:
        """The main content of ``document``: kept blocks in page order, one per line, with a blank
        line wherever the page had a paragraph break between them."""
        return self.clean_many([document], kind, threshold, limits, charset)[0]

    def classify_many(self, documents, kind="auto", threshold: float | None = None,
                      limits: Limits | None = None, charset=None) -> list[pd.DataFrame]:
        """``classify`` for many documents at once: one feature pass and one model call for all.

        ``kind`` is one kind for all documents or a sequence with one kind per document;
        ``charset`` likewise (None for a document without one).
        """
        threshold = self.decision_threshold(threshold)
        table, kinds, proba, keep = self._label_many(documents, kind, threshold, limits, charset)
        return [block_table({name: table[name][start:end] for name in ("line", "text", "gap_before")},
                            proba[start:end], keep[start:end], kinds[i])
                for i, (start, end) in enumerate(_page_bounds(table["page"], len(kinds)))]

    def clean_many(self, documents, kind="auto", threshold: float | None = None,
                   limits: Limits | None = None, charset=None) -> list[str]:
        """``clean`` for many documents at once: one feature pass and one model call for all."""
        threshold = self.decision_threshold(threshold)
        table, kinds, proba, keep = self._label_many(documents, kind, threshold, limits, charset)
        texts, gaps = table["text"], table["gap_before"]
        return [_join(texts[a:b], gaps[a:b], keep[a:b]) for a, b in _page_bounds(table["page"], len(kinds))]

    def classify_each(self, documents, kind="auto", threshold: float | None = None,
                      limits: Limits | None = None, charset=None) -> list:
        """``classify_many``, except that a document that cannot be classified gives its exception
        (without traceback) in place of its table instead of failing the whole list: for corpus
        runs, where one bad page (binary, too large, not text) must not stop the rest of its batch.

        The batch is tried in one call first, and page by page only when that fails.  Errors of
        the call itself (bad arguments, an unfitted model) are raised, as is a batch failure that
        no single page reproduces."""
        documents, kinds = _documents_and_kinds(documents, kind)
        charsets = _charsets(charset, len(documents))
        check_is_fitted(self, "trees_")
        threshold = self.decision_threshold(threshold)
        limits = check_limits(limits)
        try:
            return self.classify_many(documents, kinds, threshold, limits, charsets)
        except Exception as batch_error:  # find the bad pages
            out = []
            for document, k, c in zip(documents, kinds, charsets):
                try:
                    out.append(self.classify(document, k, threshold, limits, c))
                except Exception as exc:  # kept bare: a traceback (its own or its context's) would
                    exc.__context__ = exc.__cause__ = None  # hold this frame, and so the whole batch
                    out.append(exc.with_traceback(None))
            if not any(isinstance(table, Exception) for table in out):
                raise batch_error
            return out

    def _label_many(self, documents, kind, threshold, limits, charset=None):
        """Parse every document, stack their blocks, and score them in one call: (the block
        columns, ``features.blocks.block_arrays``, with ``page``; kinds, probabilities, keep).

        No pandas frame is built on the way (``features.feature_matrix`` reads the arrays): a
        frame costs a call about as much as a small page's features."""
        documents, kinds = _documents_and_kinds(documents, kind)
        charsets = _charsets(charset, len(documents))
        pages = []  # each page's blocks as column lists, stacked into one table below
        for i, (document, k, c) in enumerate(zip(documents, kinds, charsets)):
            columns, kinds[i] = parse_columns(document, k, limits=limits, charset=c)
            pages.append(columns)
        table = block_arrays(pages)
        if not len(table["text"]):
            return table, kinds, np.zeros(0), np.zeros(0, bool)
        check_is_fitted(self, "trees_")
        page = table["page"]
        texts = [t if type(t) is str else str(t) for t in table["text"]]
        matrix = self._model_matrix(feature_matrix(table, page, extra=self._width() - len(FEATURE_NAMES)), page, texts)
        proba = self.proba_from_matrix(matrix)
        return table, kinds, proba, self._keep(proba, page, matrix, threshold)

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _prepare(X) -> tuple[pd.DataFrame, list[str]]:
        """(feature matrix indexed by page, block texts) of a block table or of its prepare_blocks."""
        if not isinstance(X, pd.DataFrame) or "text" not in X.columns:
            raise TypeError("X must be a block table (features.parse_document) or prepare_blocks() of one")
        texts = [t if isinstance(t, str) else str(t) for t in X["text"].to_numpy(object)]
        prepared = set(FEATURE_NAMES).intersection(X.columns)
        if len(prepared) == len(FEATURE_NAMES):
            return X[list(FEATURE_NAMES)].set_axis(pd.Index(_page_column(X), name="page"), axis=0), texts
        if prepared and "tag" not in X.columns:  # some features and no block columns: an old prepare_blocks()
            missing = [name for name in FEATURE_NAMES if name not in prepared]
            raise ValueError(f"X holds features without {', '.join(missing[:5])}: made by another version of the "
                             "features; run prepare_blocks() on the block table again")
        return compute_features(X), texts


def _page_column(X: pd.DataFrame) -> np.ndarray:
    """The page of each block of a block table: its ``page`` column, or 0 for a lone page."""
    return X["page"].to_numpy() if "page" in X.columns else np.zeros(len(X), np.int64)


def _documents_and_kinds(documents, kind) -> tuple[list, list[str]]:
    """The documents of a batch call as a list, and one kind per document."""
    if isinstance(documents, (str, bytes)):
        raise TypeError("documents must be a list of documents; use clean()/classify() for one")
    if isinstance(documents, (Mapping, AbstractSet)):
        # A dict would give its keys (a page's URL cleaned as its text), a set no order to
        # match the results to.
        raise TypeError(f"documents must be a list of documents, not a {type(documents).__name__}; "
                        "for a dict of pages pass list(pages.values())")
    documents = list(documents)
    kinds = [kind] * len(documents) if isinstance(kind, str) or not isinstance(kind, Iterable) else list(kind)
    if len(kinds) != len(documents):
        raise ValueError(f"{len(documents)} documents but {len(kinds)} kinds")
    for k in kinds:
        check_kind(k)
    return documents, kinds


def _charsets(charset, n: int) -> list:
    """One transport charset (or None) per document: ``charset`` is one for all or a sequence."""
    if charset is None or isinstance(charset, str):
        return [charset] * n
    if isinstance(charset, bytes) or not isinstance(charset, Iterable):
        raise TypeError(f"charset must be a str, None or a sequence of them, not {type(charset).__name__}")
    charsets = list(charset)
    if len(charsets) != n:
        raise ValueError(f"{n} documents but {len(charsets)} charsets")
    for c in charsets:
        if c is not None and not isinstance(c, str):
            raise TypeError(f"a charset must be a str or None, not {type(c).__name__}")
    return charsets


def _out_of_fold(folds, y: np.ndarray, fit_predict, columns: int | None = None) -> np.ndarray:
    """Per row, ``fit_predict(train, held)`` of the fold that holds it out: a prediction by a
    model that never saw it (``columns`` values per row, when it gives several).  NaN where a
    fold's training rows hold one class only."""
    oof = np.full(len(y) if columns is None else (len(y), columns), np.nan)
    for train, held in folds:
        if len(np.unique(y[train])) == 2:
            oof[held] = fit_predict(train, held)
    return oof


def _append_columns(matrix: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """``matrix`` and ``extra`` side by side, column-major (see ``_proba``)."""
    out = np.empty((len(matrix), matrix.shape[1] + extra.shape[1]), order="F")
    out[:, :matrix.shape[1]] = matrix
    out[:, matrix.shape[1]:] = extra
    return out


def _with_lexical(matrix: np.ndarray, page: np.ndarray, p: np.ndarray, known: np.ndarray) -> np.ndarray:
    """The feature matrix (columns ``FEATURE_NAMES``) of blocks on pages ``page`` with the lexical
    columns of per-block probabilities ``p`` and known shares ``known`` appended."""
    n_words = np.expm1(matrix[:, _WORDS_COLUMN])
    return _append_columns(matrix, lexical_features(p, known, page, n_words))


def _with_first_pass(matrix: np.ndarray, p: np.ndarray, page: np.ndarray) -> np.ndarray:
    """``matrix`` (of blocks on pages ``page``) with the first-pass columns of per-block
    first-model probabilities ``p`` appended."""
    n_words = np.expm1(matrix[:, _WORDS_COLUMN])
    return _append_columns(matrix, first_pass_features(p, page, n_words))


def block_table(blocks, proba: np.ndarray, keep: np.ndarray, kind: str) -> pd.DataFrame:
    """The ``classify`` table of one page's blocks (a block table, or a dict of its ``line``,
    ``text`` and ``gap_before`` arrays), their probabilities and keep decisions (the text as
    objects, as in the block table: pandas' string type refuses a lone surrogate)."""
    text = column(blocks, "text", object)
    return pd.DataFrame({
        "block": np.arange(len(text)),
        "line": column(blocks, "line"),
        "text": pd.Series(text, dtype=object, copy=False),
        "label": np.where(keep, CONTENT, BOILERPLATE),
        "proba": proba,
        "gap_before": column(blocks, "gap_before", bool),
        "kind": kind,
    })


def _page_bounds(page: np.ndarray, n_pages: int):
    """(start, end) row range of every page 0..n_pages-1 in a stacked table."""
    bounds = np.searchsorted(page, np.arange(n_pages + 1))
    return list(zip(bounds[:-1], bounds[1:]))


def _join(texts: np.ndarray, gap_before: np.ndarray, keep: np.ndarray) -> str:
    """Kept texts in order, a blank line between two of them where the page had a break."""
    if not keep.any():
        return ""
    breaks = np.cumsum(gap_before)[keep]
    kept = texts[keep]
    out = [kept[0]]
    for i in range(1, len(kept)):
        out.append("\n\n" if breaks[i] != breaks[i - 1] else "\n")
        out.append(kept[i])
    return "".join(out)


def join_blocks(table: pd.DataFrame) -> str:
    """Join the kept rows of a ``classify`` table into text, keeping paragraph breaks."""
    return _join(table["text"].to_numpy(object), table["gap_before"].to_numpy(bool),
                 (table["label"] == CONTENT).to_numpy())
