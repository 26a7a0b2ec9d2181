"""Labelled pages: the ``PageSet`` that training and evaluation use, and the files it is read from.

Formats (documented in the README):

* **JSONL** (``.jsonl`` / ``.jsonl.gz``), one page per line::

    {"id": "p1", "url": "https://...", "domain": "example.com", "page_type": "article",
     "kind": "text", "gold": "optional main text",
     "blocks": [{"text": "Home", "label": "boilerplate"}, {"text": "...", "label": "content"}]}

  Blocks may carry any block-table column (``gap_before``, ``tag``, ``depth``...; see
  ``features.blocks``); ``boilerplate label`` writes them all for HTML pages.  A line may
  instead hold an unlabelled page with its gold text (``html`` or ``text`` plus
  ``main_content``): it is labelled on the fly by aligning the gold text (``training.gold``).

* **Hand-labelled plain text** (``.txt``): every non-blank line starts with ``+`` (content) or
  ``-`` (boilerplate) and one space, then the line as it appears in the page; blank lines are
  paragraph breaks; lines starting with ``#`` are comments, ``# key: value`` before the first
  block sets ``url``, ``domain``, ``page_type`` or ``id``.

* **Hand-labelled HTML** (``.html`` / ``.htm``): elements carry ``data-label="content"`` or
  ``data-label="boilerplate"``; every block takes the label of its nearest labelled ancestor.

* **A WCXB directory** (``ground-truth/`` and ``html/`` inside, or a ``dev/`` holding them):
  labelled on the fly from its gold main texts.

A malformed page (bad JSON, an unknown label, a page with neither blocks nor a gold text, bytes
that are not UTF-8, a binary file) raises ``DataError`` naming the file and line; with
``load_pages(..., on_error=report)`` it is reported and skipped instead (``--skip-bad``).
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from corpus.formats import json_line
from features.blocks import COLUMNS, MARKUP_COLUMNS, blocks_frame, blocks_from_text, split_lines
from features.decode import PageError, check_page, to_text
from features.function_words import guess_language
from features.html_blocks import blocks_from_html
from model.estimator import BOILERPLATE, CONTENT

PAGE_COLUMNS = ("id", "url", "domain", "page_type", "lang", "kind", "gold", "source", "collection")
_DEFAULTS = {"line": np.nan, "gap_before": True, "indent": 0, "tag": "", "attrs": "", "own_attrs": "", "path": ()}


class DataError(ValueError):
    """Malformed labelled data; the message names the file and line."""


@dataclass
class PageSet:
    """Pages (one row each) and their blocks (stacked, ``page`` = row of ``pages``, ``label`` bool)."""

    pages: pd.DataFrame
    blocks: pd.DataFrame

    def __len__(self) -> int:
        return len(self.pages)

    @classmethod
    def from_pages(cls, items: list[tuple[dict, pd.DataFrame]]) -> "PageSet":
        """Build from ``(page metadata, block table with a boolean label column)`` pairs."""
        metas, tables = [], []
        for i, (meta, table) in enumerate(items):
            meta = {key: meta.get(key) for key in PAGE_COLUMNS}
            meta["domain"] = meta["domain"] or domain_of(meta["url"]) or f"page:{meta['id'] or i}"
            metas.append(meta)
            tables.append(table.assign(page=i))
        pages = pd.DataFrame(metas, columns=list(PAGE_COLUMNS))
        blocks = (pd.concat(tables, ignore_index=True) if tables
                  else blocks_frame({c: [] for c in COLUMNS}).assign(page=0, label=False))
        blocks["label"] = blocks["label"].astype(bool)
        return cls(pages, blocks)

    def subset(self, keep) -> "PageSet":
        """The pages where ``keep`` (boolean mask over pages) is true, renumbered."""
        keep = np.asarray(keep, bool)
        new_index = np.cumsum(keep) - 1
        block_keep = keep[self.blocks["page"].to_numpy()]
        blocks = self.blocks[block_keep].reset_index(drop=True)
        blocks["page"] = new_index[blocks["page"].to_numpy()]
        return PageSet(self.pages[keep].reset_index(drop=True), blocks)

    @classmethod
    def concat(cls, sets: list["PageSet"]) -> "PageSet":
        pages, blocks, offset = [], [], 0
        for s in sets:
            pages.append(s.pages)
            blocks.append(s.blocks.assign(page=s.blocks["page"] + offset))
            offset += len(s.pages)
        return cls(pd.concat(pages, ignore_index=True), pd.concat(blocks, ignore_index=True))

    def gold_texts(self) -> list[str]:
        """Gold main text per page: the page's own, else its content blocks joined."""
        by_page = self.blocks.groupby("page", sort=True)
        labelled = {p: "\n".join(g["text"][g["label"]]) for p, g in by_page}
        return [gold if isinstance(gold, str) else labelled.get(i, "")
                for i, gold in enumerate(self.pages["gold"])]

    def languages(self) -> np.ndarray:
        """Each page's language: the one its data gives (``lang``, ISO 639-1), else guessed from the
        function words of its gold text (``features.function_words.guess_language``: ``other`` for
        a language it has no words for, ``unknown`` / ``none`` for a text without sentences / words)."""
        return np.array([lang if isinstance(lang, str) and lang else guess_language(gold)
                         for lang, gold in zip(self.pages["lang"], self.gold_texts())], dtype=object)

    def summary(self) -> dict:
        """Counts for model metadata and reports."""
        types = self.pages["page_type"].fillna("unknown").value_counts().to_dict()
        return {
            "pages": int(len(self.pages)),
            "domains": int(self.pages["domain"].nunique()),
            "blocks": int(len(self.blocks)),
            "content_blocks": int(self.blocks["label"].sum()),
            "kinds": self.pages["kind"].value_counts().to_dict(),
            "page_types": types,
            "languages": pd.Series(self.languages()).value_counts().to_dict(),
        }


