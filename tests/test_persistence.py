"""Saving and loading models (``model.persistence``): round trip, metadata checks, clear errors."""

from __future__ import annotations

import shutil

import joblib
import numpy as np
import pytest
import sklearn

import model.persistence as persistence
from conftest import raw_text, synthetic_html, synthetic_lines
from features import FEATURE_NAMES, FEATURE_SET_VERSION, parse_document
from model import ModelError, load_model, read_metadata, save_model


def _copy(model_file, tmp_path, name="copy.joblib"):
    target = tmp_path / name
    shutil.copyfile(model_file, target)
    return target


def _edit_payload(path, edit):
    payload = joblib.load(path)
    edit(payload)
    joblib.dump(payload, path)


def _assert_one_sentence(message: str, *needles: str):
    assert "\n" not in message
    assert "Traceback" not in message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


def test_round_trip_gives_identical_probabilities(trained_model, model_file):
    loaded = load_model(model_file)
    for page in (raw_text(synthetic_lines(42)), synthetic_html(42, labelled=False)):
        blocks, _ = parse_document(page)
        np.testing.assert_array_equal(loaded.predict_proba(blocks), trained_model.predict_proba(blocks))
    assert loaded.get_params() == trained_model.get_params()


def test_metadata_is_carried(model_file, trained_model):
    loaded = load_model(model_file)
    meta = loaded.metadata_
    assert meta == read_metadata(model_file)
    assert meta["feature_names"] == list(FEATURE_NAMES)
    assert meta["feature_set_version"] == FEATURE_SET_VERSION
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["threshold"] == trained_model.threshold
    assert meta["training"] == {"pages": 48}
    assert meta["validation"] == {"word_f1": 0.9}
    assert meta["params"]["max_iter"] == 30


def test_threshold_is_saved_with_the_model(tmp_path, trained_model):
    import copy

    clf = copy.deepcopy(trained_model).set_params(threshold=0.375)
    path = tmp_path / "sub" / "dir" / "m.joblib"  # missing folders are created
    meta = save_model(clf, path)
    assert meta["threshold"] == 0.375
    assert load_model(path).threshold == 0.375


def test_save_leaves_no_temporary_file_and_replaces_the_old_one(tmp_path, trained_model):
    path = tmp_path / "m.joblib"
    save_model(trained_model, path, training={"run": 1})
    save_model(trained_model, path, training={"run": 2})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.joblib"]
    assert read_metadata(path)["training"] == {"run": 2}


def test_failed_save_keeps_the_old_file_and_cleans_up(tmp_path, trained_model, monkeypatch):
    path = tmp_path / "m.joblib"
    save_model(trained_model, path, training={"run": 1})
    before = path.read_bytes()
    real_dump = joblib.dump

    def failing_dump(value, target, *args, **kwargs):
        if isinstance(target, str) or hasattr(target, "__fspath__"):
            with open(target, "wb") as handle:  # half-written file, then a crash
                handle.write(b"partial")
            raise OSError("disk full")
        return real_dump(value, target, *args, **kwargs)

    monkeypatch.setattr(persistence.joblib, "dump", failing_dump)
    with pytest.raises(OSError, match="disk full"):
        save_model(trained_model, path, training={"run": 2})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.joblib"]


def test_other_feature_set_version_is_refused(model_file, tmp_path):
    path = _copy(model_file, tmp_path)
    _edit_payload(path, lambda p: p["metadata"].update(feature_set_version="0-old"))
    with pytest.raises(ModelError) as info:
        load_model(path, trusted=True)
    _assert_one_sentence(str(info.value), str(path), "feature set 0-old", "retrain")


def test_changed_feature_names_are_refused(model_file, tmp_path):
    path = _copy(model_file, tmp_path)
    _edit_payload(path, lambda p: p["metadata"].update(feature_names=list(FEATURE_NAMES)[:-1]))
    with pytest.raises(ModelError, match="feature set"):
        load_model(path, trusted=True)


def test_code_with_a_new_feature_set_refuses_an_old_model(model_file, monkeypatch):
    monkeypatch.setattr(persistence, "FEATURE_SET_VERSION", "999")
    with pytest.raises(ModelError) as info:
        load_model(model_file)
    _assert_one_sentence(str(info.value), "999")


def test_other_sklearn_minor_version_is_refused(model_file, tmp_path):
    path = _copy(model_file, tmp_path)
    _edit_payload(path, lambda p: p["metadata"].update(sklearn_version="0.24.2"))
    with pytest.raises(ModelError) as info:
        load_model(path, trusted=True)
    _assert_one_sentence(str(info.value), str(path), "scikit-learn 0.24.2", sklearn.__version__)


def test_other_sklearn_patch_version_is_accepted(model_file, tmp_path):
    path = _copy(model_file, tmp_path)
    major, minor = sklearn.__version__.split(".")[:2]
    _edit_payload(path, lambda p: p["metadata"].update(sklearn_version=f"{major}.{minor}.99"))
    assert load_model(path, trusted=True).metadata_["sklearn_version"] == f"{major}.{minor}.99"


def test_truncated_file_raises_model_error(model_file, tmp_path):
    path = tmp_path / "truncated.joblib"
    data = model_file.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError) as info:
        load_model(path, trusted=True)
    _assert_one_sentence(str(info.value), str(path))


@pytest.mark.parametrize("content", [b"", b"this is not a model at all\n", bytes(range(256)) * 4])
def test_garbage_file_raises_model_error(tmp_path, content):
    path = tmp_path / "garbage.joblib"
    path.write_bytes(content)
    with pytest.raises(ModelError) as info:
        load_model(path, trusted=True)
    _assert_one_sentence(str(info.value), str(path))


def test_joblib_file_of_something_else_raises_model_error(tmp_path):
    path = tmp_path / "list.joblib"
    joblib.dump([1, 2, 3], path)
    with pytest.raises(ModelError, match="not a boilerplate model file"):
        load_model(path, trusted=True)


def test_other_format_version_raises_model_error(model_file, tmp_path):
    path = _copy(model_file, tmp_path)
    _edit_payload(path, lambda p: p.update(format_version=99))
    with pytest.raises(ModelError, match="format 99"):
        load_model(path, trusted=True)


def test_corrupt_estimator_bytes_raise_model_error(model_file, tmp_path):
    path = _copy(model_file, tmp_path)
    _edit_payload(path, lambda p: p.update(estimator=p["estimator"][:100]))
    with pytest.raises(ModelError, match="cannot be loaded"):
        load_model(path, trusted=True)


@pytest.mark.parametrize("damage", ["drop", "none"])
def test_payload_without_metadata_raises_model_error(model_file, tmp_path, damage):
    path = _copy(model_file, tmp_path)
    if damage == "drop":
        _edit_payload(path, lambda p: p.pop("metadata"))
    else:
        _edit_payload(path, lambda p: p.update(metadata=None))
    with pytest.raises(ModelError):
        load_model(path, trusted=True)


def test_missing_file_raises_model_error(tmp_path):  # even a trusted one
    with pytest.raises(ModelError, match="no model file"):
        load_model(tmp_path / "absent.joblib")
    with pytest.raises(ModelError, match="is a folder, not a model file"):
        load_model(tmp_path)


def test_an_estimator_dumped_without_save_model_is_told_how_to_save_it(trained_model, tmp_path):
    path = tmp_path / "dumped.joblib"
    joblib.dump(trained_model, path)
    with pytest.raises(ModelError, match=r"has no metadata; save it with model.save_model\(clf, path\)"):
        load_model(path, trusted=True)
