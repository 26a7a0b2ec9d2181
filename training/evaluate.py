"""Scoring a model's block probabilities on labelled pages: figures, tables, threshold choice.

Two levels, overall and per page type:

* block level: precision / recall / F1 of the ``content`` class against the block labels;
* page level: mean over pages of word precision / recall / F1 of the kept text against the
  page's gold text (``training.metrics``), the figure extractors are compared by.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.decision import keep_blocks

from .metrics import UNSPACED_LANGUAGES, PageScorer, block_prf, char_tokens
from .oracle import oracle_selection
from .pages import PageSet

THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)
MIN_LANGUAGE_PAGES = 10


def featurize(pageset: PageSet, progress: bool = False, chunk_pages: int = 100) -> pd.DataFrame:
    """``model.prepare_blocks`` of all blocks of ``pageset``, computed in chunks of pages."""
    from model import prepare_blocks

    page = pageset.blocks["page"].to_numpy()
    bounds = np.searchsorted(page, np.arange(0, len(pageset) + chunk_pages, chunk_pages))
    chunks = [(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    if progress:
        from tqdm import tqdm
        chunks = tqdm(chunks, desc="features", unit="chunk")
    parts = [prepare_blocks(pageset.blocks.iloc[a:b]) for a, b in chunks]
    return pd.concat(parts) if parts else prepare_blocks(pageset.blocks)


def scorer_for(pageset: PageSet) -> PageScorer:
    return PageScorer(pageset.blocks["text"].tolist(), pageset.blocks["page"].to_numpy(), pageset.gold_texts())


def char_scorer(pageset: PageSet) -> PageScorer:
    """``scorer_for`` over characters (``training.metrics.char_tokens``)."""
    return PageScorer(pageset.blocks["text"].tolist(), pageset.blocks["page"].to_numpy(), pageset.gold_texts(),
                      tokens=char_tokens)


def best_threshold(scorer: PageScorer, proba: np.ndarray, cuts: np.ndarray | None = None) -> tuple[float, float]:
    """Threshold (on ``THRESHOLDS``) for mean page word F1, and its F1.  ``cuts``: the blocks'
    page cuts (``BoilerplateClassifier.page_cuts``), None for a plain threshold.

    The largest threshold whose mean F1 is within one standard error of the best one's, the
    error of the per-page differences (the one-standard-error rule of Breiman et al., 1984); on
    a single page, the largest of those that tie with the best.
    With the page cut the curve is flat over a wide range and its argmax wanders with the
    training noise, while the choice still matters where the cut does not act: a document of
    one block is kept whenever its probability reaches the threshold, and the labelled pages
    hold no such documents to say how low is too low.
    """
    f1 = np.array([scorer.score(keep_blocks(proba, t, cuts))[2] for t in THRESHOLDS])
    n_pages = f1.shape[1]
    if n_pages == 0:
        raise ValueError("no pages to choose a threshold on")
    means = f1.mean(axis=1)
    gap = f1[int(np.argmax(means))] - f1  # per page, how much each threshold loses to the best
    error = gap.std(axis=1, ddof=1) / np.sqrt(n_pages) if n_pages > 1 else np.zeros(len(THRESHOLDS))
    choice = int(np.flatnonzero(gap.mean(axis=1) <= error).max())
    return float(THRESHOLDS[choice]), float(means[choice])


def threshold_curve(pageset: PageSet, scorer: PageScorer, proba: np.ndarray,
                    cuts: np.ndarray | None = None) -> pd.DataFrame:
    """Page-level mean word P/R/F1 and block-level P/R/F1 at each of ``THRESHOLDS``."""
    labels = pageset.blocks["label"].to_numpy()
    rows = []
    for t in THRESHOLDS:
        keep = keep_blocks(proba, t, cuts)
        p, r, f = scorer.score(keep)
        bp, br, bf = block_prf(labels, keep)
        rows.append({"threshold": t, "word_precision": p.mean(), "word_recall": r.mean(), "word_f1": f.mean(),
                     "block_precision": bp, "block_recall": br, "block_f1": bf})
    return pd.DataFrame(rows)


def language_rows(languages: np.ndarray) -> dict[str, np.ndarray]:
    """Report rows by language: name -> page mask.  A row for each language with at least
    ``MIN_LANGUAGE_PAGES`` pages or a tenth of them, ``lang: other`` for the rest; pages without
    words or a language to tell (``none``, ``unknown``) in none.  No rows for pages of a single
    language: the overall row says it all."""
    languages = np.asarray(languages, dtype=object)
    known = ~np.isin(languages, ["none", "unknown"])
    counts = pd.Series(languages[known]).value_counts()
    if len(counts) < 2:
        return {}
    large = [lang for lang, n in counts.items() if n >= min(MIN_LANGUAGE_PAGES, 0.1 * known.sum())]
    rows = {f"lang: {lang}": languages == lang for lang in large}
    other = known & ~np.isin(languages, large)
    if other.any():
        rows["lang: other"] = other
    return rows


def page_scores(pageset: PageSet, scorer: PageScorer, keep: np.ndarray) -> pd.DataFrame:
    """One row per page: id, url, page type, kind, language (``PageSet.languages``), word precision
    / recall / F1, and for languages written without spaces (``UNSPACED_LANGUAGES``) character
    precision / recall / F1 (NaN for the others)."""
    p, r, f = scorer.score(keep)
    languages = pageset.languages()
    chars = np.full((3, len(pageset)), np.nan)
    unspaced = np.isin(languages, list(UNSPACED_LANGUAGES))
    if unspaced.any():
        chars[:, unspaced] = char_scorer(pageset.subset(unspaced)).score(keep[unspaced[pageset.blocks["page"].to_numpy()]])
    return pd.DataFrame({
        "id": pageset.pages["id"].to_numpy(),
        "url": pageset.pages["url"].to_numpy(),
        "page_type": pageset.pages["page_type"].fillna("unknown").to_numpy(),
        "language": languages,
        "kind": pageset.pages["kind"].to_numpy(),
        "word_precision": p, "word_recall": r, "word_f1": f,
        "char_precision": chars[0], "char_recall": chars[1], "char_f1": chars[2],
    })


def split_by_kind(pageset: PageSet, proba: np.ndarray, cuts: np.ndarray | None = None):
    """For each input kind of ``pageset`` (``html``, ``text``), in order: its name, its pages, the
    mask of their blocks, and those blocks' ``proba`` and page ``cuts`` (None without cuts).

    Pages read from several collections (``load_pages`` paths: WCXB and DANIEL, say) are split by
    collection too, each group named ``"<collection> <kind>"``: their page types and languages
    follow different conventions, and each collection's figures are what its readers compare."""
    kinds = pageset.pages["kind"].to_numpy()
    collections = pageset.pages["collection"].fillna("").to_numpy()
    names = kinds if len(set(collections)) < 2 else np.array([f"{c} {k}" for c, k in zip(collections, kinds)])
    block_page = pageset.blocks["page"].to_numpy()
    for name in sorted(set(names)):
        pages = names == name
        mask = pages[block_page]
        yield name, pageset.subset(pages), mask, proba[mask], None if cuts is None else cuts[mask]