def domain_of(url) -> str | None:
    if not isinstance(url, str) or "//" not in url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


# -- JSONL ------------------------------------------------------------------------------------

def _numbered_lines(path: Path):
    """``(line number, bytes)`` of each line; a damaged gzip stream raises ``DataError``."""
    lineno = 0
    with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as handle:
        while True:
            try:
                raw = handle.readline()
            except (EOFError, OSError, zlib.error) as exc:
                raise DataError(f"{path}:{lineno + 1}: the file is damaged or cut short here ({exc})") from None
            if not raw:
                return
            lineno += 1
            yield lineno, raw


_FLAG_COLUMNS = ("gap_before", "in_list", "in_table", "in_pre")


def _blocks_from_records(records, where: str) -> pd.DataFrame:
    if not isinstance(records, list):
        raise DataError(f"{where}: 'blocks' must be a list")
    columns = {name: [] for name in COLUMNS}
    labels = []
    for j, rec in enumerate(records):
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            raise DataError(f"{where}: block {j} must be an object with a 'text' string")
        label = rec.get("label")
        if label not in (CONTENT, BOILERPLATE):
            raise DataError(f"{where}: block {j} has label {label!r}; use 'content' or 'boilerplate'")
        labels.append(label == CONTENT)
        if "line" in rec and not _is_line_number(rec["line"]):
            raise DataError(f"{where}: block {j} field 'line' must be a whole number of at least 1 (or left out), "
                            f"got {rec['line']!r}")
        for name in COLUMNS:
            default = _DEFAULTS.get(name, np.nan)
            value = rec.get(name, default)
            if name in _FLAG_COLUMNS and value not in (True, False, 0, 1, None) and value == value:
                raise DataError(f"{where}: block {j} field {name!r} must be true or false, got {value!r}")
            if name == "path":
                if not isinstance(value, (list, tuple)) or not all(isinstance(v, int) for v in value):
                    raise DataError(f"{where}: block {j} field 'path' must be a list of integers")
                value = tuple(value)
            columns[name].append(default if value is None else value)
    has_markup = any(columns["tag"])
    if not has_markup:
        for name in MARKUP_COLUMNS:
            columns[name] = ["" if name in ("tag", "attrs", "own_attrs") else () if name == "path" else np.nan
                             ] * len(labels)
    try:
        table = blocks_frame(columns)
    except (TypeError, ValueError, OverflowError) as exc:
        raise DataError(f"{where}: a block field has the wrong type ({exc})") from None
    table["label"] = labels
    return table


