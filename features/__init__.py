"""Blocks and their features.

``parse_document`` splits a page into a block table (``features.blocks``);
``compute_features`` turns a block table of one or many pages into the feature matrix whose
columns are ``FEATURE_NAMES``, in that order.  Each feature is declared with a one-line
description in its family's module; ``describe_features()`` lists them all.

Bump ``FEATURE_SET_VERSION`` whenever a feature is added, removed or computed differently, here
or among the columns the model adds (``model.lexical``, ``model.first_pass``): saved models
record it and refuse to load under another version.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import context, groups, markup, structure, text_shape
from .blocks import COLUMNS as BLOCK_COLUMNS, blocks_from_text, column, empty_blocks, parse_document
from .decode import Limits, PageError, looks_like_html, to_text
from .html_blocks import blocks_from_html
from .pages import PageIndex

FEATURE_SET_VERSION = "11"
FAMILIES = {
    "text": text_shape.FEATURES,
    "markup": markup.FEATURES,
    "context": context.FEATURES,
    "structure": structure.FEATURES,
    "groups": groups.FEATURES,
}
FEATURE_NAMES = tuple(name for family in FAMILIES.values() for name in family)

__all__ = [
    "BLOCK_COLUMNS", "FEATURE_NAMES", "FEATURE_SET_VERSION", "Limits", "PageError", "PageIndex", "blocks_from_html",
    "blocks_from_text", "compute_features", "describe_features", "empty_blocks", "feature_matrix", "looks_like_html",
    "parse_document", "to_text",
]


def describe_features() -> pd.DataFrame:
    """One row per feature: name, family, description."""
    return pd.DataFrame(
        [(name, family, doc) for family, feats in FAMILIES.items() for name, doc in feats.items()],
        columns=["name", "family", "description"],
    )


def compute_features(blocks: pd.DataFrame, page: np.ndarray | None = None) -> pd.DataFrame:
    """Feature matrix (float64, one row per block, columns ``FEATURE_NAMES``, index: page).

    ``blocks`` is a block table; when it holds several pages, ``page`` (or a ``page`` column)
    gives each row's page, pages contiguous and in increasing order.  The page numbers become the
    index of the result, so that a feature matrix still knows its pages.
    """
    missing = [name for name in BLOCK_COLUMNS if name not in blocks.columns and name != "line"]  # line: not read
    if missing:
        raise ValueError(f"not a block table: no {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''} column; "
                         "make one with features.parse_document(page) (lines of text: blocks_from_text)")
    if page is None and "page" not in blocks:
        # Taken as one page, stacked pages would silently mix their features (neighbours, page
        # statistics).  pd.concat of block tables repeats their row numbers; with
        # ignore_index=True, the line numbers still start again where a page does.
        stacked = None
        if not blocks.index.is_unique:
            stacked = "repeats row numbers"
        elif "line" in blocks and _lines_restart(blocks["line"]):
            stacked = "has line numbers that start again"
        if stacked:
            raise ValueError(f"the block table {stacked}, as stacked pages do, but has no page column: "
                             "stack pages with pd.concat([t.assign(page=i) for i, t in enumerate(tables)], "
                             "ignore_index=True)")
    if page is None:
        page = blocks["page"].to_numpy() if "page" in blocks else np.zeros(len(blocks), np.int64)
    return pd.DataFrame(feature_matrix(blocks, page), columns=list(FEATURE_NAMES),
                        index=pd.Index(np.asarray(page), name="page"), copy=False)


def feature_matrix(blocks, page: np.ndarray, extra: int = 0) -> np.ndarray:
    """``compute_features``' values as a column-major float64 array, without checking the table
    or building a frame: ``blocks`` is a block table or ``features.blocks.block_arrays``' dict of
    its columns, ``page`` each row's page (contiguous, increasing).  With ``extra``, the array has
    that many more columns after the features, not filled in (the model's own, written in place)."""
    pages = PageIndex(page)
    texts = [t if type(t) is str else str(t) for t in column(blocks, "text", object)]
    values = text_shape.text_features(texts, pages)
    n_words = np.expm1(values["n_words_log"])
    values.update(markup.markup_features(blocks, pages, n_words, texts))
    values.update(context.context_features(blocks, pages, values, texts))
    values.update(structure.structure_features(column(blocks, "path", object), pages, n_words,
                                               values["link_share"], values["is_prose"]))
    values.update(groups.group_features(blocks, pages, values, texts))
    matrix = np.empty((len(texts), len(FEATURE_NAMES) + extra), order="F")  # column-major: what the trees read fastest
    for j, name in enumerate(FEATURE_NAMES):
        matrix[:, j] = values.pop(name)
    if values:
        raise RuntimeError(f"features computed but not declared: {sorted(values)}")
    return matrix


def _lines_restart(line: pd.Series) -> bool:
    """Whether the source line numbers of a block table go back to the start, as where a second
    page is stacked under a first: back to the first line or below, or to less than half of the
    line before.  Within one page they step back little if at all (one of WCXB dev's 2,990 pages
    does, by one line)."""
    lines = pd.to_numeric(line, errors="coerce").to_numpy(float)
    lines = lines[~np.isnan(lines)]
    before, after = lines[:-1], lines[1:]
    return bool(np.any((after < before) & ((after <= lines[0]) | (after < before / 2)))) if len(lines) > 1 else False
