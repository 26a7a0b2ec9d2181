"""Permutation importance: how much mean page word F1 drops when one feature is shuffled.

Each feature column of the model's matrix is shuffled across the evaluated blocks (breaking its
link with the labels while keeping its distribution) and the pages are scored again.  Run it on
pages the model did not see (``evaluate --split validation``); on training pages it measures
memory, not evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.decision import keep_blocks

from .metrics import PageScorer


def permutation_importance(clf, prepared: pd.DataFrame, scorer: PageScorer, threshold: float,
                           seed: int = 0, progress: bool = False) -> pd.DataFrame:
    """One row per model feature: the drop of mean page word F1 when it is shuffled, largest first."""
    matrix = clf.model_matrix(prepared)

    def mean_f1(proba):
        return scorer.score(keep_blocks(proba, threshold, clf.page_cuts(proba, prepared)))[2].mean()

    base = mean_f1(clf.proba_from_matrix(matrix))
    rng = np.random.default_rng(seed)
    names = clf.model_features()
    columns = range(matrix.shape[1])
    if progress:
        from tqdm import tqdm
        columns = tqdm(columns, desc="permutation importance", unit="feature")
    drops = []
    for j in columns:
        shuffled = matrix.copy(order="K")  # keeps the column-major layout the trees read fastest
        shuffled[:, j] = rng.permutation(shuffled[:, j])
        drops.append(base - mean_f1(clf.proba_from_matrix(shuffled)))
    return (pd.DataFrame({"feature": names, "f1_drop": drops})
            .sort_values("f1_drop", ascending=False, ignore_index=True))
