"""Other extractors and simple baselines, run on the same pages as the model.

The extractors read the page's HTML: ``trafilatura`` and ``justext`` are optional extras
(``pip install .[compare]``); ``resiliparse``, installed with this package (it renders the
plain-text pages, ``training.gold``), runs in its main-content mode: a fast extractor that
web-corpus builders use.  Line baselines work on the blocks of any page, and are what plain-text
users compare with:

* ``keep-all``: every block;
* ``c4-rules``: the line rules of corpus builders (after C4, Raffel et al. 2020): keep lines that
  end in terminal punctuation and have at least 3 words, drop lines that mention javascript,
  lorem ipsum or cookies;
* ``justext-lines``: jusText (English stoplist) classifying each line as a paragraph.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd

from features.decode import decode_bytes

from .metrics import UNSPACED_LANGUAGES, char_tokens, word_prf
from .pages import PageSet


def _trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


# jusText's stoplists by ISO 639-1 code, for the languages of the labelled data and the most common
# others; a language it has no stoplist for (Chinese, Japanese) runs in its language-independent
# mode (no stoplist, stopword thresholds 0), as its documentation advises.
_JUSTEXT_STOPLISTS = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "ru": "Russian", "uk": "Ukrainian", "el": "Greek", "cs": "Czech",
    "sv": "Swedish", "da": "Danish", "fi": "Finnish", "hu": "Hungarian", "ro": "Romanian", "tr": "Turkish",
    "bg": "Bulgarian", "hr": "Croatian", "sk": "Slovak", "sl": "Slovenian", "ar": "Arabic", "fa": "Persian",
    "he": "Hebrew", "hi": "Hindi", "id": "Indonesian", "vi": "Vietnamese", "ko": "Korean", "ca": "Catalan",
}


def _justext(html: str, lang: str | None = "en") -> str:
    import justext

    data = html.encode("utf-8", errors="replace")
    name = _JUSTEXT_STOPLISTS.get(lang or "en")
    if name:
        paragraphs = justext.justext(data, justext.get_stoplist(name))
    else:
        paragraphs = justext.justext(data, frozenset(), stopwords_low=0, stopwords_high=0)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def _readability(html: str) -> str:
    """readability-lxml (a port of Mozilla's Readability.js): the article's HTML, as text."""
    from lxml import html as lxml_html
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    return lxml_html.fromstring(summary).text_content() if summary.strip() else ""


def _resiliparse(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    # alt_texts=False: the gold main texts hold no image alt texts.
    return extract_plain_text(HTMLTree.parse(html), main_content=True, alt_texts=False)


_C4_TERMINAL = (".", "!", "?", '"', "”", "'", "’")
_C4_BANNED = re.compile(r"javascript|lorem ipsum|cookie", re.I)


def c4_keep(texts) -> np.ndarray:
    """C4-style line rules: True for the lines they keep."""
    return np.array([t.rstrip().endswith(_C4_TERMINAL) and len(t.split()) >= 3 and not _C4_BANNED.search(t)
                     for t in texts], dtype=bool)


def _justext_lines(texts, lang: str | None = "en") -> str:
    """jusText over plain text: each line becomes a ``<p>`` of a minimal page."""
    import html

    return _justext("<html><body>" + "".join(f"<p>{html.escape(t)}</p>" for t in texts) + "</body></html>", lang)


# Each takes the page (HTML, or its block texts) and the page's language (ISO 639-1, or None).
HTML_EXTRACTORS = {"trafilatura": lambda html, lang: _trafilatura(html), "justext": _justext,
                   "readability": lambda html, lang: _readability(html),
                   "resiliparse": lambda html, lang: _resiliparse(html)}
LINE_BASELINES = {
    "keep-all": lambda texts, lang: "\n".join(texts),
    "c4-rules": lambda texts, lang: "\n".join(t for t, k in zip(texts, c4_keep(texts)) if k),
    "justext-lines": _justext_lines,
}
CHOICES = tuple(HTML_EXTRACTORS) + tuple(LINE_BASELINES)


def read_source(path: str) -> str:
    import gzip

    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as handle:
        return decode_bytes(handle.read())


_MODULES = {"trafilatura": "trafilatura", "justext": "justext", "justext-lines": "justext",
            "readability": "readability", "resiliparse": "resiliparse"}


def check_names(names: list[str]) -> None:
    """Raise ValueError for a name that is not in ``CHOICES`` or whose extractor is not installed,
    so that a long evaluation does not fail at its end."""
    from importlib.util import find_spec

    unknown = [name for name in names if name not in CHOICES]
    if unknown:
        raise ValueError(f"unknown extractor(s) {', '.join(unknown)}; choose from {', '.join(CHOICES)}")
    missing = sorted({_MODULES[name] for name in names if name in _MODULES and find_spec(_MODULES[name]) is None})
    if missing:  # the compare extra installs the package's own dependencies (resiliparse) too
        raise ValueError(f"{', '.join(missing)} not installed: pip install -e '.[compare]'")


def compare(pageset: PageSet, names: list[str], golds: list[str] | None = None) -> dict[str, dict]:
    """Score each named extractor on the pages it can read.

    Returns name -> {"scores": DataFrame(page_type, word_precision, word_recall, word_f1) indexed
    like ``pageset.pages``, "seconds": time spent, "pages": pages run}.
    """
    check_names(names)
    golds = golds if golds is not None else pageset.gold_texts()
    languages = pageset.languages()
    results = {}
    texts_by_page = pageset.blocks.groupby("page", sort=True)["text"].agg(list)
    for name in names:
        rows, seconds = {}, 0.0
        for i, page in pageset.pages.iterrows():
            if name in LINE_BASELINES:
                texts = texts_by_page.get(i, [])
                start = time.perf_counter()
                predicted = LINE_BASELINES[name](texts, languages[i]) if texts else ""
            else:
                if page["kind"] != "html" or not isinstance(page["source"], str):
                    continue
                html = read_source(page["source"])
                start = time.perf_counter()
                try:
                    predicted = HTML_EXTRACTORS[name](html, languages[i])
                except ImportError:
                    raise
                except Exception:  # an extractor crashing on a page scores that page 0
                    predicted = ""
            seconds += time.perf_counter() - start
            page_type = page["page_type"] if isinstance(page["page_type"], str) else "unknown"
            chars = word_prf(predicted, golds[i], char_tokens) if languages[i] in UNSPACED_LANGUAGES else (np.nan,) * 3
            rows[i] = (page_type, languages[i], *word_prf(predicted, golds[i]), chars[2])
        scores = pd.DataFrame.from_dict(rows, orient="index", columns=[
            "page_type", "language", "word_precision", "word_recall", "word_f1", "char_f1"])
        results[name] = {"scores": scores, "seconds": seconds, "pages": len(rows)}
    return results


def summarise(scores: pd.DataFrame) -> dict:
    """Mean word P/R/F1 overall and per page type of a ``compare`` score table."""
    def group(frame):
        return {"pages": int(len(frame)), "word_precision": float(frame["word_precision"].mean()),
                "word_recall": float(frame["word_recall"].mean()), "word_f1": float(frame["word_f1"].mean())}
    return {"overall": group(scores),
            "by_type": {t: group(g) for t, g in scores.groupby("page_type", sort=True)}}


def format_comparison(model_scores: pd.DataFrame, others: dict[str, dict], model_seconds: float | None = None) -> str:
    """Word F1 per page type and per language (character F1 in the ``chars`` rows of languages
    written without spaces): the model beside each extractor, on the pages each one ran on."""
    from .evaluate import language_rows

    columns = {"model": model_scores} | {name: r["scores"] for name, r in others.items()}
    rows = [("all", "page_type", None, "word_f1")]
    rows += [(t, "page_type", {t}, "word_f1") for t in sorted(set(model_scores["page_type"]))]
    languages = model_scores["language"].to_numpy()
    rows += [(name, "language", set(languages[mask]), "word_f1") for name, mask in language_rows(languages).items()]
    rows += [(f"lang: {lang} chars", "language", {lang}, "char_f1")
             for lang in sorted(set(languages) & UNSPACED_LANGUAGES)]
    head = f"{'page type':<14}{'pages':>6}" + "".join(f"{name:>14}" for name in columns)
    lines = [head, "-" * len(head)]
    for label, column, values, metric in rows:
        cells = []
        for scores in columns.values():
            sel = scores if values is None else scores[scores[column].isin(values)]
            cells.append(f"{sel[metric].mean():>14.3f}" if len(sel) else f"{'-':>14}")
        n = len(model_scores) if values is None else int(model_scores[column].isin(values).sum())
        lines.append(f"{label:<14}{n:>6}" + "".join(cells))
    speed = []
    if model_seconds:
        speed.append(f"model {len(model_scores) / model_seconds:.1f} pages/s")
    for name, r in others.items():
        if r["seconds"] > 0 and name in HTML_EXTRACTORS:
            speed.append(f"{name} {r['pages'] / r['seconds']:.1f} pages/s")
    if speed:
        lines.append("speed (one core, parse to text): " + ", ".join(speed))
    return "\n".join(lines)
