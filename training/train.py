"""Training: hold out unseen sites, fit, choose the threshold, refit, and record the figures.

Validation is always *by domain*: every page of a site falls on the same side, so the figures
measure what users get on sites the model never saw.  Pages without a URL or domain are their
own group.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, GroupShuffleSplit

from model.estimator import BoilerplateClassifier

from .evaluate import best_threshold, featurize, report, scorer_for
from .pages import PageSet


def domain_holdout(pageset: PageSet, fraction: float, seed: int = 0) -> np.ndarray:
    """Boolean mask over pages: True for the held-out validation pages (whole domains)."""
    groups = pageset.pages["domain"].to_numpy()
    if fraction <= 0 or len(set(groups)) < 2:
        return np.zeros(len(groups), bool)
    split = GroupShuffleSplit(n_splits=1, test_size=fraction, random_state=seed)
    _, val = next(split.split(np.zeros(len(groups)), groups=groups))
    mask = np.zeros(len(groups), bool)
    mask[val] = True
    return mask


def domain_folds(pageset: PageSet, k: int) -> np.ndarray:
    """Fold number (0..k-1) of every page, whole domains per fold."""
    groups = pageset.pages["domain"].to_numpy()
    n_groups = len(set(groups))
    if n_groups < k:
        raise ValueError(f"{k}-fold cross-validation needs at least {k} domains, the data has {n_groups}")
    fold = np.zeros(len(groups), np.int64)
    for i, (_, val) in enumerate(GroupKFold(n_splits=k).split(np.zeros(len(groups)), groups=groups)):
        fold[val] = i
    return fold


def block_domains(pageset: PageSet) -> np.ndarray:
    """The site (domain) of each block: the groups for the out-of-fold lexical model."""
    return pageset.pages["domain"].to_numpy()[pageset.blocks["page"].to_numpy()]


def _block_mask(pageset: PageSet, page_mask: np.ndarray) -> np.ndarray:
    return page_mask[pageset.blocks["page"].to_numpy()]


def train(pageset: PageSet, estimator: BoilerplateClassifier | None = None, holdout: float = 0.2,
          seed: int = 0, refit: bool = True, progress: bool = False, log=print):
    """Fit a model on ``pageset``; returns ``(estimator, training_summary, validation_figures)``.

    With ``holdout`` > 0 a by-domain share of the pages is held out: the model is fitted on the
    rest, the threshold that maximises mean page word F1 on the held-out pages is chosen and
    the held-out figures are recorded.  With ``refit`` the final model is then fitted on all
    pages with that threshold (the figures stay those of the held-out run).
    """
    estimator = clone(estimator) if estimator is not None else BoilerplateClassifier()
    log(f"{len(pageset)} pages, {len(pageset.blocks)} blocks, {pageset.pages['domain'].nunique()} domains")
    features = featurize(pageset, progress=progress)
    labels = pageset.blocks["label"].to_numpy()
    domains = block_domains(pageset)
    val_pages = domain_holdout(pageset, holdout, seed)
    validation = {}
    if val_pages.any():
        train_blocks = _block_mask(pageset, ~val_pages)
        val_blocks = _block_mask(pageset, val_pages)
        log(f"fitting on {int((~val_pages).sum())} pages, validating on {int(val_pages.sum())} pages "
            f"of unseen domains")
        estimator.fit(features[train_blocks], labels[train_blocks], groups=domains[train_blocks])
        val_set = pageset.subset(val_pages)
        proba = estimator.predict_proba(features[val_blocks])[:, 1]
        threshold, _ = best_threshold(scorer_for(val_set), proba)
        estimator.set_params(threshold=threshold)
        validation = {"threshold": threshold, "page_ids": val_set.pages["id"].astype(str).unique().tolist(),
                      "split": {"holdout": holdout, "seed": seed, "by": "domain"}, "by_kind": {}}
        kinds = val_set.pages["kind"].to_numpy()
        block_kinds = kinds[val_set.blocks["page"].to_numpy()]
        for kind in sorted(set(kinds)):
            validation["by_kind"][kind] = report(val_set.subset(kinds == kind), proba[block_kinds == kind], threshold)
    if refit or not val_pages.any():
        log(f"fitting on all {len(pageset)} pages" if refit else "fitting")
        estimator.fit(features, labels, groups=domains)
    training = pageset.summary()
    training["refit_on_all"] = bool(refit or not val_pages.any())
    return estimator, training, validation


def cross_validate(pageset: PageSet, estimator: BoilerplateClassifier, k: int = 5, features=None,
                   progress: bool = False, log=print) -> np.ndarray:
    """Out-of-fold content probability of every block, folds grouped by domain."""
    features = featurize(pageset, progress=progress) if features is None else features
    labels = pageset.blocks["label"].to_numpy()
    domains = block_domains(pageset)
    fold = domain_folds(pageset, k)[pageset.blocks["page"].to_numpy()]
    proba = np.zeros(len(labels))
    for i in range(k):
        log(f"fold {i + 1}/{k}: fitting on {int((fold != i).sum())} blocks")
        model = clone(estimator).fit(features[fold != i], labels[fold != i], groups=domains[fold != i])
        proba[fold == i] = model.predict_proba(features[fold == i])[:, 1]
    return proba
