"""The oracle, the line baselines, permutation importance and the explain report."""

from __future__ import annotations

import numpy as np
import pytest
import pandas as pd

from features import parse_document
from model import prepare_blocks
from model.explain import explain, report_html
from training.compare import c4_keep, compare
from training.evaluate import report, scorer_for
from training.importance import permutation_importance
from training.metrics import word_prf
from training.oracle import oracle_selection
from training.pages import PageSet


def one_page(lines, labels, gold):
    blocks, _ = parse_document("\n".join(lines), "text")
    blocks["label"] = labels
    return PageSet.from_pages([({"id": "p", "kind": "text", "gold": gold}, blocks)])


def brute_force_best(texts, gold):
    best = 0.0
    for mask in range(1 << len(texts)):
        kept = "\n".join(t for i, t in enumerate(texts) if mask >> i & 1)
        best = max(best, word_prf(kept, gold)[2])
    return best


def test_oracle_reaches_the_best_selection_and_never_does_worse_than_the_labels():
    texts = ["Home news sport", "The river rose by two metres in the night", "Read more about the river",
             "Residents moved their cars to higher ground", "Share this", "Copyright river news"]
    gold = "The river rose by two metres in the night. Residents moved their cars to higher ground. River news"
    labels = [False, True, False, False, False, False]  # a poor labelling to start from
    pages = one_page(texts, labels, gold)
    scorer = scorer_for(pages)
    keep = oracle_selection(scorer, np.array(labels))
    oracle = scorer.score(keep)[2][0]
    assert oracle >= scorer.score(np.array(labels))[2][0]
    assert np.isclose(oracle, brute_force_best(texts, gold))


def test_oracle_keeps_nothing_when_the_gold_is_empty():
    pages = one_page(["menu", "footer"], [True, False], "")
    scorer = scorer_for(pages)
    assert not oracle_selection(scorer, np.array([True, False])).any()


def test_report_carries_the_oracle_beside_the_labels_ceiling():
    pages = one_page(["Home news sport", "The river rose by two metres in the night"], [False, True],
                     "The river rose by two metres in the night")
    rep = report(pages, np.array([0.1, 0.9]), 0.5)
    assert rep["overall"]["oracle_word_f1"] >= rep["overall"]["ceiling_word_f1"] == 1.0


def test_c4_rules_keep_sentences_and_drop_short_lines_and_notices():
    lines = ["The festival returns to the harbour this summer.", "Home | News", "Read more",
             "We use cookies to improve your experience.", "Enable JavaScript to view this page.",
             "Lorem ipsum dolor sit amet.", "It was \"the best year yet,\" she said!"]
    assert c4_keep(lines).tolist() == [True, False, False, False, False, False, True]


def test_line_baselines_run_on_any_page():
    pages = one_page(["Home news sport", "The river rose by two metres in the night."], [False, True],
                     "The river rose by two metres in the night.")
    results = compare(pages, ["keep-all", "c4-rules"])
    assert results["c4-rules"]["scores"]["word_f1"].iloc[0] == 1.0
    assert results["keep-all"]["scores"]["word_f1"].iloc[0] < 1.0


def test_permutation_importance_lists_every_model_feature(trained_model, train_pageset):
    small = train_pageset.subset(np.arange(len(train_pageset)) < 6)
    table = permutation_importance(trained_model, prepare_blocks(small.blocks), scorer_for(small), 0.5)
    assert sorted(table["feature"]) == sorted(trained_model.model_features())
    assert table["f1_drop"].is_monotonic_decreasing
    assert table["f1_drop"].iloc[0] > 0  # the model relies on something
    matrix = trained_model.model_matrix(prepare_blocks(small.blocks))
    constant = [name for j, name in enumerate(trained_model.model_features())
                if np.allclose(matrix[:, j], matrix[0, j], equal_nan=True)]
    assert constant  # e.g. markup features, missing on every plain-text block
    drops = table.set_index("feature")["f1_drop"]
    assert (drops[constant] == 0).all()  # shuffling a constant column changes nothing


def test_explain_gives_reasons_and_a_report_with_every_block(trained_model):
    page = ("Home | News | Sport\n\nThe council met on Tuesday evening to discuss the new budget for the year.\n\n"
            "Share this")
    table, reasons = explain(trained_model, page, kind="text")
    assert len(table) == len(reasons) == 3
    matrix = trained_model.model_matrix(parse_document(page, "text")[0])
    names = trained_model.model_features()
    base = trained_model.proba_from_matrix(matrix)
    assert any(reasons)
    for i, why in enumerate(reasons):
        for name, value, change in why:
            j = names.index(name)
            assert value == matrix[i, j] or (np.isnan(value) and np.isnan(matrix[i, j]))
            without = matrix.copy()
            without[i, j] = np.nan  # the change is what taking this feature away does to this block
            assert change == pytest.approx(base[i] - trained_model.proba_from_matrix(without)[i], abs=1e-9)
    html = report_html(table, reasons, "page <1>", 0.2)
    assert html.count('class="block ') == 3 and 'id="b1"' in html
    assert "page &lt;1&gt;" in html and "<script" not in html
    cut = table.attrs["page_cut"]  # the labels are the model's decision, and the report says why
    assert f"this page's cut {cut:.3f}" in html and f"at least {max(0.2, cut):.3f}" in html
    assert (table["label"] == trained_model.classify(page, kind="text")["label"]).all()


def test_explain_computes_the_page_features_once(trained_model, monkeypatch):
    import model.estimator

    calls, compute = [], model.estimator.compute_features
    monkeypatch.setattr(model.estimator, "compute_features", lambda b: calls.append(len(b)) or compute(b))
    page = "Home | News\n\nThe council met on Tuesday evening to discuss the new budget for the year.\n"
    table, _ = explain(trained_model, page, kind="text")
    assert calls == [2] and table.attrs["page_cut"] is not None  # for the probabilities and the page cut


def test_explain_cli_writes_the_report(run_cli, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Menu\n\nA long sentence about the river that rose by two metres in the night.\n")
    out = tmp_path / "report.html"
    code, stdout, err = run_cli(["explain", page, "--out", out, "--model", model_file])
    assert code == 0, err
    assert "2 blocks explained" in stdout and out.read_text().count('class="block ') == 2


def test_explain_of_an_empty_page_is_an_empty_report(trained_model):
    table, reasons = explain(trained_model, "", kind="text")
    assert len(table) == 0 and reasons == []
    assert 'class="block ' not in report_html(table, reasons, "empty", 0.5)
