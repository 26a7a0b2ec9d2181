"""Split a page into blocks: the rows every later step works on.

A *block table* is a pandas DataFrame with one row per block, in page order:

=============  =======================================================================
column         meaning
=============  =======================================================================
line           line of the source where the block starts (1-based)
text           the block's text (plain text: the line exactly as given; HTML: the
               element's text with whitespace collapsed, but a ``pre`` block keeps its
               line breaks, one between each of its non-blank lines)
gap_before     a paragraph break (blank line, or a new HTML block outside a list)
               separates it from the previous block
indent         leading spaces of the line (plain text); 0 for HTML
tag            innermost block-level element (``p``, ``li``, ``td``...); ``""`` for text
depth          DOM depth of that block-level element
landmarks      bit set of enclosing landmarks, see ``LANDMARKS``
heading        1-6 inside ``h1``-``h6``, else 0
in_list        inside ``li``/``dt``/``dd``
in_table       inside ``td``/``th``
in_pre         inside ``pre`` or ``code``
concealed      bit set: 1 inside a hidden element (``hidden``, ``display:none``), 2 in noscript
link_chars     non-space characters of the text that sit inside links
n_links        number of links that start in the block
attrs          class and id tokens of the enclosing elements, innermost first
own_attrs      class and id tokens of the nearest enclosing element that has any
path           serial numbers of the enclosing block-level elements, outermost first (a tuple;
               blocks sharing a serial share that container); ``()`` for text
=============  =======================================================================

For plain text the markup columns hold missing values (NaN, ``""``): the page carries no such
evidence, and a zero would claim it does.  ``parse_document`` is the one entry point; it refuses
binary data and pages over the ``Limits`` with a ``PageError`` (``features.decode``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .decode import DEFAULT_LIMITS, Limits, PageError, check_limits, check_page, resolve_kind, to_text

LANDMARKS = ("nav", "header", "footer", "aside", "article", "main", "form")
MARKUP_COLUMNS = (
    "tag", "depth", "landmarks", "heading", "in_list", "in_table", "in_pre", "concealed",
    "link_chars", "n_links", "attrs", "own_attrs", "path",
)
COLUMNS = ("text", "line", "gap_before", "indent") + MARKUP_COLUMNS
_STRING_COLUMNS = ("text", "tag", "attrs", "own_attrs")
_OBJECT_COLUMNS = _STRING_COLUMNS + ("path",)


def empty_blocks(with_labels: bool = False) -> pd.DataFrame:
    """A block table with no rows and every column."""
    frame = blocks_frame({name: [] for name in COLUMNS})
    if with_labels:
        frame["label"] = pd.Series([], dtype=object)
    return frame


def blocks_frame(columns) -> pd.DataFrame:
    """Build a block table from column lists, with the documented dtypes.

    ``columns`` may also be a list of such dicts, one per page: they are stacked into one table
    with a ``page`` column (0, 1, ... in list order), built at once rather than page by page."""
    data = {name: pd.Series(values, dtype=object, copy=False) if values.dtype == object else values
            for name, values in block_arrays(columns).items()}  # object: not pandas' string dtype
    return pd.DataFrame(data, copy=False)


def block_arrays(columns) -> dict[str, np.ndarray]:
    """``blocks_frame``'s columns as numpy arrays, without the frame: what the features read
    (``features.feature_matrix`` takes either), for a call that needs no table."""
    page = None
    if isinstance(columns, list):
        page = np.repeat(np.arange(len(columns)), [len(c["text"]) for c in columns])
        columns = {name: [v for c in columns for v in c[name]] for name in COLUMNS}
    data = {}
    for name in COLUMNS:
        values = columns[name]
        if name in _OBJECT_COLUMNS:
            array = np.empty(len(values), dtype=object)
            array[:] = values
            data[name] = array
        elif name == "gap_before":
            data[name] = np.asarray(values, dtype=bool)
        else:
            data[name] = np.asarray(values, dtype=np.float64)
    if page is not None:
        data["page"] = np.asarray(page, dtype=np.int64)
    return data


def column(blocks, name: str, dtype=None) -> np.ndarray:
    """Column ``name`` of a block table (a DataFrame, or ``block_arrays``' dict) as a numpy array."""
    values = blocks[name]
    return values.to_numpy(dtype) if isinstance(values, pd.Series) else np.asarray(values, dtype=dtype)


def too_many_blocks(limits: Limits) -> PageError:
    return PageError(f"the page has more than {limits.max_blocks:,} blocks (the max_blocks limit); "
                     "raise the limit to read it", limit="max_blocks")


def blocks_from_text(text: str, limits: Limits | None = DEFAULT_LIMITS) -> pd.DataFrame:
    """One block per non-blank line; blank lines become ``gap_before`` of the next block.

    Raises ``PageError`` past ``limits.max_blocks`` blocks."""
    return blocks_frame(text_columns(text, check_limits(limits)))


def split_lines(text: str) -> list[str]:
    """The lines of plain text, ended by LF, CRLF or a lone CR (numbered from 1 as they come)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def text_columns(text: str, limits: Limits = DEFAULT_LIMITS) -> dict:
    """``blocks_from_text`` as a dict of column lists (``blocks_frame`` builds the table)."""
    lines = split_lines(text)
    kept, numbers, gaps, indents = [], [], [], []
    gap = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            gap = bool(kept)
            continue
        if len(kept) == limits.max_blocks:
            raise too_many_blocks(limits)
        kept.append(line)
        numbers.append(number)
        gaps.append(gap)
        indents.append(len(line) - len(line.lstrip()))
        gap = False
    n = len(kept)
    nan = [np.nan] * n
    return {
        "text": kept, "line": numbers, "gap_before": gaps, "indent": indents,
        **{name: ([""] * n if name in _STRING_COLUMNS else [()] * n if name == "path" else nan)
           for name in MARKUP_COLUMNS},
    }


def parse_document(document: str | bytes, kind: str = "auto", limits: Limits | None = None,
                   charset: str | None = None) -> tuple[pd.DataFrame, str]:
    """Decode ``document``, pick its kind and split it into blocks.

    Returns ``(blocks, kind)`` where ``kind`` is ``"html"`` or ``"text"``.  Raises ``PageError``
    (a ``ValueError``) for binary data and for a page over ``limits`` (default ``Limits()``).
    ``charset``: for bytes, the charset their transport declares (an HTTP ``Content-Type``
    header's), before the page's own ``<meta>`` (``features.decode.decode_bytes``).
    """
    columns, kind = parse_columns(document, kind, limits, charset)
    return blocks_frame(columns), kind


def parse_columns(document: str | bytes, kind: str = "auto", limits: Limits | None = None,
                  charset: str | None = None) -> tuple[dict, str]:
    """``parse_document`` with the blocks as a dict of column lists: pass a list of them to
    ``blocks_frame`` to stack many pages into one table."""
    from .html_blocks import html_columns

    limits = check_limits(limits)
    if isinstance(document, (bytearray, memoryview)):
        document = bytes(document)
    check_page(document, limits)
    text = to_text(document, charset)
    kind = resolve_kind(text, kind)
    return (html_columns(text, limits=limits) if kind == "html" else text_columns(text, limits)), kind
