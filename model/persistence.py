"""Saving and loading models, with the metadata that says what a model is and whether it fits.

A model file is a joblib file holding a dict::

    {"format": "boilerplate-model", "format_version": 1,
     "metadata": {...plain data...}, "estimator": <joblib bytes of the estimator>}

The estimator is stored as bytes inside, so that the metadata can be read and checked *before*
the estimator is unpickled: a model from another feature-set version or another scikit-learn
release is refused with one clear sentence instead of failing somewhere inside pickle.

Metadata keys: ``feature_set_version``, ``feature_names``, ``sklearn_version``, ``threshold``,
``params``, ``training`` (data summary), ``validation`` (figures), ``created``.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import platform
import tempfile
import warnings
from pathlib import Path

import joblib
import sklearn

from features import FEATURE_NAMES, FEATURE_SET_VERSION

FORMAT = "boilerplate-model"
FORMAT_VERSION = 1
DEFAULT_MODEL = Path(__file__).with_name("default.joblib")


class ModelError(Exception):
    """A model file that cannot be used; the message says why and what to do."""


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def build_metadata(estimator, training: dict | None = None, validation: dict | None = None) -> dict:
    return {
        "feature_set_version": FEATURE_SET_VERSION,
        "feature_names": list(FEATURE_NAMES),
        "sklearn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "threshold": float(estimator.threshold),
        "params": estimator.get_params(),
        "training": training or {},
        "validation": validation or {},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def save_model(estimator, path, training: dict | None = None, validation: dict | None = None) -> dict:
    """Write ``estimator`` and its metadata to ``path`` atomically; returns the metadata."""
    path = Path(path)
    metadata = build_metadata(estimator, training, validation)
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    payload = {"format": FORMAT, "format_version": FORMAT_VERSION, "metadata": metadata,
               "estimator": buffer.getvalue()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        joblib.dump(payload, tmp, compress=3)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a model is not a secret
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return metadata


def read_metadata(path) -> dict:
    """The metadata of a model file, without unpickling its estimator."""
    return _read_payload(path)["metadata"]


def _read_payload(path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"no model file at {path}")
    try:
        payload = joblib.load(path)
    except Exception as exc:  # truncated, corrupt, or not a joblib file at all
        raise ModelError(f"{path} is not a readable model file ({type(exc).__name__}: {exc}); "
                         "retrain it with 'boilerplate train'") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError(f"{path} is not a boilerplate model file (it holds {type(payload).__name__})")
    if payload.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{path} is model format {payload.get('format_version')}, this code reads "
                         f"format {FORMAT_VERSION}; retrain it with 'boilerplate train'")
    if not isinstance(payload.get("metadata"), dict) or not isinstance(payload.get("estimator"), bytes):
        raise ModelError(f"{path} is a damaged model file (its metadata or estimator is missing); "
                         "retrain it with 'boilerplate train'")
    return payload


def check_metadata(metadata: dict, path) -> None:
    """Raise ``ModelError`` when the model does not match this code or this scikit-learn."""
    version = metadata.get("feature_set_version")
    if version != FEATURE_SET_VERSION or metadata.get("feature_names") != list(FEATURE_NAMES):
        raise ModelError(f"{path} was trained on feature set {version}, this code computes feature set "
                         f"{FEATURE_SET_VERSION}; retrain it with 'boilerplate train'")
    trained = metadata.get("sklearn_version", "?")
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelError(f"{path} was saved with scikit-learn {trained}, this environment has "
                         f"{sklearn.__version__}; install scikit-learn=={trained} or retrain the model")


def load_model(path=None):
    """Load a model file (default: the bundled model) after checking that it fits this code."""
    path = DEFAULT_MODEL if path is None else Path(path)
    payload = _read_payload(path)
    metadata = payload["metadata"]
    check_metadata(metadata, path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # versions were checked above
            estimator = joblib.load(io.BytesIO(payload["estimator"]))
    except Exception as exc:
        raise ModelError(f"{path} holds an estimator that cannot be loaded ({type(exc).__name__}: {exc}); "
                         "retrain it with 'boilerplate train'") from None
    estimator.metadata_ = metadata
    return estimator
