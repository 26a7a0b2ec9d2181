"""Untrusted, damaged and half-written model files (issue 6).

A model file is a pickle: loading one runs code.  Only the bundled model (SHA-256 shipped with
the code) and models saved by ``save_model`` under this user account load as they are; any other
file needs ``trusted=True`` / ``--trust-model`` and is refused before a byte of it is unpickled.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

import joblib
import pytest

import model.persistence as persistence
from conftest import REPO_ROOT, raw_text, synthetic_lines, write_hand_labelled_dir
from model import DEFAULT_MODEL, ModelError, load_model, read_metadata, save_model


class _RunsCode:
    """Unpickling this opens (creates) a file: the harmless stand-in for a malicious payload."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


def _foreign_copy(model_file, path):
    """A valid model file that this user did not save: same model, other bytes."""
    payload = joblib.load(model_file)
    payload["metadata"]["created"] = "downloaded from somewhere"
    joblib.dump(payload, path)
    return path


def test_a_file_from_elsewhere_is_refused_before_any_of_it_runs(tmp_path):
    marker = tmp_path / "code-ran"
    evil = tmp_path / "model.joblib"
    joblib.dump(_RunsCode(marker), evil)
    for attempt in (lambda: load_model(evil), lambda: read_metadata(evil)):
        with pytest.raises(ModelError) as info:
            attempt()
        message = str(info.value)
        assert "\n" not in message and str(evil) in message
        assert "runs code" in message and "--trust-model" in message and "trusted=True" in message
        assert not marker.exists()
    # Trusting it is the user's call, and it shows why the check matters: the code runs.
    with pytest.raises(ModelError, match="not a boilerplate model file"):
        load_model(evil, trusted=True)
    assert marker.exists()


