"""The compiled core: Cython extensions for the hot paths, with the pure-Python code as reference.

``pip install -e .`` compiles ``features/_walk.pyx`` (the DOM walk into blocks, over lxml's C tree),
``features/_text.pyx`` (the per-block text work of the block features, and their neighbour windows), ``model/_hashing.pyx`` (the
word model's hashed n-grams) and ``model/_forest.pyx`` (the tree ensembles' prediction).  Each
extension has a pure-Python reference that gives the same results (``features.html_blocks``' walk;
``features.text_shape._python_counts``, the keys and keyword bits of ``features.context`` and
``features.markup``, ``features.pages.PageIndex``' shift and window_mean; ``model.lexical._python_hash_chunk``; scikit-learn's own prediction), and
the reference runs instead when

- ``BOILERPLATE_PURE_PYTHON=1`` is set when the package is imported;
- the extension was not built (no C compiler at install time: the build warns and goes on);
- the walk was built against another lxml or libxml2 than the one running: it reads lxml's C
  structures, so it is used only with the versions it was compiled against (one warning).

``status()`` says which path runs, and why; ``boilerplate --version`` prints it.  Inside
``with reference():`` this process runs the reference, so that tests and benchmarks can compare
both paths in one process.
"""

from __future__ import annotations

import importlib
import os
import warnings
from contextlib import contextmanager

PURE_PYTHON_ENV = "BOILERPLATE_PURE_PYTHON"
EXTENSIONS = ("features._walk", "features._text", "model._hashing", "model._forest")
_STATUS: dict[str, str] = {}  # extension: "compiled", or why the reference runs instead


def pure_python_requested() -> bool:
    """Whether ``BOILERPLATE_PURE_PYTHON`` asks for the pure-Python reference."""
    return os.environ.get(PURE_PYTHON_ENV, "").strip().lower() not in ("", "0", "false", "no")


def extension(name: str):
    """The compiled module ``name`` (one of ``EXTENSIONS``), or None where the reference runs."""
    if pure_python_requested():
        _STATUS[name] = f"pure Python ({PURE_PYTHON_ENV} is set)"
        return None
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        _STATUS[name] = "pure Python (not built: no C compiler when the package was installed?)"
        return None
    except Exception as exc:  # noqa: BLE001 - built, but it does not load here (another lxml, a missing symbol)
        _STATUS[name] = f"pure Python (the compiled module does not load: {exc})"
        warnings.warn(f"boilerplate: {name} does not load ({exc}); running the pure-Python reference, "
                      "slower: reinstall the package to rebuild it", RuntimeWarning, stacklevel=2)
        return None
    mismatch = _version_mismatch(getattr(module, "BUILT_AGAINST", {}))
    if mismatch:
        _STATUS[name] = f"pure Python (built against {mismatch})"
        warnings.warn(f"boilerplate: {name} was built against {mismatch}; running the pure-Python reference, "
                      "slower: reinstall the package to rebuild it", RuntimeWarning, stacklevel=2)
        return None
    _STATUS[name] = "compiled"
    return module


def running_versions() -> dict[str, str]:
    """The lxml and libxml2 versions of this process, as the extensions record theirs."""
    from lxml import etree

    return {"lxml": etree.__version__, "libxml2": ".".join(map(str, etree.LIBXML_VERSION))}


def _version_mismatch(built: dict[str, str]) -> str:
    """"lxml 6.0.0, running 6.2.0" for each library whose version differs from the build's, or ""."""
    if not built:
        return ""
    running = running_versions()
    return "; ".join(f"{library} {version}, running {running[library]}"
                     for library, version in built.items() if running.get(library) != version)


def status() -> dict[str, str]:
    """Each extension: "compiled", or why its pure-Python reference runs (imports them first)."""
    import features.html_blocks  # noqa: F401 - each module loads its extension at import
    import features.text_shape  # noqa: F401
    import model.lexical  # noqa: F401
    import model.trees  # noqa: F401

    return {name: _STATUS.get(name, "not loaded") for name in EXTENSIONS}


@contextmanager
def reference():
    """Run the pure-Python reference inside the ``with`` block (not thread-safe: for tests and
    benchmarks, which compare both paths in one process)."""
    from features import html_blocks, pages, text_shape
    from model import lexical, trees

    modules = (html_blocks, text_shape, pages, lexical, trees)
    saved = [module._compiled for module in modules]
    for module in modules:
        module._compiled = None
    try:
        yield
    finally:
        for module, extension in zip(modules, saved):
            module._compiled = extension


def summary() -> str:
    """One line for ``--version`` and the benchmarks: "compiled core", or what runs in pure Python."""
    found = status()
    reasons = set(found.values())
    if len(reasons) == 1:
        return "compiled core" if reasons == {"compiled"} else reasons.pop()
    return "; ".join(f"{name}: {reason}" for name, reason in found.items())
