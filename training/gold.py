"""Pages that come with a gold main text (the WCXB form) turned into block-labelled pages.

``label_gold_page`` splits a page into blocks and labels them by aligning their words with the
gold text (``training.align``).  ``read_wcxb`` does this for a WCXB folder, optionally rendering
each page to plain text first, the way web-corpus text arrives: Resiliparse's
``extract_plain_text(main_content=False, list_bullets=True, alt_texts=False)``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
from joblib import Parallel, delayed

from features.blocks import blocks_from_text
from features.decode import decode_bytes
from features.html_blocks import blocks_from_html

from .align import label_blocks

KIND_CHOICES = ("html", "text", "both")


def html_to_text(html: str) -> str:
    """Render HTML to plain text, one block per line, list items as '  • item' (Resiliparse)."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return extract_plain_text(HTMLTree.parse(html), main_content=False, list_bullets=True, alt_texts=False)


def label_gold_page(document: str, gold: str, kind: str) -> pd.DataFrame:
    """Block table of ``document`` (HTML when ``kind`` is html, plain text when it is text) with
    a boolean ``label`` column from the gold text."""
    table = blocks_from_html(document) if kind == "html" else blocks_from_text(document)
    table["label"] = label_blocks(table["text"].tolist(), gold)
    return table


def _wcxb_pages(root: Path, gt_file: Path, kinds: tuple[str, ...], domains: dict) -> list:
    record = json.loads(gt_file.read_text(encoding="utf-8"))
    gold = (record.get("ground_truth") or {}).get("main_content")
    if not isinstance(gold, str):
        return []  # a page without a gold text cannot be labelled or scored
    page_id = record.get("file_id") or gt_file.stem
    html_path = root / "html" / f"{page_id}.html.gz"
    if not html_path.exists():
        return []
    html = decode_bytes(gzip.open(html_path).read())
    meta = {
        "id": page_id,
        "url": record.get("url"),
        "domain": domains.get(page_id) or record.get("site"),
        # WCXB keeps the page type under _internal; DANIEL-style folders give it and the language
        # (ISO 639-1) at the top level.
        "page_type": ((record.get("_internal") or {}).get("page_type") or {}).get("primary") or record.get("page_type"),
        "lang": record.get("lang"),
        "gold": gold,
        "source": str(html_path),
    }
    return [({**meta, "kind": kind}, label_gold_page(html if kind == "html" else html_to_text(html), gold, kind))
            for kind in kinds]


def read_wcxb(root: Path, kind: str = "html", progress: bool = False, limit: int | None = None,
              n_jobs: int = -1) -> list:
    """Labelled pages of a WCXB folder (``ground-truth/*.json`` + ``html/*.html.gz``)."""
    if kind not in KIND_CHOICES:
        raise ValueError(f"kind must be one of {', '.join(KIND_CHOICES)}, not {kind!r}")
    kinds = ("html", "text") if kind == "both" else (kind,)
    files = sorted((root / "ground-truth").glob("*.json"))[:limit]
    domains = {}
    metadata = root.parent / "metadata.json"
    if metadata.exists():
        domains = {k: v.get("domain") for k, v in json.loads(metadata.read_text()).get("files", {}).items()}
    if progress:
        from tqdm import tqdm
        files = tqdm(files, desc=f"labelling {root} ({kind})", unit="page")
    results = Parallel(n_jobs=n_jobs, batch_size=8)(
        delayed(_wcxb_pages)(root, f, kinds, domains) for f in files)
    return [item for page in results for item in page]