def _is_line_number(value) -> bool:
    """A source line: a whole number from 1 to 2**53 (float64 holds it exactly), not a bool."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return 1 <= value <= 2 ** 53 and float(value).is_integer()


def read_jsonl(path: Path, on_error=None) -> list[tuple[dict, pd.DataFrame]]:
    """Pages of a JSONL file: labelled pages as they are, gold pages labelled by alignment.

    A malformed line raises ``DataError``; with ``on_error`` the error is passed to it and the
    line skipped instead (a damaged gzip stream ends the file where it breaks)."""
    items = []
    try:
        for lineno, raw in _numbered_lines(path):
            try:
                item = _jsonl_page(path, lineno, raw)
            except DataError as exc:
                if on_error is None:
                    raise
                on_error(exc)
                continue
            if item is not None:
                items.append(item)
    except DataError as exc:
        if on_error is None:
            raise
        on_error(exc)
    return items


def _jsonl_page(path: Path, lineno: int, raw: bytes) -> tuple[dict, pd.DataFrame] | None:
    """The page on one JSONL line (None for a blank line)."""
    from .gold import html_to_text, label_gold_page

    where = f"{path}:{lineno}"
    if not raw.strip():
        return None
    try:
        record = json_line(raw, lineno)
    except ValueError as exc:
        raise DataError(f"{where}: {exc}") from None
    if _SURROGATE_ESCAPE.search(raw) and _holds_surrogates(record):
        raise DataError(f"{where}: a \\ud800-\\udfff escape that is no character (half of a pair); "
                        "write the text as UTF-8")
    if not isinstance(record, dict):
        raise DataError(f"{where}: each line must be a JSON object describing one page")
    meta = {key: record.get(key) for key in PAGE_COLUMNS if key != "source"}
    meta["id"] = meta["id"] or f"{path.name}:{lineno}"
    if "blocks" in record:
        table = _blocks_from_records(record["blocks"], where)
        if table.empty and not isinstance(record.get("gold"), str):
            raise DataError(f"{where}: the page has no blocks and no gold text, so it can be neither "
                            "trained on nor scored")
        meta["kind"] = meta["kind"] or ("html" if (table["tag"] != "").any() else "text")
        return meta, table
    if "main_content" in record and ("html" in record or "text" in record):
        kind = record.get("kind") or ("html" if "html" in record else "text")
        document = record.get("html") if "html" in record else record.get("text")
        if not isinstance(document, str) or not isinstance(record["main_content"], str):
            raise DataError(f"{where}: 'html'/'text' and 'main_content' must be strings")
        meta.update(kind=kind, gold=record["main_content"])
        try:
            check_page(document)
            if kind == "text" and "html" in record:
                document = html_to_text(document)
            return meta, label_gold_page(document, record["main_content"], kind)
        except PageError as exc:
            raise DataError(f"{where}: {exc}") from None
    raise DataError(f"{where}: a page needs 'blocks' (labelled) or 'html'/'text' with "
                    "'main_content' (gold text)")


# An escape of a UTF-16 surrogate: a lone one is no character, and no UTF-8 writer takes it.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _holds_surrogates(value) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def page_record(meta: dict, table: pd.DataFrame) -> dict:
    """The JSONL record of one labelled page (inverse of ``read_jsonl``)."""
    is_html = meta.get("kind") == "html"
    names = COLUMNS if is_html else ("text", "line", "gap_before", "indent")
    blocks = []
    for row in table[list(names) + ["label"]].itertuples(index=False):
        rec = {}
        for name, value in zip(names, row):
            if isinstance(value, (float, np.floating)):
                if np.isnan(value):
                    continue
                value = int(value) if float(value).is_integer() else float(value)
            elif isinstance(value, np.bool_):
                value = bool(value)
            elif isinstance(value, tuple):
                value = list(value)
            rec[name] = value
        rec["label"] = CONTENT if row[-1] else BOILERPLATE
        blocks.append(rec)
    record = {key: meta.get(key) for key in ("id", "url", "domain", "page_type", "lang", "kind", "gold")
              if meta.get(key) is not None}
    record["blocks"] = blocks
    return record


def write_jsonl(pageset: PageSet, path: Path) -> None:
    """Write ``pageset`` as labelled JSONL (gzip when the name ends in .gz)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    by_page = dict(tuple(pageset.blocks.groupby("page", sort=True)))
    tmp = path.with_name(path.name + ".tmp")
    with opener(tmp, "wt", encoding="utf-8") as out:
        for i, meta in enumerate(pageset.pages.to_dict("records")):
            table = by_page.get(i, pageset.blocks.iloc[0:0])
            meta = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in meta.items()}
            out.write(json.dumps(page_record(meta, table), ensure_ascii=False) + "\n")
    tmp.replace(path)


# -- hand-labelled files ---------------------------------------------------------------------

def _read_page_file(path: Path) -> str:
    data = path.read_bytes()
    try:
        check_page(data)
    except PageError as exc:
        raise DataError(f"{path}:1: {exc}") from None
    return to_text(data)


