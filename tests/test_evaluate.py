"""Scoring, threshold choice, domain hold-out and baselines (``training.evaluate``, ``.train``, ``.compare``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import synthetic_pageset
from training.compare import compare, summarise
from training.evaluate import best_threshold, featurize, format_report, report, scorer_for
from training.metrics import PageScorer, word_prf
from training.train import (_training_rows, cross_validate, domain_folds, domain_holdout, single_block_pages,
                            train)


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


def test_best_threshold_takes_the_largest_of_thresholds_that_score_alike(pages):
    labels = pages.blocks["label"].to_numpy()
    proba = np.where(labels, 0.7, 0.2)  # every threshold in (0.2, 0.7] keeps exactly the content
    threshold, f1 = best_threshold(scorer_for(pages), proba)
    assert threshold == 0.7 and f1 == pytest.approx(1.0)


def test_best_threshold_does_not_give_up_a_clear_gain_for_a_larger_threshold(pages):
    labels = pages.blocks["label"].to_numpy()
    first_content = labels & (pd.Series(labels).groupby(pages.blocks["page"].to_numpy()).cumsum().to_numpy() == 1)
    proba = np.where(labels, np.where(first_content, 0.4, 0.7), 0.2)  # each page's first content block at 0.4
    scorer = scorer_for(pages)
    threshold, f1 = best_threshold(scorer, proba)
    assert threshold == 0.4 and f1 == pytest.approx(1.0)  # above 0.4 every page loses words
    assert scorer.score(proba >= 0.425)[2].mean() < 1.0


def test_best_threshold_takes_a_larger_threshold_whose_loss_is_within_one_standard_error():
    # Ten pages of one sure content block. Above 0.5, page 0 loses a content block of 3 words
    # (F1 1 -> 8/11) and page 1 drops a boilerplate block of 2 (F1 0.8 -> 1): on average a
    # small loss, 0.007, against a standard error of 0.036 over these pages.
    texts = ["alpha beta gamma delta"] * 10 + ["epsilon zeta iota", "eta theta"]
    page = np.array([*range(10), 0, 1])
    golds = ["alpha beta gamma delta epsilon zeta iota"] + ["alpha beta gamma delta"] * 9
    proba = np.array([0.9] * 10 + [0.5, 0.5])
    order = np.argsort(page, kind="stable")
    scorer = PageScorer([texts[i] for i in order], page[order], golds)
    threshold, f1 = best_threshold(scorer, proba[order])
    assert threshold == 0.9 and f1 == pytest.approx((8 / 11 + 1 + 8) / 10)
    assert scorer.score(proba[order] >= 0.5)[2].mean() == pytest.approx(0.98)  # the best, not taken


def test_best_threshold_refuses_no_pages():
    with pytest.raises(ValueError, match="no pages"):
        best_threshold(PageScorer([], np.zeros(0, np.int64), []), np.zeros(0))


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


def test_train_refuses_a_bad_page_cut_or_kept_threshold_before_fitting(pages, monkeypatch):
    from model import BoilerplateClassifier

    class Fitted(Exception):
        pass

    def fit(*args, **kwargs):
        raise Fitted

    monkeypatch.setattr(BoilerplateClassifier, "fit", fit)
    with pytest.raises(TypeError, match="page_cut must be True or False"):
        train(pages, BoilerplateClassifier(page_cut="no"), log=lambda *a: None)
    with pytest.raises(ValueError, match="threshold must be"):
        train(pages, BoilerplateClassifier(threshold=1.5), holdout=0, log=lambda *a: None)
    with pytest.raises(Fitted):  # a validation chooses the threshold: the estimator's is not used
        train(pages, BoilerplateClassifier(threshold=1.5), holdout=0.5, log=lambda *a: None)


def test_train_without_holdout_fits_all_pages(pages):
    from model import BoilerplateClassifier

    clf, training, validation = train(pages, BoilerplateClassifier(max_iter=10, min_samples_leaf=5),
                                      holdout=0, log=lambda *a: None)
    assert validation == {}
    assert training["pages"] == len(pages) and training["refit_on_all"]
    assert (clf.predict(pages.blocks) == np.where(pages.blocks["label"], "content", "boilerplate")).mean() > 0.95


def test_single_block_pages_are_one_block_of_each_label_per_page_featurised_alone(pages):
    from features import FEATURE_NAMES, compute_features

    singles = single_block_pages(pages, seed=3)
    blocks = pages.blocks
    labels_per_page = blocks.groupby("page")["label"].nunique()
    assert len(singles) == labels_per_page.sum()
    assert singles["page"].tolist() == list(range(len(singles)))  # each block a page of its own
    for origin, group in singles.groupby("origin"):
        assert sorted(group["label"]) == sorted(blocks.loc[blocks["page"] == origin, "label"].unique())
    for _, row in singles.iterrows():
        page = blocks[blocks["page"] == row["origin"]]
        source = page[(page["text"] == row["text"]) & (page["label"] == row["label"])].iloc[:1]
        assert len(source) == 1
        alone = compute_features(source.drop(columns=["page", "label"]).reset_index(drop=True))
        np.testing.assert_array_equal(alone.to_numpy()[0], row[list(FEATURE_NAMES)].to_numpy(float))
    assert not single_block_pages(pages, seed=3).equals(single_block_pages(pages, seed=4))


def test_training_rows_add_the_single_block_pages_of_the_fitted_pages_only(pages):
    features = featurize(pages)
    singles = single_block_pages(pages)
    fitted = np.arange(len(pages)) % 3 != 0
    X, y, params = _training_rows(pages, features, fitted, singles)
    groups, languages = params["groups"], params["languages"]
    blocks = fitted[pages.blocks["page"].to_numpy()]
    n_extra = int(fitted[singles["origin"]].sum())
    assert 0 < n_extra < len(singles)
    assert len(X) == len(y) == len(groups) == len(languages) == blocks.sum() + n_extra
    page = X["page"].to_numpy()
    assert (page == X.index.to_numpy()).all() and (np.diff(page) >= 0).all()
    assert len(np.unique(page[-n_extra:])) == n_extra and page[-n_extra] > page[-n_extra - 1]
    extra = singles[fitted[singles["origin"]]]
    assert (y[-n_extra:] == extra["label"].to_numpy()).all()
    assert (groups[-n_extra:] == pages.pages["domain"].to_numpy()[extra["origin"]]).all()
    assert (languages[-n_extra:] == pages.languages()[extra["origin"]]).all()
    assert X["text"].tolist()[-n_extra:] == extra["text"].tolist()
    X0, _, _ = _training_rows(pages, features, fitted, None)
    assert len(X0) == blocks.sum()


def test_train_with_cv_takes_the_threshold_that_cross_validation_finds_best(pages):
    from model import BoilerplateClassifier

    small = BoilerplateClassifier(max_iter=10, min_samples_leaf=5)
    clf, training, validation = train(pages, small, cv=2, log=lambda *a: None)
    proba = cross_validate(pages, small, k=2, log=lambda *a: None)  # what `evaluate --cv 2` computes
    cuts = small.page_cuts(proba, pages.blocks)  # the threshold is chosen for the decision with page cuts
    threshold, _ = best_threshold(scorer_for(pages), proba, cuts)
    assert validation["threshold"] == threshold == clf.threshold and validation["page_cut"] is True
    assert validation["split"] == {"cv": 2, "by": "domain"} and training["refit_on_all"]
    html = pages.subset((pages.pages["kind"] == "html").to_numpy())
    html_blocks = (pages.pages["kind"].to_numpy() == "html")[pages.blocks["page"].to_numpy()]
    assert validation["by_kind"]["html"]["overall"] == report(html, proba[html_blocks], threshold,
                                                              cuts=cuts[html_blocks])["overall"]
    no_cut = small.set_params(page_cut=False)
    _, without, plain = train(pages, no_cut, cv=2, single_blocks=False, log=lambda *a: None)
    assert without["single_block_pages"] == 0
    plain_proba = cross_validate(pages, no_cut, k=2, single_blocks=False, log=lambda *a: None)
    assert plain["threshold"] == best_threshold(scorer_for(pages), plain_proba)[0] and plain["page_cut"] is False
    assert plain["by_kind"]["html"]["overall"] == report(html, plain_proba[html_blocks], plain["threshold"])["overall"]


def test_training_adds_single_block_pages_unless_told_not_to(pages):
    from model import BoilerplateClassifier

    quiet = dict(holdout=0, log=lambda *a: None)
    _, with_singles, _ = train(pages, BoilerplateClassifier(max_iter=5, min_samples_leaf=5), **quiet)
    _, without, _ = train(pages, BoilerplateClassifier(max_iter=5, min_samples_leaf=5), single_blocks=False, **quiet)
    assert with_singles["single_block_pages"] == len(single_block_pages(pages))
    assert without["single_block_pages"] == 0


def test_keep_all_baseline_scores_every_page(pages):
    result = compare(pages, ["keep-all"])["keep-all"]
    assert result["pages"] == len(pages)
    assert (result["scores"]["word_recall"] == 1.0).all()
    assert (result["scores"]["word_precision"] < 1.0).all()
    with pytest.raises(ValueError, match="unknown extractor"):
        compare(pages, ["no-such-extractor"])


def test_resiliparse_runs_as_a_peer_on_the_html_of_a_wcxb_folder(tmp_path):
    import gzip
    import json

    from training.pages import load_pages

    article = ["The harbour festival opens on Friday with music and food stalls along the old quay.",
               "Local bands play until midnight, and the ferry runs late for visitors from the islands.",
               "Tickets are free, but the organisers ask visitors to bring their own cups this year."]
    html = ("<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/about'>About</a></nav>"
            "<main><article><h1>Harbour festival</h1>" + "".join(f"<p>{p}</p>" for p in article)
            + "</article></main><footer>Copyright 2026 Harbour Times. All rights reserved.</footer></body></html>")
    (tmp_path / "ground-truth").mkdir()
    (tmp_path / "html").mkdir()
    (tmp_path / "ground-truth" / "0001.json").write_text(json.dumps(
        {"file_id": "0001", "url": "https://example.org/festival", "_internal": {"page_type": {"primary": "article"}},
         "ground_truth": {"main_content": "\n\n".join(article)}}))
    (tmp_path / "html" / "0001.html.gz").write_bytes(gzip.compress(html.encode()))
    pages = load_pages([tmp_path], kind="both")
    result = compare(pages, ["resiliparse"])["resiliparse"]
    assert result["pages"] == 1  # the HTML page; the text rendering has no HTML to give it
    scores = result["scores"]
    assert scores["page_type"].tolist() == ["article"] and scores["word_recall"].iloc[0] == 1.0
    assert scores["word_precision"].iloc[0] > 0.8  # the main-content mode drops the menu and footer


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


def _language_pages(texts_and_langs):
    from features import blocks_from_text
    from training.pages import PageSet

    def page(i, text, lang):
        table = blocks_from_text(text + "\nHome | Menu").assign(label=[True, False])
        return {"id": f"p{i}", "url": f"https://site{i}.example/a", "page_type": "article", "kind": "text",
                "gold": text, "lang": lang}, table

    return PageSet.from_pages([page(i, text, lang) for i, (text, lang) in enumerate(texts_and_langs)])


ENGLISH_TEXT = "the festival is on the harbour and it opens with music for all of the town"
GERMAN_TEXT = "der Hafen ist am Freitag für alle offen und die Musik ist sehr gut mit dem Chor"


def test_report_has_a_row_per_language_guessed_when_the_data_gives_none():
    pages = _language_pages([(ENGLISH_TEXT, None), (ENGLISH_TEXT, None), (GERMAN_TEXT, None)])
    rep = report(pages, np.array([0.9, 0.1, 0.9, 0.1, 0.9, 0.9]), 0.5, with_pages=True)
    assert rep["by_language"]["lang: en"]["pages"] == 2 and rep["by_language"]["lang: de"]["pages"] == 1
    assert rep["by_language"]["lang: en"]["word_f1"] == pytest.approx(1.0)
    assert rep["by_language"]["lang: de"]["word_f1"] < 1.0
    assert list(rep["pages"]["language"]) == ["en", "en", "de"]
    assert "lang: de" in format_report(rep)
    assert "threshold 0.500 without the page cut" in format_report(rep)
    del rep["page_cut"]  # a report saved before it was recorded
    assert "threshold 0.500; labels" in format_report(rep)
    assert "by_language" not in report(pages.subset(np.array([True, True, False])), np.ones(4), 0.5)


def test_report_takes_the_language_the_data_gives_and_pools_rare_ones():
    from training.evaluate import language_rows

    pages = _language_pages([(ENGLISH_TEXT, "en")] * 12 + [(GERMAN_TEXT, "de"), (GERMAN_TEXT, "nl")])
    assert list(pages.languages()[-2:]) == ["de", "nl"]  # declared, not guessed
    rows = report(pages, np.tile([0.9, 0.1], 14), 0.5)["by_language"]
    assert set(rows) == {"lang: en", "lang: other"} and rows["lang: other"]["pages"] == 2
    assert set(language_rows(np.array(["en", "en", "none", "unknown"], dtype=object))) == set()


def test_chinese_pages_are_scored_by_characters_too():
    chinese = "港口节回来了。主办方周四确认，船只、乐队和小吃摊将重返老港口。"
    pages = _language_pages([(chinese, "zh"), (ENGLISH_TEXT, "en")])
    # Keep the first half of the Chinese page's content block only: as one \w+ token per clause,
    # word F1 says nothing; character F1 sees the share kept.
    half = chinese[:len(chinese) // 2]
    pages.blocks.loc[0, "text"] = half
    rep = report(pages, np.array([0.9, 0.1, 0.9, 0.1]), 0.5, with_pages=True)
    chars = rep["by_language"]["lang: zh chars"]
    assert chars["pages"] == 1 and 0.5 < chars["word_f1"] < 0.8
    assert rep["pages"]["char_f1"].iloc[0] == pytest.approx(chars["word_f1"])
    assert np.isnan(rep["pages"]["char_f1"].iloc[1])
    assert "rows '... chars'" in format_report(rep)


def test_comparison_has_the_same_language_rows_as_the_report():
    from training.compare import format_comparison

    chinese = "港口节回来了。主办方周四确认，船只、乐队和小吃摊将重返老港口。"
    pages = _language_pages([(chinese, "zh"), (ENGLISH_TEXT, "en"), (GERMAN_TEXT, "de")])
    rep = report(pages, np.array([0.9, 0.1, 0.9, 0.1, 0.9, 0.1]), 0.5, with_pages=True)
    others = compare(pages, ["keep-all"])
    assert others["keep-all"]["scores"]["language"].tolist() == ["zh", "en", "de"]
    table = format_comparison(rep["pages"], others)
    rows = {line.split("  ")[0].strip(): line.split() for line in table.splitlines()[2:]}
    assert {"lang: zh", "lang: en", "lang: de", "lang: zh chars"} <= set(rows)
    assert rows["lang: zh chars"][-2] == "1.000"  # the model keeps exactly the Chinese content
    assert float(rows["lang: zh chars"][-1]) < 1.0  # keep-all keeps the menu too


def test_pages_from_several_collections_are_reported_per_collection():
    from training.evaluate import split_by_kind

    pages = _language_pages([(ENGLISH_TEXT, "en"), (GERMAN_TEXT, "de"), (ENGLISH_TEXT, "en")])
    proba = np.tile([0.9, 0.1], 3)
    assert [name for name, *_ in split_by_kind(pages, proba)] == ["text"]  # one collection: by kind only
    pages.pages["collection"] = ["wcxb-dev", "daniel-train", "wcxb-dev"]
    groups = {name: (subset, p) for name, subset, _, p, _ in split_by_kind(pages, proba)}
    assert list(groups) == ["daniel-train text", "wcxb-dev text"]
    assert groups["wcxb-dev text"][0].pages["id"].tolist() == ["p0", "p2"] and len(groups["wcxb-dev text"][1]) == 4


def test_load_pages_names_the_collection_of_each_page(tmp_path):
    from conftest import LABELLED_SAMPLES, SAMPLES
    from training.pages import load_pages

    pages = load_pages([SAMPLES, LABELLED_SAMPLES])
    assert set(pages.pages["collection"]) == {"samples", "samples.jsonl"}
