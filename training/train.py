"""Training: hold out unseen sites, fit, choose the threshold, refit, and record the figures.

Validation is always *by domain*: every page of a site falls on the same side, so the figures
measure what users get on sites the model never saw.  Pages without a URL or domain are their
own group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, GroupShuffleSplit

from model.estimator import BoilerplateClassifier, prepare_blocks

from .evaluate import best_threshold, featurize, report, scorer_for, split_by_kind
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


def _block_mask(pageset: PageSet, page_mask: np.ndarray) -> np.ndarray:
    return page_mask[pageset.blocks["page"].to_numpy()]


def single_block_pages(pageset: PageSet, seed: int = 0) -> pd.DataFrame:
    """Training rows for documents of a single block: ``prepare_blocks`` rows plus ``label`` and
    ``origin`` (the page row each block comes from).

    Users clean one-paragraph documents; labelled web pages have almost no one-block pages, and
    the few they have are script-only shells ("You need to enable JavaScript"), so trees trained
    on whole pages dropped any lone block, a 250-word article included.  From every page one
    content block and one boilerplate block, drawn at random, each become a page of their own
    with their label: the trees learn to judge a block that has no page around it by itself."""
    blocks = pageset.blocks
    page = blocks["page"].to_numpy()
    label = blocks["label"].to_numpy(bool)
    # Sort the blocks by page, then label, then a random key; the first of each (page, label)
    # run is a block drawn at random among those of its page with that label.
    order = np.lexsort((np.random.default_rng(seed).random(len(blocks)), label, page))
    key = page[order] * 2 + label[order]
    chosen = np.sort(order[np.r_[True, key[1:] != key[:-1]]] if len(order) else order)
    singles = blocks.iloc[chosen].reset_index(drop=True).assign(page=np.arange(len(chosen)))
    return prepare_blocks(singles).assign(label=label[chosen], origin=page[chosen])


def _training_rows(pageset: PageSet, features: pd.DataFrame, page_mask: np.ndarray, singles):
    """``(X, y, fit parameters)`` to fit on: the blocks of the pages in ``page_mask`` and, unless
    ``singles`` is None, the single-block pages drawn from them, numbered after the last page
    (pages must stay in increasing order).  The fit parameters are each block's site
    (``groups``) and language (``languages``).  A single-block page keeps its site as its group,
    so the out-of-fold word model never scores it with a model that saw its page (unless the
    data has a single site, where the word model's folds fall back to pages)."""
    blocks = _block_mask(pageset, page_mask)
    page_of = pageset.blocks["page"].to_numpy()[blocks]
    X, y = features[blocks], pageset.blocks["label"].to_numpy()[blocks]
    if singles is not None and len(X):
        extra = singles[page_mask[singles["origin"].to_numpy()]]
        page = int(X.index.max()) + 1 + np.arange(len(extra))
        X = pd.concat([X, extra.set_axis(pd.Index(page, name="page")).assign(page=page)[X.columns]])
        y = np.concatenate([y, extra["label"].to_numpy(bool)])
        page_of = np.concatenate([page_of, extra["origin"].to_numpy()])
    return X, y, {"groups": pageset.pages["domain"].to_numpy()[page_of], "languages": pageset.languages()[page_of]}


def train(pageset: PageSet, estimator: BoilerplateClassifier | None = None, holdout: float = 0.2,
          seed: int = 0, refit: bool = True, single_blocks: bool = True, cv: int | None = None,
          progress: bool = False, log=print):
    """Fit a model on ``pageset``; returns ``(estimator, training_summary, validation_figures)``.

    With ``holdout`` > 0 a by-domain share of the pages is held out: the model is fitted on the
    rest, the threshold for mean page word F1 on the held-out pages is chosen (``best_threshold``) and
    the held-out figures are recorded.  With ``cv`` = K the threshold and figures come instead
    from K-fold cross-validation by domain (``cross_validate``): every page is scored by a model
    that never saw its site, so the threshold is chosen on all pages rather than a fifth of them.
    With ``refit`` (always, with ``cv``) the final model is then fitted on all pages with that
    threshold (the figures stay those of the validation).  ``single_blocks`` adds the training
    pages' ``single_block_pages`` to every fit.
    """
    estimator = clone(estimator) if estimator is not None else BoilerplateClassifier()
    # Refuse a bad page_cut now, not after the first fit, and a bad threshold if training keeps it
    # (a validation chooses its own).
    estimator.decision_threshold(0.5 if cv or holdout > 0 else None)
    log(f"{len(pageset)} pages, {len(pageset.blocks)} blocks, {pageset.pages['domain'].nunique()} domains")
    features = featurize(pageset, progress=progress)
    singles = single_block_pages(pageset, seed) if single_blocks else None
    val_pages = np.ones(len(pageset), bool) if cv else domain_holdout(pageset, holdout, seed)
    validation = {}
    if cv:
        proba = _out_of_fold(pageset, estimator, cv, features, singles, log)
        val_features = features
        validation["split"] = {"cv": cv, "by": "domain"}
    elif val_pages.any():
        log(f"fitting on {int((~val_pages).sum())} pages, validating on {int(val_pages.sum())} pages "
            f"of unseen domains")
        X, y, fit_params = _training_rows(pageset, features, ~val_pages, singles)
        estimator.fit(X, y, **fit_params)
        val_features = features[_block_mask(pageset, val_pages)]
        proba = estimator.predict_proba(val_features)[:, 1]
        validation["split"] = {"holdout": holdout, "seed": seed, "by": "domain"}
    if validation:
        val_set = pageset.subset(val_pages)
        cuts = estimator.page_cuts(proba, val_features)
        threshold, _ = best_threshold(scorer_for(val_set), proba, cuts)
        estimator.set_params(threshold=threshold)
        validation.update(threshold=threshold, page_cut=bool(estimator.page_cut),
                          page_ids=val_set.pages["id"].astype(str).unique().tolist(), by_kind={})
        for kind, subset, _, p, c in split_by_kind(val_set, proba, cuts):
            validation["by_kind"][kind] = report(subset, p, threshold, cuts=c)
    fitted_pages = ~val_pages
    if refit or cv or not val_pages.any():
        log(f"fitting on all {len(pageset)} pages" if validation else "fitting")
        fitted_pages = np.ones(len(pageset), bool)
        X, y, fit_params = _training_rows(pageset, features, fitted_pages, singles)
        estimator.fit(X, y, **fit_params)
    training = pageset.summary()
    training["refit_on_all"] = bool(fitted_pages.all())
    training["single_block_pages"] = 0 if singles is None else int(fitted_pages[singles["origin"]].sum())
    return estimator, training, validation


def cross_validate(pageset: PageSet, estimator: BoilerplateClassifier, k: int = 5, features=None,
                   single_blocks: bool = True, seed: int = 0, progress: bool = False, log=print) -> np.ndarray:
    """Out-of-fold content probability of every block, folds grouped by domain (with
    ``single_blocks``, each fold's fit adds the ``single_block_pages`` of its training pages, as
    ``train`` does)."""
    features = featurize(pageset, progress=progress) if features is None else features
    singles = single_block_pages(pageset, seed) if single_blocks else None
    return _out_of_fold(pageset, estimator, k, features, singles, log)


def _out_of_fold(pageset: PageSet, estimator: BoilerplateClassifier, k: int, features: pd.DataFrame, singles,
                 log) -> np.ndarray:
    """``cross_validate`` on features and single-block pages already computed (``train --cv``
    has both at hand for its final fit)."""
    page_fold = domain_folds(pageset, k)
    fold = page_fold[pageset.blocks["page"].to_numpy()]
    proba = np.zeros(len(pageset.blocks))
    for i in range(k):
        X, y, fit_params = _training_rows(pageset, features, page_fold != i, singles)
        log(f"fold {i + 1}/{k}: fitting on {len(X)} blocks")
        model = clone(estimator).fit(X, y, **fit_params)
        proba[fold == i] = model.predict_proba(features[fold == i])[:, 1]
    return proba
