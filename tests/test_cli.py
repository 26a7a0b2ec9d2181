"""The ``boilerplate`` command (``cli.main`` in-process, plus one real subprocess run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from conftest import REPO_ROOT, SAMPLES, raw_text, synthetic_html, synthetic_lines, write_hand_labelled_dir
from features import FEATURE_NAMES, FEATURE_SET_VERSION
from model import load_model
from model.first_pass import NAMES as FIRST_PASS_NAMES
from model.lexical import NAMES as LEXICAL_NAMES
from training.pages import load_pages

FIGURES = ("block_precision", "block_recall", "block_f1", "word_precision", "word_recall", "word_f1")


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def text_page(tmp_path):
    lines = synthetic_lines(901)
    path = tmp_path / "page.txt"
    path.write_text(raw_text(lines), encoding="utf-8")
    return path, lines


@pytest.fixture
def html_page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(synthetic_html(902, labelled=False), encoding="utf-8")
    return path


# -- clean --------------------------------------------------------------------------------------

def test_clean_text_file(run_cli, model_file, text_page):
    path, lines = text_page
    code, out, err = run_cli(["clean", path, "--model", model_file])
    assert code == 0, err
    for text, is_content in (line for line in lines if line is not None):
        if is_content:
            assert text in out
    assert "Related posts" not in out
    assert "Search this site" not in out
    assert out.endswith("\n") and "\n\n" in out  # paragraph breaks kept


def test_clean_html_file(run_cli, model_file, html_page):
    code, out, err = run_cli(["clean", html_page, "--model", model_file])
    assert code == 0, err
    assert "Related posts" not in out and "All rights reserved" not in out
    assert "var x" not in out  # script text never reaches the output
    assert len(out.split()) > 20


def test_clean_reads_standard_input(run_cli, model_file, text_page):
    path, _ = text_page
    code, out, err = run_cli(["clean", "-", "--model", model_file], stdin=path.read_bytes())
    assert code == 0, err
    assert out == run_cli(["clean", path, "--model", model_file])[1]


def test_clean_json_output_has_one_object_per_block(run_cli, model_file, text_page):
    path, lines = text_page
    code, out, err = run_cli(["clean", path, "--model", model_file, "--output", "json"])
    assert code == 0, err
    rows = json_lines(out)
    blocks = [line for line in lines if line is not None]
    assert len(rows) == len(blocks)
    for i, (row, (text, _)) in enumerate(zip(rows, blocks)):
        assert {"text", "label", "proba", "block", "line"} <= set(row)
        assert row["block"] == i
        assert row["text"] == text
        assert row["label"] in ("content", "boilerplate")
        assert 0.0 <= row["proba"] <= 1.0
        assert (row["label"] == "content") == (row["proba"] >= 0.5) or abs(row["proba"] - 0.5) < 1e-3
        assert row["kind"] == "text"
    assert [r["line"] for r in rows[:3]] == [1, 2, 4]  # menu, search, (blank), title


def test_clean_detects_html_by_content_not_by_file_name(run_cli, model_file, tmp_path):
    misnamed = tmp_path / "page.txt"
    misnamed.write_text(synthetic_html(903, labelled=False), encoding="utf-8")
    rows = json_lines(run_cli(["clean", misnamed, "--model", model_file, "--output", "json"])[1])
    assert {r["kind"] for r in rows} == {"html"}
    text_named_html = tmp_path / "notes.html"
    text_named_html.write_text("Just a note.\nIf a < b then it is smaller.\n", encoding="utf-8")
    rows = json_lines(run_cli(["clean", text_named_html, "--model", model_file, "--output", "json"])[1])
    assert {r["kind"] for r in rows} == {"text"}
    assert rows[1]["text"] == "If a < b then it is smaller."


def test_clean_format_text_forces_plain_text(run_cli, model_file, html_page):
    code, out, _ = run_cli(["clean", html_page, "--model", model_file, "--output", "json", "--format", "text"])
    assert code == 0
    rows = json_lines(out)
    assert {r["kind"] for r in rows} == {"text"}
    assert rows[0]["text"] == "<!DOCTYPE html>"
    assert len(rows) == len([l for l in html_page.read_text().splitlines() if l.strip()])


def test_clean_threshold_override(run_cli, model_file, text_page):
    path, lines = text_page

    def kept(threshold):
        rows = json_lines(run_cli(["clean", path, "--model", model_file, "--output", "json",
                                   "--threshold", threshold])[1])
        assert len(rows) == sum(line is not None for line in lines)  # every block is listed, kept or not
        return {r["block"] for r in rows if r["label"] == "content"}

    low, default, high = kept("0"), kept(str(load_model(model_file).threshold)), kept("1")
    assert low >= default >= high and low > high  # a lower threshold never keeps less
    code, out, _ = run_cli(["clean", path, "--model", model_file, "--threshold", "1"])
    assert code == 0 and out == ""
    code, out, _ = run_cli(["clean", path, "--model", model_file, "--threshold", "0", "--no-page-cut"])
    assert code == 0 and out == raw_text(lines)  # every block, paragraph breaks as in the page


@pytest.mark.parametrize("command", ["clean", "explain", "clean-corpus"])
def test_no_page_cut_without_a_threshold_is_refused(run_cli, model_file, text_page, tmp_path, command):
    # the model's threshold was chosen with the cut: alone it would quietly keep too much
    extra = {"clean": [], "explain": ["--out", tmp_path / "r.html"], "clean-corpus": ["--out", tmp_path / "o"]}[command]
    code, out, err = run_cli([command, text_page[0], "--model", model_file, "--no-page-cut", *extra])
    assert code == 2 and out == "" and "--no-page-cut needs --threshold" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["1.5", "-0.1", "abc"])
def test_clean_rejects_threshold_out_of_range(run_cli, model_file, text_page, value, capsys):
    with pytest.raises(SystemExit) as info:
        run_cli(["clean", text_page[0], "--model", model_file, "--threshold", value])
    assert info.value.code == 2
    assert "threshold" in capsys.readouterr().err


@pytest.mark.parametrize("command, option, value", [
    ("train", "--holdout", "1"), ("train", "--holdout", "-0.2"), ("train", "--cv", "1"), ("train", "--max-iter", "0"),
    ("train", "--learning-rate", "-1"), ("train", "--learning-rate", "nan"), ("train", "--max-leaf-nodes", "1"),
    ("train", "--limit", "0"), ("evaluate", "--cv", "0"), ("evaluate", "--importance", "-3"),
    ("evaluate", "--threshold", "abc"), ("clean-corpus", "--jobs", "0"), ("clean-corpus", "--batch-size", "-1"),
    ("clean-corpus", "--site-min-pages", "1"), ("clean-corpus", "--site-share", "1.5"), ("train", "--max-iter", "2.5"),
])
def test_numeric_options_out_of_range_are_refused_before_any_work(run_cli, tmp_path, capsys, command, option, value):
    # A missing --data folder would be the next error: a bad option must stop the command first.
    where = {"train": ["--data", tmp_path / "none", "--out", tmp_path / "m.joblib"],
             "evaluate": ["--data", tmp_path / "none"], "clean-corpus": [tmp_path / "none.jsonl", "--out", tmp_path / "o"]}
    with pytest.raises(SystemExit) as info:
        run_cli([command, *where[command], option, value])
    err = capsys.readouterr().err
    assert info.value.code == 2 and f"argument {option}: must be" in err and repr(value) in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_evaluate_refuses_an_unknown_extractor_before_reading_pages(run_cli, model_file, tmp_path):
    code, out, err = run_cli(["evaluate", "--model", model_file, "--data", tmp_path / "none", "--compare",
                              "keep-all,bogus"])
    assert code == 2 and out == "" and "--compare: unknown extractor(s) bogus" in err


@pytest.mark.parametrize("command", ["clean", "explain"])
def test_html_forced_on_a_page_without_markup_is_read_as_asked_with_a_warning(run_cli, model_file, text_page,
                                                                              tmp_path, command):
    extra = ["--out", tmp_path / "r.html"] if command == "explain" else []
    code, _, err = run_cli([command, text_page[0], "--model", model_file, "--format", "html", *extra])
    assert code == 0 and f"warning: {text_page[0]} has no markup" in err and "--format text" in err
    code, _, err = run_cli([command, text_page[0], "--model", model_file, *extra])
    assert code == 0 and "warning" not in err


def test_clean_missing_file_is_one_line_and_exit_2(run_cli, model_file, tmp_path):
    missing = tmp_path / "nope.html"
    code, out, err = run_cli(["clean", missing, "--model", model_file])
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(missing) in err and "Traceback" not in err


def test_clean_with_missing_or_broken_model_is_one_line_and_exit_2(run_cli, text_page, tmp_path):
    missing = tmp_path / "absent.joblib"
    code, _, err = run_cli(["clean", text_page[0], "--model", missing])
    assert code == 2 and len(err.strip().splitlines()) == 1 and str(missing) in err
    broken = tmp_path / "broken.joblib"
    broken.write_bytes(b"not a model")
    code, _, err = run_cli(["clean", text_page[0], "--model", broken])
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_clean_end_to_end_in_a_subprocess(model_file, text_page):
    path, lines = text_page
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", "clean", "-",
                             "--model", str(model_file)],
                            input=path.read_bytes(), capture_output=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode("utf-8")
    assert next(text for text, keep in (l for l in lines if l) if keep) in out
    missing = subprocess.run([sys.executable, "-c", "import sys, cli; sys.exit(cli.main())", "clean",
                              "/no/such/page.html", "--model", str(model_file)],
                             capture_output=True, env=env, timeout=120)
    assert missing.returncode == 2
    assert missing.stderr.decode().count("\n") == 1 and b"Traceback" not in missing.stderr


# -- train / evaluate --------------------------------------------------------------------------

def test_train_then_evaluate_writes_figures(run_cli, tmp_path):
    data = write_hand_labelled_dir(tmp_path / "data", n_text=6, n_html=6)
    model_path = tmp_path / "m.joblib"
    code, out, err = run_cli(["train", "--data", data, "--out", model_path, "--holdout", "0", "--quiet",
                              "--max-iter", "20"])
    assert code == 0, err
    assert model_path.is_file()
    assert f"model written to {model_path} (threshold 0.500; not chosen: --holdout 0 validates nothing" in out
    meta = load_model(model_path).metadata_
    assert meta["training"]["pages"] == 12
    assert meta["training"]["data"] == [str(data)]
    assert meta["params"]["max_iter"] == 20
    assert meta["params"]["drop_cross_links"] is True and meta["params"]["page_cut"] is True

    figures = tmp_path / "out.json"
    held_out = write_hand_labelled_dir(tmp_path / "unseen", n_text=3, n_html=3, offset=300)
    per_page = tmp_path / "pages.csv"
    code, out, err = run_cli(["evaluate", "--model", model_path, "--data", held_out, "--json", figures,
                              "--pages", per_page, "--quiet"])
    assert code == 0, err
    assert "word F1" in out
    table = pd.read_csv(per_page)
    assert len(table) == 6 and sorted(table["kind"]) == ["html"] * 3 + ["text"] * 3
    assert table["word_f1"].between(0, 1).all() and (table["oracle_word_f1"] >= table["ceiling_word_f1"]).all()
    result = json.loads(figures.read_text())
    assert set(result["kinds"]) == {"html", "text"}
    for kind, entry in result["kinds"].items():
        overall = entry["report"]["overall"]
        assert overall["pages"] == 3
        for name in FIGURES:
            assert 0.0 <= overall[name] <= 1.0, (kind, name)
        assert overall["word_f1"] >= 0.9, kind  # synthetic pages are easy
        assert overall["ceiling_word_f1"] == 1.0
        assert entry["report"]["threshold"] == load_model(model_path).threshold
        assert entry["report"]["page_cut"] is True
    assert out.count(f"threshold {load_model(model_path).threshold:.3f} with the page cut;") == 2

    # the figures say when they were made without the page cut
    code, out, err = run_cli(["evaluate", "--model", model_path, "--data", held_out, "--json", figures, "--quiet",
                              "--no-page-cut", "--threshold", "0.3"])
    assert code == 0, err
    assert out.count("threshold 0.300 without the page cut;") == 2
    for entry in json.loads(figures.read_text())["kinds"].values():
        assert entry["report"]["threshold"] == 0.3 and entry["report"]["page_cut"] is False


def test_train_with_holdout_records_validation(run_cli, tmp_path):
    data = write_hand_labelled_dir(tmp_path / "data", n_text=5, n_html=5)
    model_path = tmp_path / "m.joblib"
    code, out, err = run_cli(["train", "--data", data, "--out", model_path, "--holdout", "0.3", "--quiet",
                              "--max-iter", "20", "--keep-cross-links", "--no-page-cut"])
    assert code == 0, err
    assert "validation" in out
    meta = load_model(model_path).metadata_
    assert meta["params"]["drop_cross_links"] is False and load_model(model_path).drop_cross_links is False
    assert meta["params"]["page_cut"] is False and meta["validation"]["page_cut"] is False
    assert meta["validation"]["page_ids"]
    by_kind = meta["validation"]["by_kind"]
    assert by_kind, "validation figures are recorded per input kind"
    for rep in by_kind.values():
        assert 0.0 <= rep["overall"]["word_f1"] <= 1.0
    assert meta["validation"]["threshold"] == meta["threshold"]
    assert 0.05 <= meta["threshold"] <= 0.95


def test_train_with_cv_records_cross_validated_figures_and_refuses_no_refit(run_cli, tmp_path):
    data = write_hand_labelled_dir(tmp_path / "data", n_text=4, n_html=4)
    model_path = tmp_path / "m.joblib"
    code, out, err = run_cli(["train", "--data", data, "--out", model_path, "--cv", "2", "--quiet", "--max-iter", "10"])
    assert code == 0, err
    assert "2-fold cross-validation by domain, html input" in out
    meta = load_model(model_path).metadata_
    assert meta["validation"]["split"] == {"cv": 2, "by": "domain"}
    assert meta["training"]["refit_on_all"]
    assert sum(rep["overall"]["pages"] for rep in meta["validation"]["by_kind"].values()) == 8
    code, _, err = run_cli(["train", "--data", data, "--out", tmp_path / "n.joblib", "--cv", "2", "--no-refit",
                            "--quiet"])
    assert code == 2 and "--no-refit" in err
    assert not (tmp_path / "n.joblib").exists()


def test_train_on_bad_data_is_one_line_and_exit_2(run_cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    code, _, err = run_cli(["train", "--data", bad, "--out", tmp_path / "m.joblib", "--quiet"])
    assert code == 2
    assert f"{bad}:1" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m.joblib").exists()


def test_evaluate_with_model_of_other_feature_set_exits_2(run_cli, model_file, tmp_path):
    import joblib

    path = tmp_path / "old.joblib"
    payload = joblib.load(model_file)
    payload["metadata"]["feature_set_version"] = "0"
    joblib.dump(payload, path)
    code, _, err = run_cli(["evaluate", "--model", path, "--data", SAMPLES, "--quiet", "--trust-model"])
    assert code == 2
    assert "feature set 0" in err and len(err.strip().splitlines()) == 1


# -- label / features ---------------------------------------------------------------------------

def test_label_samples_writes_labelled_jsonl(run_cli, tmp_path):
    out_path = tmp_path / "x.jsonl"
    code, out, err = run_cli(["label", "--data", SAMPLES, "--out", out_path, "--quiet"])
    assert code == 0, err
    assert "ceiling" in out and str(out_path) in out
    assert "threshold" not in out and "page cut" not in out  # labels are kept as labelled: no decision to state
    records = json_lines(out_path.read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in records) == ["barley-salad", "harbour-festival", "harbour-news",
                                                "sourdough-thread", "trail-shoe"]
    assert all(b["label"] in ("content", "boilerplate") for r in records for b in r["blocks"])
    again = load_pages([out_path])
    original = load_pages([SAMPLES])
    assert again.blocks["label"].tolist() == original.blocks["label"].tolist()


def test_features_lists_every_feature(run_cli):
    code, out, _ = run_cli(["features"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"feature set {FEATURE_SET_VERSION}: {len(FEATURE_NAMES)} block features")
    listed = [line.split()[1] for line in lines[1:]]
    assert listed == list(FEATURE_NAMES) + list(LEXICAL_NAMES) + list(FIRST_PASS_NAMES)
    assert load_model().model_features() == listed  # the bundled model sees exactly these
    assert all(len(line.split()) >= 3 for line in lines[1:])  # family, name, description


def test_console_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "boilerplate")
    if not os.path.exists(script):
        pytest.skip("boilerplate console script not installed in this environment")
    result = subprocess.run([script, "features"], capture_output=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0
    assert f"{len(FEATURE_NAMES)} block features" in result.stdout.decode()


def test_a_folder_for_a_page_or_an_output_file_fails_before_any_work(run_cli, model_file, text_page, tmp_path):
    code, _, err = run_cli(["clean", tmp_path, "--model", model_file])
    assert code == 2 and "is a folder, not a page" in err
    code, _, err = run_cli(["train", "--data", REPO_ROOT / "data" / "labelled" / "samples.jsonl", "--out", tmp_path])
    assert code == 2 and "is a folder, not a file" in err and "Traceback" not in err
    (tmp_path / "taken").write_text("a file where a folder should be")
    code, _, err = run_cli(["explain", text_page[0], "--out", tmp_path / "taken" / "r.html", "--model", model_file])
    assert code == 2 and "cannot make its folder" in err


def test_output_files_may_go_to_new_folders(run_cli, model_file, text_page, tmp_path):
    code, out, err = run_cli(["explain", text_page[0], "--out", tmp_path / "new" / "r.html", "--model", model_file])
    assert code == 0, err
    assert "<html" in (tmp_path / "new" / "r.html").read_text(encoding="utf-8").lower()


def test_debug_is_accepted_after_the_command_and_shows_the_traceback(run_cli, model_file, tmp_path):
    import cli

    with pytest.raises(cli.CliError, match="no such file"):
        run_cli(["clean", tmp_path / "missing.html", "--model", model_file, "--debug"])


def test_version_names_the_package_and_the_feature_set(capsys):
    import cli

    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert f"feature set {FEATURE_SET_VERSION}" in capsys.readouterr().out