def report(pageset: PageSet, proba: np.ndarray, threshold: float, scorer: PageScorer | None = None,
           with_pages: bool = False, cuts: np.ndarray | None = None) -> dict:
    """Figures for ``proba`` at ``threshold`` (and the blocks' page ``cuts``, if given): overall
    and per page type, with ``threshold`` and ``page_cut`` (whether ``cuts`` were given).

    Each group holds: pages, block_precision / recall / f1, word_precision / recall / f1 (mean
    over pages), ceiling_word_f1 (what keeping exactly the labelled content blocks scores) and
    oracle_word_f1 (greedy search for the best selection of whole blocks, ``training.oracle``).  With
    ``with_pages``, ``pages`` holds the per-page table (``page_scores``, ceiling and oracle).
    """
    scorer = scorer or scorer_for(pageset)
    keep = keep_blocks(proba, threshold, cuts)
    labels = pageset.blocks["label"].to_numpy()
    scores = page_scores(pageset, scorer, keep)
    ceiling = scorer.score(labels)[2]
    oracle = scorer.score(oracle_selection(scorer, labels))[2]
    block_type = scores["page_type"].to_numpy()[pageset.blocks["page"].to_numpy()]

    def group(page_mask, block_mask):
        bp, br, bf = block_prf(labels[block_mask], keep[block_mask])
        s = scores[page_mask]
        return {
            "pages": int(page_mask.sum()),
            "block_precision": bp, "block_recall": br, "block_f1": bf,
            "word_precision": float(s["word_precision"].mean()),
            "word_recall": float(s["word_recall"].mean()),
            "word_f1": float(s["word_f1"].mean()),
            "ceiling_word_f1": float(ceiling[page_mask].mean()),
            "oracle_word_f1": float(oracle[page_mask].mean()),
        }

    all_pages = np.ones(len(scores), bool)
    out = {"threshold": float(threshold), "page_cut": cuts is not None,
           "overall": group(all_pages, np.ones(len(labels), bool)), "by_type": {}}
    types = scores["page_type"].to_numpy()
    for t in sorted(set(types)):
        out["by_type"][t] = group(types == t, block_type == t)
    block_page = pageset.blocks["page"].to_numpy()
    rows = language_rows(scores["language"].to_numpy())
    if rows:
        out["by_language"] = {name: group(mask, mask[block_page]) for name, mask in rows.items()}
    # Languages written without spaces: the same figures over characters.
    for lang in sorted(set(scores["language"]) & UNSPACED_LANGUAGES):
        mask = (scores["language"] == lang).to_numpy()
        subset = pageset.subset(mask)
        chars = char_scorer(subset)
        sub_labels = subset.blocks["label"].to_numpy()
        s = scores[mask]
        out.setdefault("by_language", {})[f"lang: {lang} chars"] = {
            **group(mask, mask[block_page]),
            "word_precision": float(s["char_precision"].mean()),
            "word_recall": float(s["char_recall"].mean()),
            "word_f1": float(s["char_f1"].mean()),
            "ceiling_word_f1": float(chars.score(sub_labels)[2].mean()),
            "oracle_word_f1": float(chars.score(oracle_selection(chars, sub_labels))[2].mean()),
        }
    if with_pages:
        out["pages"] = scores.assign(ceiling_word_f1=ceiling, oracle_word_f1=oracle)
    return out


