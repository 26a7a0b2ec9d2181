"""The classifier (``model.estimator``): scikit-learn API, classify and clean."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from conftest import SENTENCES, raw_text, synthetic_html, synthetic_lines, synthetic_pageset
from features import compute_features, parse_document
from model import BOILERPLATE, CONTENT, BoilerplateClassifier, join_blocks, prepare_blocks
from model.estimator import block_weights
from model.first_pass import NAMES as FIRST_PASS_NAMES

CLASSIFY_COLUMNS = {"text", "label", "proba", "block", "line", "gap_before", "kind"}


@pytest.fixture(scope="module")
def unseen_pages():
    """Synthetic pages with seeds the model was not trained on."""
    return synthetic_pageset(6, 6, start=500)


# -- scikit-learn API --------------------------------------------------------------------------

def test_predict_returns_content_or_boilerplate_and_generalises(trained_model, unseen_pages):
    blocks, labels = unseen_pages.blocks, unseen_pages.blocks["label"].to_numpy()
    predicted = trained_model.predict(blocks)
    assert set(predicted) <= {CONTENT, BOILERPLATE}
    assert len(predicted) == len(blocks)
    accuracy = np.mean((predicted == CONTENT) == labels)
    assert accuracy >= 0.95
    assert list(trained_model.classes_) == [BOILERPLATE, CONTENT]


def test_predict_proba_rows_sum_to_one_and_match_predict(trained_model, unseen_pages):
    proba = trained_model.predict_proba(unseen_pages.blocks)
    assert proba.shape == (len(unseen_pages.blocks), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert ((proba >= 0) & (proba <= 1)).all()
    expected = np.where(proba[:, 1] >= trained_model.threshold, CONTENT, BOILERPLATE)
    assert (trained_model.predict(unseen_pages.blocks) == expected).all()


def test_content_probability_is_high_for_prose_and_low_for_menus(trained_model, unseen_pages):
    proba = trained_model.predict_proba(unseen_pages.blocks)[:, 1]
    labels = unseen_pages.blocks["label"].to_numpy()
    assert proba[labels].mean() > 0.8
    assert proba[~labels].mean() < 0.2


def test_prepared_blocks_and_block_table_give_the_same_probabilities(trained_model, unseen_pages):
    blocks = unseen_pages.blocks
    np.testing.assert_allclose(trained_model.predict_proba(prepare_blocks(blocks)),
                               trained_model.predict_proba(blocks))


def test_a_bare_feature_matrix_is_refused_because_the_words_are_missing(trained_model, unseen_pages):
    with pytest.raises(TypeError, match="block table"):
        trained_model.predict_proba(compute_features(unseen_pages.blocks))


def test_features_of_another_version_are_refused_with_a_message(trained_model, unseen_pages):
    stale = prepare_blocks(unseen_pages.blocks).drop(columns=["cross_link_cue"])
    with pytest.raises(ValueError, match="another version of the features.*prepare_blocks"):
        trained_model.predict_proba(stale)


def test_a_table_of_lines_without_block_columns_is_refused_with_a_message(trained_model):
    with pytest.raises(ValueError, match="not a block table.*parse_document"):
        trained_model.predict_proba(pd.DataFrame({"text": ["Home", "A sentence of the article."]}))


def test_labels_may_be_strings_ints_or_booleans(train_pageset):
    blocks = train_pageset.blocks
    labels = blocks["label"].to_numpy()
    params = dict(max_iter=5, min_samples_leaf=5)
    features = prepare_blocks(blocks)
    probas = [BoilerplateClassifier(**params).fit(features, y).predict_proba(features)
              for y in (labels, labels.astype(int), np.where(labels, CONTENT, BOILERPLATE))]
    np.testing.assert_allclose(probas[0], probas[1])
    np.testing.assert_allclose(probas[0], probas[2])


def test_fit_rejects_bad_labels(train_pageset):
    blocks = train_pageset.blocks.iloc[:60]
    labels = blocks["label"].to_numpy()
    clf = BoilerplateClassifier(max_iter=2)
    with pytest.raises(ValueError, match="both content and boilerplate"):
        clf.fit(blocks, np.ones(len(blocks), bool))
    with pytest.raises(ValueError, match="labels"):
        clf.fit(blocks, labels[:-1])
    with pytest.raises(ValueError, match="'content' or 'boilerplate'"):
        clf.fit(blocks, np.where(labels, "main", "junk"))
    with pytest.raises(ValueError, match="0 .boilerplate. or 1 .content."):
        clf.fit(blocks, labels.astype(int) * 2)


def test_bad_input_type_and_unfitted_model_are_reported():
    with pytest.raises(NotFittedError):
        BoilerplateClassifier().predict_proba(parse_document("some text")[0])
    clf = BoilerplateClassifier(max_iter=2)
    with pytest.raises(TypeError, match="block table"):
        clf.fit(np.zeros((4, 3)), [0, 1, 0, 1])


def test_get_params_set_params_and_clone(trained_model):
    params = trained_model.get_params()
    assert params["max_iter"] == 30 and params["min_samples_leaf"] == 5 and params["threshold"] == 0.5
    twin = clone(trained_model)
    assert twin.get_params() == params
    assert not hasattr(twin, "model_")  # clone is unfitted
    twin.set_params(threshold=0.9, learning_rate=0.2)
    assert twin.threshold == 0.9 and twin.learning_rate == 0.2
    assert trained_model.threshold == 0.5  # the original is untouched


def test_threshold_param_moves_the_decision(trained_model, unseen_pages):
    blocks = unseen_pages.blocks
    proba = trained_model.predict_proba(blocks)[:, 1]
    strict = copy.deepcopy(trained_model).set_params(threshold=0.999)  # same trees, other threshold
    assert ((strict.predict(blocks) == CONTENT) == (proba >= 0.999)).all()
    assert (strict.predict(blocks) == CONTENT).sum() < (trained_model.predict(blocks) == CONTENT).sum()


@pytest.mark.parametrize("bad, error", [(1.5, ValueError), (-0.1, ValueError), (float("nan"), ValueError),
                                        ("0.5", TypeError), (True, TypeError)])
def test_a_threshold_that_is_not_a_probability_is_refused_by_every_call(trained_model, bad, error):
    # a threshold above 1 or NaN would silently keep nothing, one below 0 everything
    from model.explain import explain

    page = raw_text(synthetic_lines(108))
    calls = [lambda: trained_model.clean(page, threshold=bad), lambda: trained_model.classify(page, threshold=bad),
             lambda: trained_model.clean_many([page], threshold=bad),
             lambda: trained_model.classify_many([page], threshold=bad),
             lambda: trained_model.classify_each([page], threshold=bad),
             lambda: explain(trained_model, page, threshold=bad),
             lambda: copy.deepcopy(trained_model).set_params(threshold=bad).predict(parse_document(page)[0])]
    for call in calls:
        with pytest.raises(error, match="threshold must be"):
            call()
    assert trained_model.clean(page, threshold=1.0) == "" and trained_model.clean(page, threshold=0) != ""


@pytest.mark.parametrize("bad", ["no", "False", 2, 0, 1.0, None])
def test_a_page_cut_that_is_not_a_bool_is_refused_by_every_call(trained_model, bad):
    # "no" or 2 would silently count as on, 0 as off
    from corpus.dask import clean_each
    from model.explain import explain

    page = raw_text(synthetic_lines(108))
    blocks = parse_document(page)[0]
    clf = copy.deepcopy(trained_model).set_params(page_cut=bad)
    calls = [lambda: clf.clean(page), lambda: clf.classify(page, threshold=0.3), lambda: clf.clean_many([page]),
             lambda: clf.classify_many([page]), lambda: clf.classify_each([page]), lambda: clf.predict(blocks),
             lambda: clf.page_cuts(clf.predict_proba(blocks)[:, 1], blocks), lambda: explain(clf, page),
             lambda: clf.decision_threshold()]
    if bad is not None:  # None there means the model's own setting
        calls.append(lambda: clean_each(trained_model, [page], page_cut=bad))
    for call in calls:
        with pytest.raises(TypeError, match="page_cut must be True or False"):
            call()


def test_a_numpy_bool_page_cut_is_a_bool(trained_model):
    page = raw_text(synthetic_lines(108))
    for value in (True, False):
        clf = copy.deepcopy(trained_model).set_params(page_cut=value)
        as_numpy = copy.deepcopy(trained_model).set_params(page_cut=np.bool_(value))
        assert as_numpy.clean(page, threshold=0.0) == clf.clean(page, threshold=0.0)
    assert (copy.deepcopy(trained_model).set_params(page_cut=False).clean(page, threshold=0.0)
            != trained_model.clean(page, threshold=0.0))  # the two settings differ on this page


def test_fit_is_deterministic(train_pageset):
    blocks = train_pageset.blocks
    labels = blocks["label"].to_numpy()
    features = prepare_blocks(blocks)
    a = BoilerplateClassifier(max_iter=10, min_samples_leaf=5).fit(features, labels).predict_proba(features)
    b = BoilerplateClassifier(max_iter=10, min_samples_leaf=5).fit(features, labels).predict_proba(features)
    np.testing.assert_array_equal(a, b)


def test_the_first_pass_feeds_the_trees_and_can_be_turned_off(train_pageset, trained_model, unseen_pages):
    blocks = unseen_pages.blocks
    names = trained_model.model_features()
    matrix = trained_model.model_matrix(blocks)
    assert matrix.shape == (len(blocks), len(names)) and names[-len(FIRST_PASS_NAMES):] == list(FIRST_PASS_NAMES)
    # the main trees see the first model's probability of each block, and of its neighbours
    first = trained_model.first_.predict_proba(matrix[:, :-len(FIRST_PASS_NAMES)])[:, 1]
    np.testing.assert_allclose(matrix[:, names.index("first")], first)
    page = blocks["page"].to_numpy()
    same_page = page[1:] == page[:-1]
    np.testing.assert_allclose(matrix[1:, names.index("first_prev1")][same_page], first[:-1][same_page])
    without = BoilerplateClassifier(max_iter=30, min_samples_leaf=5, first_pass=0).fit(
        train_pageset.blocks, train_pageset.blocks["label"].to_numpy())
    assert without.first_ is None and not set(FIRST_PASS_NAMES) & set(without.model_features())
    assert without.model_matrix(blocks).shape == (len(blocks), len(names) - len(FIRST_PASS_NAMES))


@pytest.mark.parametrize("bad", [-1, 2.5, True, "40"])
def test_a_first_pass_that_is_not_a_tree_count_is_refused(train_pageset, bad):
    with pytest.raises(ValueError, match="first_pass is the number of trees"):
        BoilerplateClassifier(max_iter=5, first_pass=bad).fit(train_pageset.blocks, train_pageset.blocks["label"])


def test_a_model_pickled_before_the_first_pass_existed_predicts_as_it_did(train_pageset, unseen_pages):
    old = BoilerplateClassifier(max_iter=10, min_samples_leaf=5, first_pass=0).fit(
        train_pageset.blocks, train_pageset.blocks["label"].to_numpy())
    state = old.__getstate__()
    del state["first_pass"], state["first_"], state["page_weight_cap"]  # what an older version of the class pickled
    loaded = BoilerplateClassifier.__new__(BoilerplateClassifier)
    loaded.__setstate__(state)
    np.testing.assert_array_equal(loaded.predict_proba(unseen_pages.blocks), old.predict_proba(unseen_pages.blocks))
    assert clone(loaded).get_params()["first_pass"] == 0
    assert clone(loaded).get_params()["page_weight_cap"] is None  # refitting it weighs pages as it was fitted


@pytest.mark.parametrize("bad", [0, -5.0, float("nan"), float("inf"), "2000", True])
def test_a_page_weight_cap_that_is_not_a_positive_number_is_refused(train_pageset, bad):
    with pytest.raises(ValueError, match="page_weight_cap is a page's largest training weight"):
        BoilerplateClassifier(max_iter=5, page_weight_cap=bad).fit(train_pageset.blocks, train_pageset.blocks["label"])


def test_fit_weighs_pages_by_the_page_weight_cap(train_pageset, unseen_pages):
    blocks, labels = train_pageset.blocks, train_pageset.blocks["label"].to_numpy()
    fitted = {cap: BoilerplateClassifier(max_iter=10, min_samples_leaf=5, page_weight_cap=cap).fit(blocks, labels)
              for cap in (None, 20.0, 1e9)}
    proba = {cap: clf.predict_proba(unseen_pages.blocks)[:, 1] for cap, clf in fitted.items()}
    np.testing.assert_array_equal(proba[1e9], proba[None])  # a cap no page reaches changes nothing
    assert not np.allclose(proba[20.0], proba[None])  # one every page exceeds weighs them alike


def test_a_long_page_weighs_no_more_than_the_page_weight_cap():
    words = np.array([50, 80, 500, 5, 10])  # a block's weight is its words, at most 100
    features = pd.DataFrame({"n_words_log": np.log1p(words)}, index=pd.Index([0, 0, 0, 1, 1], name="page"))
    plain = block_weights(features, 100.0)
    np.testing.assert_allclose(plain, [50, 80, 100, 5, 10])
    capped = block_weights(features, 100.0, 150.0)
    np.testing.assert_allclose(capped[:3].sum(), 150.0)  # the long page, scaled down whole
    np.testing.assert_allclose(capped[:3] / plain[:3], capped[0] / plain[0])
    np.testing.assert_allclose(capped[3:], plain[3:])  # a page under the cap keeps its weights


def test_model_trained_on_text_only_still_predicts_html(train_pageset):
    text_pages = train_pageset.subset((train_pageset.pages["kind"] == "text").to_numpy())
    clf = BoilerplateClassifier(max_iter=10, min_samples_leaf=5)
    clf.fit(text_pages.blocks, text_pages.blocks["label"].to_numpy())
    proba = clf.predict_proba(parse_document(synthetic_html(77, labelled=False))[0])
    assert np.isfinite(proba).all()


# -- classify and clean ------------------------------------------------------------------------

def test_classify_columns_and_values(trained_model):
    page = raw_text(synthetic_lines(321))
    table = trained_model.classify(page)
    assert set(table.columns) == CLASSIFY_COLUMNS
    blocks, _ = parse_document(page)
    assert table["block"].tolist() == list(range(len(blocks)))
    assert table["text"].tolist() == blocks["text"].tolist()
    assert table["line"].tolist() == blocks["line"].tolist()
    assert table["gap_before"].tolist() == blocks["gap_before"].tolist()
    assert set(table["kind"]) == {"text"}
    assert set(table["label"]) <= {CONTENT, BOILERPLATE}
    assert ((table["label"] == CONTENT) == (table["proba"] >= 0.5)).all()


def test_classify_reports_html_kind_and_accepts_bytes(trained_model):
    table = trained_model.classify(synthetic_html(322, labelled=False).encode("utf-8"))
    assert set(table["kind"]) == {"html"}
    assert len(table) > 5


def test_clean_keeps_article_sentences_and_drops_menus(trained_model):
    lines = synthetic_lines(654)
    text = trained_model.clean(raw_text(lines))
    for line in lines:
        if line is None:
            continue
        if line[1]:
            assert line[0] in text
        else:
            assert line[0].strip() not in text.splitlines()
    html_text = trained_model.clean(synthetic_html(654, labelled=False))
    assert "Related posts" not in html_text
    assert "All rights reserved" not in html_text
    assert any(sentence in html_text for sentence in SENTENCES)


def test_a_cross_link_inside_the_article_is_dropped_unless_asked_to_keep_it(trained_model):
    link = "READ MORE: Harbour Festival Draws Record Crowds"
    page = "\n\n".join(SENTENCES[:3] + [link] + SENTENCES[3:6])
    html_page = "<html><body><article>" + "".join(f"<p>{s}</p>" for s in SENTENCES[:3]) + \
        f'<p>READ MORE: <a href="/festival">Harbour Festival Draws Record Crowds</a></p>' + \
        "".join(f"<p>{s}</p>" for s in SENTENCES[3:6]) + "</article></body></html>"
    for document in (page, html_page):
        table = trained_model.classify(document)
        row = table[table["text"].str.startswith("READ MORE")].iloc[0]
        assert row["proba"] == 0.0 and row["label"] == BOILERPLATE
        assert "Harbour Festival" not in trained_model.clean(document)
        keeping = copy.copy(trained_model).set_params(drop_cross_links=False)
        assert keeping.classify(document).loc[row.name, "proba"] > 0.0
        assert (keeping.classify(document).drop(index=row.name)["proba"]
                == table.drop(index=row.name)["proba"]).all()


def test_clean_with_threshold_zero_keeps_every_block_and_the_paragraph_breaks(trained_model):
    page = "Title line\n\n\nFirst paragraph.\nSame paragraph.\n\n  • bullet one\n  • bullet two\n\nLast."
    every_block = copy.copy(trained_model).set_params(page_cut=False)
    assert every_block.clean(page, threshold=0.0) == (
        "Title line\n\nFirst paragraph.\nSame paragraph.\n\n  • bullet one\n  • bullet two\n\nLast.")
    table = every_block.classify(page, threshold=0.0)
    assert (table["label"] == CONTENT).all()


def test_every_decision_is_the_threshold_and_the_page_cut(trained_model, unseen_pages):
    from model.decision import keep_blocks

    blocks = unseen_pages.blocks
    proba = trained_model.predict_proba(blocks)[:, 1]
    cuts = trained_model.page_cuts(proba, blocks)
    for threshold in (0.0, 0.2, trained_model.threshold, 0.6):
        keep = keep_blocks(proba, threshold, cuts)
        model = copy.copy(trained_model).set_params(threshold=threshold)
        assert ((model.predict(blocks) == CONTENT) == keep).all()
        if threshold >= 0.5:  # the cut is at most 0.5: it changes nothing there
            assert (keep == (proba >= threshold)).all()
    assert (proba[proba >= 0.5] >= cuts[proba >= 0.5]).all() and (cuts <= 0.5).all()
    plain = copy.copy(trained_model).set_params(page_cut=False)
    assert ((plain.predict(blocks) == CONTENT) == (proba >= trained_model.threshold)).all()
    assert plain.page_cuts(proba, blocks) is None


def test_clean_html_with_threshold_zero_separates_blocks(trained_model):
    page = "<html><body><h1>Title</h1><p>One.</p><ul><li>a</li><li>b</li></ul></body></html>"
    every_block = copy.copy(trained_model).set_params(page_cut=False)
    assert every_block.clean(page, threshold=0.0) == "Title\n\nOne.\n\na\nb"


def test_threshold_one_keeps_only_certain_blocks(trained_model):
    page = synthetic_html(11, labelled=False)
    table = trained_model.classify(page, threshold=1.0)
    assert ((table["label"] == CONTENT) == (table["proba"] >= 1.0)).all()
    if (table["proba"] < 1.0).all():
        assert trained_model.clean(page, threshold=1.0) == ""


def test_threshold_override_does_not_change_the_model(trained_model):
    page = raw_text(synthetic_lines(12))
    before = trained_model.classify(page)
    trained_model.classify(page, threshold=0.0)
    assert trained_model.threshold == 0.5
    pd.testing.assert_frame_equal(trained_model.classify(page), before)


def test_clean_returns_empty_string_when_nothing_is_kept(trained_model):
    menu = "Home | News | Sport\nSearch this site\n  • Facebook\n  • X\n© 2026 Site. All rights reserved."
    assert (trained_model.classify(menu)["label"] == BOILERPLATE).all()
    assert trained_model.clean(menu) == ""


def test_empty_document_classifies_to_an_empty_table(trained_model):
    for document in ("", b"", "<html><body></body></html>"):
        table = trained_model.classify(document)
        assert len(table) == 0
        assert set(table.columns) == CLASSIFY_COLUMNS
        assert trained_model.clean(document) == ""


def test_join_blocks_puts_a_blank_line_where_a_break_was_dropped_with_its_block():
    table = pd.DataFrame({
        "text": ["A", "B", "C", "D", "E"],
        "label": [CONTENT, BOILERPLATE, CONTENT, CONTENT, CONTENT],
        "gap_before": [False, True, False, False, True],
    })
    # B held the break between A and C; D follows C directly; E starts a new paragraph.
    assert join_blocks(table) == "A\n\nC\nD\n\nE"
    table["label"] = BOILERPLATE
    assert join_blocks(table) == ""


def test_clean_many_equals_clean_one_by_one_for_mixed_kinds(trained_model):
    documents = [raw_text(synthetic_lines(101)), synthetic_html(102, labelled=False).encode("utf-8"), "",
                 raw_text(synthetic_lines(103))]
    together = trained_model.clean_many(documents)
    assert together == [trained_model.clean(d) for d in documents]
    tables = trained_model.classify_many(documents, kind=["text", "html", "auto", "auto"])
    assert [t["kind"].iloc[0] for t in tables if len(t)] == ["text", "html", "text"]
    assert len(tables[2]) == 0
    for table, document in zip(tables, documents):
        pd.testing.assert_frame_equal(table, trained_model.classify(document, kind=table["kind"].iloc[0]
                                                                    if len(table) else "auto"))


def test_clean_many_rejects_a_single_string_and_mismatched_kinds(trained_model):
    with pytest.raises(TypeError, match="list of documents"):
        trained_model.clean_many("one page")
    with pytest.raises(ValueError, match="2 documents but 1 kinds"):
        trained_model.clean_many(["a", "b"], kind=["text"])
    pages = {"https://example.com/a": raw_text(synthetic_lines(106))}
    with pytest.raises(TypeError, match=r"not a dict; .*list\(pages.values\(\)\)"):  # not its URLs cleaned
        trained_model.clean_many(pages)
    with pytest.raises(TypeError, match="not a set"):  # no order to match the results to
        trained_model.clean_many(set(pages.values()))
    for method in (trained_model.clean, trained_model.clean_many):
        with pytest.raises(ValueError, match="kind must be one of auto, text, html, not None"):
            method(pages["https://example.com/a"] if method == trained_model.clean else list(pages.values()), kind=None)


def test_classify_each_gives_the_error_of_a_bad_page_and_the_tables_of_the_others(trained_model):
    from features.decode import PageError

    good = [raw_text(synthetic_lines(104)), synthetic_html(105, labelled=False)]
    documents = [good[0], b"\x89PNG\r\n\x1a\n" + bytes(64), None, good[1]]
    tables = trained_model.classify_each(documents, kind=["text", "auto", "auto", "html"])
    assert isinstance(tables[1], PageError) and isinstance(tables[2], TypeError)
    pd.testing.assert_frame_equal(tables[0], trained_model.classify(good[0], kind="text"))
    pd.testing.assert_frame_equal(tables[3], trained_model.classify(good[1], kind="html"))
    assert [len(t) for t in trained_model.classify_each(good)] == [len(t) for t in trained_model.classify_many(good)]
    with pytest.raises(ValueError, match="2 documents but 1 kinds"):  # never a silently shortened answer
        trained_model.classify_each(good, kind=["text"])
    with pytest.raises(TypeError, match="list of documents"):
        trained_model.classify_each("one page")
    assert all(t.__traceback__ is None and t.__context__ is None for t in tables[1:3])  # nothing holds the batch


def test_classify_each_raises_what_is_not_a_page_error(trained_model, monkeypatch):
    from sklearn.exceptions import NotFittedError

    from model import BoilerplateClassifier

    good = [raw_text(synthetic_lines(106)), raw_text(synthetic_lines(107))]
    with pytest.raises(ValueError, match="kind must be one of"):
        trained_model.classify_each(good, kind="xml")
    with pytest.raises(TypeError, match="threshold must be a number"):
        trained_model.classify_each(good, threshold="0.5")
    with pytest.raises(TypeError, match="limits must be"):
        trained_model.classify_each(good, limits=5)
    with pytest.raises(NotFittedError):
        BoilerplateClassifier().classify_each(good)
    real = trained_model._model_matrix

    def fails_on_batches(matrix, page, texts):  # a failure of the batch call that no single page reproduces
        if len(np.unique(page)) > 1:
            raise RuntimeError("batch bug")
        return real(matrix, page, texts)

    monkeypatch.setattr(trained_model, "_model_matrix", fails_on_batches)
    with pytest.raises(RuntimeError, match="batch bug"):
        trained_model.classify_each(good)


def test_word_model_folds_by_site_and_falls_back_to_pages(train_pageset):
    small = train_pageset.subset(np.arange(len(train_pageset)) < 6)
    blocks, labels = small.blocks, small.blocks["label"].to_numpy()
    clf = BoilerplateClassifier(max_iter=5, min_samples_leaf=5)
    one_site = np.zeros(len(blocks))
    folds = clf._site_folds(blocks["page"].to_numpy(), one_site)
    assert len(folds) == 3  # one site: folds by page instead
    for train, held in folds:
        assert not set(blocks["page"].to_numpy()[train]) & set(blocks["page"].to_numpy()[held])
    sites = blocks["page"].to_numpy() // 2  # three sites of two pages each
    for train, held in clf._site_folds(blocks["page"].to_numpy(), sites):
        assert not set(sites[train]) & set(sites[held])  # a site's words never teach its own fold
    one_page = small.subset(np.arange(len(small)) == 0).blocks
    with pytest.warns(UserWarning, match="out-of-fold"):
        clf.fit(one_page, one_page["label"].to_numpy())
    assert clf.fit(blocks, labels, groups=one_site).predict_proba(blocks).shape == (len(blocks), 2)


def test_stacked_pages_without_a_page_column_are_refused_not_mixed(trained_model):
    first, _ = parse_document(raw_text(synthetic_lines(41)), "text")
    second, _ = parse_document(synthetic_html(42, labelled=False), "html")
    with pytest.raises(ValueError, match="no page column"):
        trained_model.predict_proba(pd.concat([first, second]))
    other, _ = parse_document(raw_text(synthetic_lines(43)), "text")
    for tables in ((first, second), (second, first), (first, other)):
        # ignore_index=True hides the repeated row numbers; the line numbers still start again.
        with pytest.raises(ValueError, match="line numbers that start again"):
            trained_model.predict_proba(pd.concat(tables, ignore_index=True))
    stacked = pd.concat([first.assign(page=0), second.assign(page=1)], ignore_index=True)
    assert np.allclose(trained_model.predict_proba(stacked)[:len(first)], trained_model.predict_proba(first))
