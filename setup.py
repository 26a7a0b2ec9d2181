"""Build the compiled core (``features.compiled``): two Cython extensions, each optional.

The DOM walk reads lxml's C tree, so it is compiled against the headers the lxml wheel ships
(``lxml.get_include()``: its .pxd files, ``etree_api.h``, libxml2's headers); nothing is linked.
Where there is no C compiler, or the build fails, the build warns and the package installs in
pure Python: its reference code gives the same results, slower.
"""

from __future__ import annotations

import warnings

from setuptools import setup
from setuptools.command.build_ext import build_ext

WARNING = ("\nWARNING: boilerplate's compiled core was not built ({reason}); the package installs and runs in "
           "pure Python, slower. Install a C compiler (e.g. apt-get install gcc) and the Python headers, then "
           "install the package again.\n")


def _warn(reason: str) -> None:
    # a warning, not a print: pip shows a build backend's warnings, and hides its output
    warnings.warn(WARNING.format(reason=reason), stacklevel=2)


def extensions() -> list:
    try:
        import lxml
        from Cython.Build import cythonize
        from setuptools import Extension
    except ImportError as exc:  # building without isolation, in an environment without them
        _warn(f"{exc.name} is not installed")
        return []
    walk = Extension("features._walk", ["features/_walk.pyx"], include_dirs=lxml.get_include())
    text = Extension("features._text", ["features/_text.pyx"])
    hashing = Extension("model._hashing", ["model/_hashing.pyx"])
    forest = Extension("model._forest", ["model/_forest.pyx"])
    try:
        return cythonize([walk, text, hashing, forest], compiler_directives={"language_level": "3"}, quiet=True)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the pure-Python package
        _warn(f"Cython failed: {exc}")
        return []


class OptionalBuildExt(build_ext):
    """``build_ext`` that warns, once, instead of failing: the extensions are an optional speed-up."""

    def run(self):
        self.failed = {}  # extension: why it was not built
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - no compiler at all (DistutilsPlatformError, ...)
            self.failed["the extensions"] = _reason(exc)
        if self.failed:
            _warn("; ".join(f"{name}: {reason}" for name, reason in self.failed.items()))

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001 - a compiler that fails
            self.failed[ext.name] = _reason(exc)

    def copy_extensions_to_source(self):  # an editable install copies what was built, and only that
        self.extensions = [ext for ext in self.extensions if ext.name not in self.failed]
        super().copy_extensions_to_source()


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}{'...' if len(text) > 200 else ''}"


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