def read_hand_text(path: Path) -> tuple[dict, pd.DataFrame]:
    """A page written by hand: ``+ line`` content, ``- line`` boilerplate, ``# key: value``."""
    meta = {"id": path.stem, "kind": "text"}
    lines, labels, numbers = [], [], []
    text = _read_page_file(path)
    for lineno, line in enumerate(split_lines(text), 1):
        if not line.strip():
            lines.append("")
            continue
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep and not labels and key.strip() in ("id", "url", "domain", "page_type", "lang"):
                meta[key.strip()] = value.strip()
            continue
        marker, body = line[:1], line[2:]
        if marker not in "+-" or line[1:2] not in (" ", "\t") or not body.strip():
            raise DataError(f"{path}:{lineno}: a labelled line starts with '+ ' (content) or '- ' "
                            f"(boilerplate) followed by its text, got {line[:40]!r}")
        lines.append(body)
        labels.append(marker == "+")
        numbers.append(lineno)
    if not labels:
        raise DataError(f"{path}:1: no labelled lines ('+ text' or '- text') in this file")
    try:
        table = blocks_from_text("\n".join(lines))
    except PageError as exc:
        raise DataError(f"{path}:1: {exc}") from None
    table["line"] = numbers
    table["label"] = labels
    return meta, table


def read_hand_html(path: Path) -> tuple[dict, pd.DataFrame]:
    """An HTML page whose elements carry ``data-label="content"`` / ``"boilerplate"``."""
    try:
        table = blocks_from_html(_read_page_file(path), with_labels=True)
    except PageError as exc:
        raise DataError(f"{path}:1: {exc}") from None
    if table.empty:
        raise DataError(f"{path}:1: no text blocks in this HTML page")
    bad = ~table["label"].isin([CONTENT, BOILERPLATE])
    if bad.any():
        row = table[bad].iloc[0]
        raise DataError(f"{path}:{int(row['line'])}: block {row['text'][:40]!r} has no data-label "
                        "'content' or 'boilerplate' on it or on an enclosing element")
    table["label"] = table["label"] == CONTENT
    return {"id": path.stem, "kind": "html"}, table


# -- dispatch --------------------------------------------------------------------------------

def is_wcxb_dir(path: Path) -> Path | None:
    """The folder holding ``ground-truth/`` and ``html/`` if ``path`` is a WCXB tree."""
    for candidate in (path, path / "dev"):
        if (candidate / "ground-truth").is_dir() and (candidate / "html").is_dir():
            return candidate
    return None


def load_pages(paths, kind: str = "html", progress: bool = False, limit: int | None = None,
               on_error=None) -> PageSet:
    """Read labelled pages from files and folders (see the module docstring for formats).

    ``kind`` matters only for WCXB folders: ``html``, ``text`` (pages rendered to plain text) or
    ``both`` (each page twice).  ``limit`` caps the pages read from each WCXB folder.
    ``on_error``: called with the ``DataError`` of each malformed page, which is then skipped;
    by default the first one is raised.  A missing path or an unknown format always raises.
    Each page's ``collection`` is the name of the path it was read from.
    """
    items = []
    for path in map(Path, paths):
        start = len(items)
        _read_path(path, kind, progress, limit, on_error, items)
        for meta, _ in items[start:]:  # the collection a page came from: for reports per collection
            meta["collection"] = path.name
    return PageSet.from_pages(items)


def _read_path(path: Path, kind: str, progress: bool, limit: int | None, on_error, items: list) -> None:
    """Append the pages of one ``load_pages`` path to ``items``."""
    from .gold import read_wcxb

    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    if path.is_dir():
        root = is_wcxb_dir(path)
        if root is not None:
            items.extend(read_wcxb(root, kind, progress=progress, limit=limit))
            return
        files = sorted(p for p in path.iterdir() if _reader(p) is not None)
        if not files:
            raise DataError(f"{path}: no labelled pages (.jsonl, .jsonl.gz, .txt, .html) in this folder")
    else:
        files = [path]
    for file in files:
        reader = _reader(file)
        if reader is None:
            raise DataError(f"{file}: unknown labelled-page format; use .jsonl, .jsonl.gz, .txt or .html")
        try:
            items.extend(read_jsonl(file, on_error) if reader is read_jsonl else [reader(file)])
        except DataError as exc:
            if on_error is None:
                raise
            on_error(exc)


def _reader(path: Path):
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        return read_jsonl
    if name.endswith(".txt"):
        return read_hand_text
    if name.endswith((".html", ".htm")):
        return read_hand_html
    return None
