"""The fault suite (issue 24): each reproduction of the robustness audit, on small inputs.

Nothing lost (concurrent runs, bad lines, Parquet schemas, full disks, killed runs), nothing run
(a model file swapped after its trust check), no orphan process, no crash or hang (codecs named by
a page, attributes without end), and a clear sentence for what is refused.
``scripts/fault_report.py`` runs the same reproductions at full size and counts what happens.
"""

from __future__ import annotations

import io

import joblib
import pytest

import model.persistence as persistence
from model import ModelError, load_model


class _RunsCode:
    """Unpickling this creates a file: the harmless stand-in for a malicious payload."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


# -- 7: the trust check and the load read the same bytes -------------------------------------

def test_a_model_file_swapped_after_its_trust_check_is_not_what_gets_unpickled(model_file, tmp_path, monkeypatch):
    path = tmp_path / "mine.joblib"
    path.write_bytes(model_file.read_bytes())  # trusted: the same bytes as a model saved here
    marker = tmp_path / "code-ran"
    checked = persistence.check_trusted

    def check_then_swap(*args, **kwargs):
        checked(*args, **kwargs)
        joblib.dump(_RunsCode(marker), path)  # an attacker wins the race right after the check

    monkeypatch.setattr(persistence, "check_trusted", check_then_swap)
    clf = load_model(path)
    assert not marker.exists()
    assert clf.threshold == load_model(model_file).threshold


# -- 14: models refused in one sentence ------------------------------------------------------

def _with_payload(model_file, path, edit):
    payload = joblib.load(model_file)
    edit(payload)
    joblib.dump(payload, path)
    return path


def _dumped(value) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(value, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("estimator, what", [({"not": "a model"}, "dict"), ([1, 2], "list")])
def test_a_model_file_that_holds_something_else_is_refused_in_one_sentence(model_file, tmp_path, estimator, what):
    path = _with_payload(model_file, tmp_path / "other.joblib", lambda p: p.update(estimator=_dumped(estimator)))
    with pytest.raises(ModelError) as info:
        load_model(path, trusted=True)
    assert str(info.value) == (f"{path} holds a {what}, not a BoilerplateClassifier; "
                               "retrain it with 'boilerplate train'")


@pytest.mark.parametrize("version", [None, 1.9, ""])
def test_a_model_without_its_scikit_learn_version_says_so(model_file, tmp_path, version):
    def edit(payload):
        if version is None:
            del payload["metadata"]["sklearn_version"]
        else:
            payload["metadata"]["sklearn_version"] = version

    path = _with_payload(model_file, tmp_path / "unversioned.joblib", edit)
    with pytest.raises(ModelError, match="does not record the scikit-learn version it was saved with") as info:
        load_model(path, trusted=True)
    assert "?" not in str(info.value) and "\n" not in str(info.value)