def test_a_model_saved_here_loads_and_one_changed_byte_makes_it_untrusted(trained_model, tmp_path):
    path = tmp_path / "mine.joblib"
    save_model(trained_model, path)
    assert load_model(path).get_params() == trained_model.get_params()
    assert read_metadata(path)["threshold"] == trained_model.threshold
    with open(path, "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="neither the bundled model nor one saved under this user account"):
        load_model(path)


def test_a_valid_foreign_model_loads_when_trusted(model_file, tmp_path):
    path = _foreign_copy(model_file, tmp_path / "foreign.joblib")
    with pytest.raises(ModelError, match="runs code"):
        load_model(path)
    assert load_model(path, trusted=True).metadata_["created"] == "downloaded from somewhere"


def test_the_trust_list_holds_one_hash_per_saved_model(trained_model, tmp_path):
    save_model(trained_model, tmp_path / "a.joblib")
    lines = persistence.trust_list_path().read_text().splitlines()
    assert lines[-1] == f"{persistence.file_sha256(tmp_path / 'a.joblib')}  {(tmp_path / 'a.joblib').resolve()}"


def test_an_unwritable_trust_list_does_not_stop_saving(trained_model, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("BOILERPLATE_TRUSTED_MODELS", str(blocker / "cannot" / "be" / "here.txt"))
    path = tmp_path / "m.joblib"
    save_model(trained_model, path)
    assert path.is_file()
    with pytest.raises(ModelError, match="trusted=True"):
        load_model(path)
    assert load_model(path, trusted=True).threshold == trained_model.threshold


# -- the bundled model ------------------------------------------------------------------------

def test_the_bundled_model_matches_the_sha256_shipped_with_the_code():
    if not DEFAULT_MODEL.is_file():
        pytest.skip("no bundled model")
    recorded = persistence.DEFAULT_MODEL_SHA256.read_text().split()
    assert recorded == [persistence.file_sha256(DEFAULT_MODEL), "default.joblib"], (
        "model/default.joblib changed without its hash: save it with save_model(clf, model.DEFAULT_MODEL) "
        "(boilerplate train --out model/default.joblib does), or run 'sha256sum default.joblib > default.sha256' "
        "in model/ if you trust the new file")


def test_a_copy_of_the_bundled_model_is_trusted_by_its_hash(tmp_path):
    if not DEFAULT_MODEL.is_file():
        pytest.skip("no bundled model")
    copy = tmp_path / "copy.joblib"
    shutil.copyfile(DEFAULT_MODEL, copy)
    persistence.check_trusted(copy)  # no ModelError


@pytest.fixture
def bundled_in_tmp(tmp_path, monkeypatch):
    """DEFAULT_MODEL and its hash file moved to a temporary folder."""
    monkeypatch.setattr(persistence, "DEFAULT_MODEL", tmp_path / "default.joblib")
    monkeypatch.setattr(persistence, "DEFAULT_MODEL_SHA256", tmp_path / "default.sha256")
    return tmp_path


def test_saving_the_bundled_model_records_its_new_hash(trained_model, bundled_in_tmp):
    save_model(trained_model, bundled_in_tmp / "default.joblib", training={"bytes": "unlike any other save"})
    digest = persistence.file_sha256(bundled_in_tmp / "default.joblib")
    assert (bundled_in_tmp / "default.sha256").read_text() == f"{digest}  default.joblib\n"
    assert load_model().threshold == trained_model.threshold
    trust_list = persistence.trust_list_path()
    assert not trust_list.exists() or digest not in trust_list.read_text()  # the hash file is its record


def test_a_changed_bundled_model_is_refused_with_what_to_do(trained_model, bundled_in_tmp):
    save_model(trained_model, bundled_in_tmp / "default.joblib", training={"bytes": "unlike any other save 2"})
    (bundled_in_tmp / "default.sha256").write_text("0" * 64 + "  default.joblib\n")
    with pytest.raises(ModelError) as info:
        load_model()
    message = str(info.value)
    assert "\n" not in message
    assert "does not match its SHA-256 in default.sha256" in message and "reinstall" in message
    (bundled_in_tmp / "default.sha256").unlink()
    with pytest.raises(ModelError, match="does not match its SHA-256"):
        load_model()


# -- interrupted saves ------------------------------------------------------------------------

def test_an_interrupted_save_keeps_the_old_model_and_leaves_no_temporary_file(trained_model, tmp_path, monkeypatch):
    path = tmp_path / "m.joblib"
    save_model(trained_model, path, training={"run": 1})
    before = path.read_bytes()
    real_dump = joblib.dump

    def interrupted_dump(value, target, *args, **kwargs):
        if isinstance(target, (str, os.PathLike)):
            with open(target, "wb") as handle:
                handle.write(b"half a model")
            raise KeyboardInterrupt
        return real_dump(value, target, *args, **kwargs)

    monkeypatch.setattr(persistence.joblib, "dump", interrupted_dump)
    with pytest.raises(KeyboardInterrupt):
        save_model(trained_model, path, training={"run": 2})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.joblib"]
    assert read_metadata(path)["training"] == {"run": 1}


def test_a_killed_save_never_leaves_a_half_written_model_at_the_target(model_file, tmp_path):
    """SIGKILL in the middle of writing: no cleanup runs, yet the target is never half written."""
    target = tmp_path / "m.joblib"
    script = f"""
import os, signal, joblib
import model.persistence as persistence
from model import load_model
clf = load_model({str(model_file)!r})
real_dump = joblib.dump
def dump_then_die(value, path, *args, **kwargs):
    if isinstance(path, str):
        with open(path, "wb") as handle:
            handle.write(b"half a model")
        os.kill(os.getpid(), signal.SIGKILL)
    return real_dump(value, path, *args, **kwargs)
persistence.joblib.dump = dump_then_die
persistence.save_model(clf, {str(target)!r})
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()
    assert not target.exists()
    leftovers = [p.name for p in tmp_path.iterdir()]
    assert all(name.startswith("m.joblib.") and name.endswith(".tmp") for name in leftovers)


def test_an_interrupted_training_run_writes_no_model(run_cli, tmp_path, monkeypatch):
    from model import BoilerplateClassifier

    def interrupted_fit(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(BoilerplateClassifier, "fit", interrupted_fit)
    data = write_hand_labelled_dir(tmp_path / "data", n_text=3, n_html=3)
    out = tmp_path / "out" / "m.joblib"
    code, _, err = run_cli(["train", "--data", data, "--out", out, "--quiet", "--holdout", "0"])
    assert code == 130 and "interrupted" in err
    assert not out.exists() and not (out.parent.exists() and any(out.parent.iterdir()))


# -- the command line -------------------------------------------------------------------------

def test_cli_refuses_a_foreign_model_in_one_sentence_and_loads_it_with_trust_model(run_cli, model_file, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(raw_text(synthetic_lines(77)), encoding="utf-8")
    foreign = _foreign_copy(model_file, tmp_path / "foreign.joblib")
    for command in (["clean", page], ["evaluate", "--data", write_hand_labelled_dir(tmp_path / "d", 2, 2), "--quiet"]):
        code, out, err = run_cli(command + ["--model", foreign])
        assert code == 2 and out == ""
        assert len(err.strip().splitlines()) == 1 and "--trust-model" in err and str(foreign) in err
        code, out, err = run_cli(command + ["--model", foreign, "--trust-model"])
        assert code == 0, err


def test_cli_trains_a_model_and_uses_it_without_trust_model(run_cli, tmp_path):
    data = write_hand_labelled_dir(tmp_path / "data", n_text=4, n_html=4)
    path = tmp_path / "m.joblib"
    assert run_cli(["train", "--data", data, "--out", path, "--quiet", "--holdout", "0", "--max-iter", "10"])[0] == 0
    page = tmp_path / "page.txt"
    page.write_text(raw_text(synthetic_lines(78)), encoding="utf-8")
    code, out, err = run_cli(["clean", page, "--model", path])
    assert code == 0, err
