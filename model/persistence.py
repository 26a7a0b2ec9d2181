"""Saving and loading models, with the metadata that says what a model is and whether it fits.

A model file is a joblib file holding a dict::

    {"format": "boilerplate-model", "format_version": 1,
     "metadata": {...plain data...}, "estimator": <joblib bytes of the estimator>}

The estimator is stored as bytes inside, so that the metadata can be read and checked *before*
the estimator is unpickled: a model from another feature-set version or another scikit-learn
release is refused with one clear sentence instead of failing somewhere inside pickle.

A joblib file is a pickle, and loading a pickle runs code stored in it.  So a model file is
opened only when it is trusted, checked by SHA-256 before anything is read from it:

* the bundled model, whose hash ships with the code in ``model/default.sha256`` (``save_model``
  to ``DEFAULT_MODEL`` rewrites that file, so retraining the bundled model updates it);
* a model that ``save_model`` (``boilerplate train``) wrote under this user account: its hash is
  added to the user's trust list (``$BOILERPLATE_TRUSTED_MODELS``, default
  ``~/.local/share/boilerplate/trusted-models.txt``; delete lines or the file to forget);
* any other file only with ``trusted=True`` (``--trust-model`` on the command line).

Metadata keys: ``feature_set_version``, ``feature_names``, ``sklearn_version``, ``threshold``,
``params``, ``training`` (data summary), ``validation`` (figures), ``created``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
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
DEFAULT_MODEL_SHA256 = DEFAULT_MODEL.with_suffix(".sha256")  # "<hex>  default.joblib", as sha256sum writes


class ModelError(Exception):
    """A model file that cannot be used; the message says why and what to do."""


def file_sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def trust_list_path() -> Path:
    """The file listing the SHA-256 of the models this user saved."""
    if os.environ.get("BOILERPLATE_TRUSTED_MODELS"):
        return Path(os.environ["BOILERPLATE_TRUSTED_MODELS"])
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "boilerplate" / "trusted-models.txt"


def _trusted_hashes() -> set[str]:
    hashes = set()
    for source in (DEFAULT_MODEL_SHA256, trust_list_path()):
        try:
            hashes.update(line.split()[0] for line in source.read_text().splitlines() if line.strip())
        except OSError:
            pass
    return hashes


def _remember(path: Path) -> None:
    """Record a model this user saved as trusted (the bundled one in its shipped hash file)."""
    line = f"{file_sha256(path)}  {path.name if path == DEFAULT_MODEL else path.resolve()}\n"
    if path == DEFAULT_MODEL:
        tmp = DEFAULT_MODEL_SHA256.with_name(DEFAULT_MODEL_SHA256.name + ".tmp")
        tmp.write_text(line)
        os.replace(tmp, DEFAULT_MODEL_SHA256)
        return
    try:
        trust_list = trust_list_path()
        trust_list.parent.mkdir(parents=True, exist_ok=True)
        with open(trust_list, "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError:
        pass  # then loading it asks for trusted=True, which says what to do


def check_trusted(path: Path, data: bytes | None = None) -> None:
    """Raise ``ModelError`` unless ``path`` is the bundled model or one this user saved.  ``data``:
    the file's bytes, already read: the very bytes that will be unpickled must be the ones hashed,
    or a file swapped between the check and the load would run unchecked."""
    digest = file_sha256(path) if data is None else hashlib.sha256(data).hexdigest()
    if digest in _trusted_hashes():
        return
    if path.resolve() == DEFAULT_MODEL.resolve():
        raise ModelError(f"the bundled model {path} does not match its SHA-256 in {DEFAULT_MODEL_SHA256.name} "
                         "(it was changed or damaged); reinstall the package, or after retraining it save it "
                         "with save_model, which records the new hash")
    raise ModelError(f"{path} is neither the bundled model nor one saved under this user account, and loading "
                     "a model file runs code stored in it; load it only if you trust where it came from, with "
                     "--trust-model on the command line or load_model(path, trusted=True) in Python")


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def build_metadata(estimator, training: dict | None = None, validation: dict | None = None) -> dict:
    return {
        "feature_set_version": FEATURE_SET_VERSION,
        "feature_names": list(FEATURE_NAMES),
        "model_features": estimator.model_features() if hasattr(estimator, "model_features") else list(FEATURE_NAMES),
        "sklearn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "threshold": float(estimator.threshold),
        "params": estimator.get_params(),
        "training": training or {},
        "validation": validation or {},
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def save_model(estimator, path, training: dict | None = None, validation: dict | None = None) -> dict:
    """Write ``estimator`` and its metadata to ``path`` atomically, and record its SHA-256 as
    trusted (in ``model/default.sha256`` for the bundled model); returns the metadata."""
    path = Path(path)
    if path.resolve() == DEFAULT_MODEL.resolve():
        path = DEFAULT_MODEL
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
    _remember(path)
    return metadata


def read_metadata(path, trusted: bool = False) -> dict:
    """The metadata of a model file, without unpickling its estimator (the file is a pickle all
    the same: ``trusted`` as in ``load_model``)."""
    return _read_payload(path, trusted)["metadata"]


def _read_payload(path, trusted: bool) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path} is a folder, not a model file" if path.is_dir() else f"no model file at {path}")
    try:
        data = path.read_bytes()  # read once: what is hashed is what is unpickled
    except OSError as exc:
        raise ModelError(f"{path} cannot be read ({exc.strerror})") from None
    if not trusted:
        check_trusted(path, data)
    try:
        payload = joblib.load(io.BytesIO(data))
    except Exception as exc:  # truncated, corrupt, or not a joblib file at all
        raise ModelError(f"{path} is not a readable model file ({type(exc).__name__}: {exc}); "
                         "retrain it with 'boilerplate train'") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        how = (": a BoilerplateClassifier saved with joblib.dump has no metadata; save it with "
               "model.save_model(clf, path)" if type(payload).__name__ == "BoilerplateClassifier" else "")
        raise ModelError(f"{path} is not a boilerplate model file (it holds {type(payload).__name__}){how}")
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
    trained = metadata.get("sklearn_version")
    if not isinstance(trained, str) or not trained:
        raise ModelError(f"{path} does not record the scikit-learn version it was saved with, so it may not "
                         "load under this one; retrain it with 'boilerplate train'")
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelError(f"{path} was saved with scikit-learn {trained}, this environment has "
                         f"{sklearn.__version__}; install scikit-learn=={trained} or retrain the model")


def load_model(path=None, trusted: bool = False):
    """Load a model file (default: the bundled model) after checking that it fits this code.

    Loading runs code stored in the file, so only the bundled model and models saved by
    ``save_model`` under this user account load as they are; pass ``trusted=True`` for another
    file you trust (see the module docstring).
    """
    path = DEFAULT_MODEL if path is None else Path(path)
    payload = _read_payload(path, trusted)
    metadata = payload["metadata"]
    check_metadata(metadata, path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # versions were checked above
            estimator = joblib.load(io.BytesIO(payload["estimator"]))
    except Exception as exc:
        raise ModelError(f"{path} holds an estimator that cannot be loaded ({type(exc).__name__}: {exc}); "
                         "retrain it with 'boilerplate train'") from None
    from .estimator import BoilerplateClassifier

    if not isinstance(estimator, BoilerplateClassifier):
        raise ModelError(f"{path} holds a {type(estimator).__name__}, not a BoilerplateClassifier; "
                         "retrain it with 'boilerplate train'")
    estimator.metadata_ = metadata
    return estimator