def format_report(rep: dict, title: str = "", with_threshold: bool = True) -> str:
    """A fixed-width table of a ``report``; ``with_threshold``: say what decided the kept blocks
    (not for a report of the labels themselves)."""
    rows = [("all", rep["overall"])] + sorted(rep["by_type"].items()) + list(rep.get("by_language", {}).items())
    head = f"{'page type':<14}{'pages':>6}  {'block P':>8}{'block R':>8}{'block F1':>9}  " \
           f"{'word P':>8}{'word R':>8}{'word F1':>8}  {'labels':>8}{'oracle':>8}"
    lines = [title] if title else []
    cut = {True: " with the page cut", False: " without the page cut"}.get(rep.get("page_cut"), "")  # older reports
    decision = f"threshold {rep['threshold']:.3f}{cut}; " if with_threshold else ""
    lines += [f"{decision}labels: keeping exactly the blocks labelled content; oracle: greedy search for the best "
              "selection of whole blocks" + ("; rows '... chars': word figures over characters"
                                             if any(name.endswith(" chars") for name, _ in rows) else ""),
              head, "-" * len(head)]
    for name, g in rows:
        lines.append(f"{name:<14}{g['pages']:>6}  {g['block_precision']:>8.3f}{g['block_recall']:>8.3f}"
                     f"{g['block_f1']:>9.3f}  {g['word_precision']:>8.3f}{g['word_recall']:>8.3f}"
                     f"{g['word_f1']:>8.3f}  {g['ceiling_word_f1']:>8.3f}{g['oracle_word_f1']:>8.3f}")
    return "\n".join(lines)
