"""Scoring, threshold choice, domain hold-out and baselines (``training.evaluate``, ``.train``, ``.compare``)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import synthetic_pageset
from training.compare import compare, summarise
from training.evaluate import THRESHOLDS, best_threshold, format_report, report, scorer_for
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


def test_language_of_a_page_is_guessed_from_its_function_words():
    from features.function_words import guess_language

    assert guess_language("The harbour festival opens on Friday with music in the old town.") == "en"
    assert guess_language("Der Hafen ist am Freitag für alle offen, und die Musik ist gut.") == "de"
    assert guess_language("Le festival du port ouvre vendredi avec de la musique dans la vieille ville.") == "fr"
    assert guess_language("") == "none"
    assert guess_language("Price 12.99 Size XL Colour Blue SKU 4411 Rating 4.5") == "unknown"  # no sentence
    assert guess_language("東京で新しい展示会が開かれた") == "other"


def test_report_splits_english_from_other_languages_when_both_are_there():
    from features import blocks_from_text
    from training.pages import PageSet

    def page(i, words):
        text = " ".join(words)
        table = blocks_from_text(text + "\nHome | Menu").assign(label=[True, False])
        return {"id": f"p{i}", "url": f"https://site{i}.example/a", "page_type": "article", "kind": "text",
                "gold": text}, table

    english = "the festival is on the harbour and it opens with music for all of the town".split()
    german = "der Hafen ist am Freitag für alle offen und die Musik ist sehr gut mit dem Chor".split()
    pages = PageSet.from_pages([page(0, english), page(1, english), page(2, german)])
    rep = report(pages, np.array([0.9, 0.1, 0.9, 0.1, 0.9, 0.9]), 0.5, with_pages=True)
    assert rep["by_language"]["lang: en"]["pages"] == 2 and rep["by_language"]["lang: not en"]["pages"] == 1
    assert rep["by_language"]["lang: en"]["word_f1"] == pytest.approx(1.0)
    assert rep["by_language"]["lang: not en"]["word_f1"] < 1.0
    assert list(rep["pages"]["language"]) == ["en", "en", "de"]
    assert "lang: not en" in format_report(rep)
    assert "by_language" not in report(pages.subset(np.array([True, True, False])), np.ones(4), 0.5)
