"""Prediction of fitted ``HistGradientBoostingClassifier`` models, on one thread unless asked.

``raw_predict(trees, matrix, n_jobs)`` gives what scikit-learn's ``trees._raw_predict`` gives: per
row, the baseline plus the leaf value of every tree.  The compiled predictor (``_forest.pyx``)
walks a compact copy of the trees, made from the fitted estimator at first use and kept while it
lives (outside it: the model file and pickles are unchanged), and adds the leaf values in
scikit-learn's order, so that it is exact to the last bit; it saves scikit-learn's cost per tree
and per call (340 trees: about 5 ms a call).  scikit-learn itself, the reference, predicts where
the predictor is not built, under ``BOILERPLATE_PURE_PYTHON``, and for trees with categorical
splits (the package fits none).

``n_jobs`` (None: 1; -1: every core; as scikit-learn's) is the threads one call may use.  The
compiled predictor gives each thread a share of the rows, so that a call costs no more CPU in
total than on one thread; scikit-learn's OpenMP threads, which wait for work by spinning, are
held to the same number.
"""

from __future__ import annotations

import numbers
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from joblib import cpu_count

from features import compiled

_compiled = compiled.extension("model._forest")  # None: scikit-learn predicts
NODE = np.dtype([("value", np.float64), ("feature", np.int32), ("children", np.uint32)])  # _forest.pyx's Node
_MISSING_LEFT = np.uint32(1 << 31)  # the bit of ``children`` that sends missing values left
_ROWS_PER_THREAD = 2000  # fewer rows than this per thread: starting a thread costs more than it saves
_FORESTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # fitted estimator: its _Forest


def effective_n_jobs(n_jobs) -> int:
    """Threads for ``n_jobs``: None is 1, -1 every core, -2 all but one, ..."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a whole number of threads other than 0 (None: one, -1: every core), "
                         f"not {n_jobs!r}")
    return int(n_jobs) if n_jobs > 0 else max(1, cpu_count() + 1 + int(n_jobs))


def raw_predict(trees, matrix: np.ndarray, n_jobs=None) -> np.ndarray:
    """``trees._raw_predict(matrix)`` of a fitted ``HistGradientBoostingClassifier`` (shape
    (rows, trees per iteration)), on ``n_jobs`` threads."""
    threads = effective_n_jobs(n_jobs)
    forest = None if _compiled is None else _forest(trees)
    if forest is None:
        return trees._raw_predict(matrix, n_threads=threads)
    matrix = np.asfortranarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != forest.n_features:
        raise ValueError(f"X has {matrix.shape[-1]} features, but {type(trees).__name__} is expecting "
                         f"{forest.n_features} features as input.")
    raw = np.empty((len(matrix), len(forest.baseline)))
    raw[:] = forest.baseline
    shares = min(threads, len(matrix) // _ROWS_PER_THREAD)
    if shares <= 1:
        forest.predict(matrix, raw, 0, len(matrix))
        return raw
    bounds = np.linspace(0, len(matrix), shares + 1).astype(int).tolist()
    with ThreadPoolExecutor(shares - 1) as pool:
        others = [pool.submit(forest.predict, matrix, raw, a, b) for a, b in zip(bounds[1:-1], bounds[2:])]
        forest.predict(matrix, raw, bounds[0], bounds[1])
        for share in others:
            share.result()
    return raw


class _Forest:
    """The trees of a fitted estimator as ``_forest.predict`` reads them: one array of ``NODE``
    (a tree's node positions made absolute), each tree's root and output column."""

    def __init__(self, trees):
        self.source = trees._predictors  # a new fit makes a new list
        self.n_iterations = len(trees._predictors)
        self.baseline = np.array(trees._baseline_prediction, dtype=np.float64).reshape(-1)
        self.n_features = int(trees.n_features_in_)
        packed, roots, outputs, start = [], [], [], 0
        for iteration in trees._predictors:
            for output, predictor in enumerate(iteration):
                packed.append(_pack(predictor.nodes, start))
                roots.append(start)
                outputs.append(output)
                start += len(predictor.nodes)
        self.nodes = np.concatenate(packed).view(np.uint8)
        self.roots = np.array(roots, dtype=np.int64)
        self.outputs = np.array(outputs, dtype=np.int32)

    def predict(self, matrix: np.ndarray, raw: np.ndarray, start: int, stop: int) -> None:
        _compiled.predict(self.nodes, self.roots, self.outputs, matrix, raw, start, stop)

    def fits(self, trees) -> bool:
        return self.source is trees._predictors and self.n_iterations == len(trees._predictors)


def _pack(nodes: np.ndarray, start: int) -> np.ndarray:
    """A scikit-learn tree (its ``nodes``) as ``NODE`` from position ``start`` of the whole array,
    numbered breadth first, so that the right child of a split follows its left one."""
    leaf = nodes["is_leaf"].astype(bool)
    order = [0]  # old position of each new one
    for old in order:  # grows as it goes
        if not leaf[old]:
            order += [int(nodes["left"][old]), int(nodes["right"][old])]
    order = np.array(order)
    if len(order) != len(nodes) or len(np.unique(order)) != len(nodes):
        raise ValueError("a tree of the model is not one binary tree over its nodes")
    new = np.empty(len(nodes), np.int64)
    new[order] = np.arange(len(nodes))
    tree = np.zeros(len(nodes), NODE)
    ordered, split = nodes[order], ~leaf[order]
    tree["value"] = np.where(split, ordered["num_threshold"], ordered["value"])
    tree["feature"] = np.where(split, ordered["feature_idx"], -1)
    tree["children"][split] = (start + new[ordered["left"][split]]).astype(np.uint32)
    tree["children"][split & (ordered["missing_go_to_left"] == 1)] |= _MISSING_LEFT
    return tree


def _forest(trees) -> _Forest | None:
    """The packed trees of ``trees``, made at first use; None where scikit-learn must predict."""
    forest = _FORESTS.get(trees)
    if forest is not None and forest.fits(trees):
        return forest
    if not _packable(trees):
        return None
    forest = _FORESTS[trees] = _Forest(trees)
    return forest


def _packable(trees) -> bool:
    """Fitted, without categorical splits (their bitsets are not packed) or more nodes than the
    predictor's 32-bit positions address."""
    predictors = getattr(trees, "_predictors", None)
    if not predictors or getattr(trees, "_preprocessor", None) is not None:
        return False
    nodes = [p.nodes for iteration in predictors for p in iteration]
    return (sum(map(len, nodes)) < 2 ** 31 and not any(n["is_categorical"].any() for n in nodes)
            and all(n["feature_idx"][~n["is_leaf"].astype(bool)].max(initial=0) < trees.n_features_in_ for n in nodes))
