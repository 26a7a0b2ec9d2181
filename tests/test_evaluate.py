"""Scoring, threshold choice, domain hold-out and baselines (``training.evaluate``, ``.train``, ``.compare``)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import synthetic_pageset
from training.compare import compare, summarise
from training.evaluate import THRESHOLDS, best_threshold, report, scorer_for
from training.metrics import word_prf
from training.train import domain_folds, domain_holdout, train


@pytest.fixture(scope="module")
def pages():
    return synthetic_pageset(4, 4, start=700)


def test_report_of_the_labels_themselves_is_perfect(pages):
    labels = pages.blocks["label"].to_numpy()
    rep = report(pages, labels.astype(float), 0.5)
    overall = rep["overall"]
    assert overall["pages"] == len(pages)
    for name in ("block_precision", "block_recall", "block_f1", "word_precision", "word_recall", "word_f1",
                 "ceiling_word_f1"):
        assert overall[name] == pytest.approx(1.0), name
    assert set(rep["by_type"]) == {"unknown"}


def test_report_word_figures_are_means_of_word_prf(pages):
    rng = np.random.default_rng(0)
    proba = rng.random(len(pages.blocks))
    rep = report(pages, proba, 0.5)
    golds = pages.gold_texts()
    expected = []
    for i in range(len(pages)):
        rows = pages.blocks[(pages.blocks["page"] == i).to_numpy() & (proba >= 0.5)]
        expected.append(word_prf("\n".join(rows["text"]), golds[i])[2])
    assert rep["overall"]["word_f1"] == pytest.approx(np.mean(expected))


def test_best_threshold_is_on_the_grid_and_maximises_f1(pages):
    labels = pages.blocks["label"].to_numpy()
    proba = np.where(labels, 0.7, 0.2)
    scorer = scorer_for(pages)
    threshold, f1 = best_threshold(scorer, proba)
    assert threshold in THRESHOLDS
    assert 0.2 < threshold <= 0.7
    assert f1 == pytest.approx(1.0)


def test_domain_holdout_keeps_each_domain_on_one_side():
    pages = synthetic_pageset(6, 6)
    pages.pages["domain"] = [f"d{i % 4}" for i in range(len(pages))]
    mask = domain_holdout(pages, 0.25, seed=1)
    assert mask.any() and not mask.all()
    for domain, group in pages.pages.groupby("domain"):
        assert len(set(mask[group.index])) == 1, domain
    assert not domain_holdout(pages, 0.0).any()
    folds = domain_folds(pages, 2)
    for domain, group in pages.pages.groupby("domain"):
        assert len(set(folds[group.index])) == 1
    with pytest.raises(ValueError, match="at least 5 domains"):
        domain_folds(pages, 5)


def test_train_without_holdout_fits_all_pages(pages):
    from model import BoilerplateClassifier

    clf, training, validation = train(pages, BoilerplateClassifier(max_iter=10, min_samples_leaf=5),
                                      holdout=0, log=lambda *a: None)
    assert validation == {}
    assert training["pages"] == len(pages) and training["refit_on_all"]
    assert (clf.predict(pages.blocks) == np.where(pages.blocks["label"], "content", "boilerplate")).mean() > 0.95


def test_keep_all_baseline_scores_every_page(pages):
    result = compare(pages, ["keep-all"])["keep-all"]
    assert result["pages"] == len(pages)
    assert (result["scores"]["word_recall"] == 1.0).all()
    assert (result["scores"]["word_precision"] < 1.0).all()
    with pytest.raises(ValueError, match="unknown extractor"):
        compare(pages, ["no-such-extractor"])


def test_pages_without_a_type_are_unknown_in_baseline_scores(pages):
    scores = compare(pages, ["keep-all"])["keep-all"]["scores"]
    assert scores["page_type"].tolist() == ["unknown"] * len(pages)
    assert set(summarise(scores)["by_type"]) == {"unknown"}
