"""``boilerplate explain``: a page's blocks shaded by their content probability, with the label and
the features that moved each block's probability most, shown on hover.

A feature's effect on a block is measured by taking it away: the block is scored again with that
feature missing (the trees send a missing value down the branch most training blocks took) and
the change in probability is the feature's contribution.  A missing value is also what some
features hold by design (markup features on plain text, the previous block's features on the
first block), so for those the change says how much the value mattered against its absence.
The perturbed copies of the page go through the model in a few large calls.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from features import Limits, parse_document

from .decision import keep_blocks
from .estimator import block_table, prepare_blocks

TOP = 6
# Perturbed rows (blocks explained x model features) scored for one page: about 5 s on one core,
# 3,000 blocks of the bundled model's 200 features (the largest WCXB page has 2,641).  A page of
# more blocks gets reasons for the blocks nearest its decision only.
EXPLAIN_ROWS = 600_000
# Rows per model call: under the estimator's single-thread size, as OpenMP threads on a busy
# machine can make a large call many times slower.
ROWS_PER_CALL = 4_000


def explain(clf, document, kind: str = "auto", threshold: float | None = None,
            limits: Limits | None = None) -> tuple[pd.DataFrame, list]:
    """The page's ``classify`` table and, per block, its strongest features as
    ``[(name, value, change in probability), ...]``, or None for a block left unexplained: a
    page of more than ``EXPLAIN_ROWS`` / (number of model features) blocks gets reasons for that
    many, those whose probability is nearest the page's decision.  ``table.attrs["page_cut"]``
    holds the page's cut (``model.decision``; None when the model has none),
    ``table.attrs["explained"]`` the number of blocks explained.  ``limits`` as in ``classify``."""
    threshold = clf.decision_threshold(threshold)
    blocks, kind = parse_document(document, kind, limits=limits)
    if not len(blocks):
        table = block_table(blocks, np.zeros(0), np.zeros(0, bool), kind)
        table.attrs["explained"] = 0
        return table, []
    prepared = prepare_blocks(blocks)  # the features, computed once for the matrix and the page cut
    matrix = clf.model_matrix(prepared)
    names = clf.model_features()
    n, m = matrix.shape
    base = clf.proba_from_matrix(matrix)
    cuts = clf.page_cuts(base, prepared)
    table = block_table(blocks, base, keep_blocks(base, threshold, cuts), kind)
    table.attrs["page_cut"] = None if cuts is None else float(cuts[0])
    chosen = np.arange(n)
    if n * m > EXPLAIN_ROWS:
        decision = threshold if cuts is None else max(threshold, float(cuts[0]))
        chosen = np.sort(np.argsort(np.abs(base - decision), kind="stable")[:max(1, EXPLAIN_ROWS // m)])
    table.attrs["explained"] = len(chosen)
    rows, k = matrix[chosen], len(chosen)
    effect = np.empty((m, k))
    step = max(1, ROWS_PER_CALL // k)  # features taken away per model call
    for first in range(0, m, step):
        cols = np.arange(first, min(first + step, m))
        perturbed = np.repeat(rows[None, :, :], len(cols), axis=0)
        perturbed[np.arange(len(cols)), :, cols] = np.nan
        changed = clf.proba_from_matrix(perturbed.reshape(-1, m)).reshape(len(cols), k)
        effect[cols] = base[chosen][None, :] - changed
    reasons: list = [None] * n
    for column, i in enumerate(chosen):
        order = np.argsort(-np.abs(effect[:, column]))[:TOP]
        reasons[i] = [(names[j], float(matrix[i, j]), float(effect[j, column])) for j in order
                      if abs(effect[j, column]) >= 0.005]
    return table, reasons


def _colour(p: float) -> str:
    """Red for boilerplate through white to green for content."""
    if p >= 0.5:
        t = (p - 0.5) * 2
        return f"rgb({int(255 - 120 * t)}, {int(255 - 25 * t)}, {int(255 - 120 * t)})"
    t = (0.5 - p) * 2
    return f"rgb(255, {int(255 - 110 * t)}, {int(255 - 110 * t)})"


def report_html(table: pd.DataFrame, reasons: list, title: str, threshold: float) -> str:
    """A self-contained HTML page of the explanation (no scripts: hover, or open ``#bN``, to see
    block N's reasons)."""
    rows = []
    for i, (row, why) in enumerate(zip(table.itertuples(index=False), reasons or [[]] * len(table))):
        items = "".join(f"<li><b>{html.escape(name)}</b> = {value:.3g} "
                        f"<span class=\"{'up' if change > 0 else 'down'}\">{change:+.3f}</span></li>"
                        for name, value, change in why or ()) or (
            "<li>no single feature moves it by 0.005</li>" if why is not None else
            "<li>not explained: the page has more blocks than explain scores</li>")
        gap = " gap" if row.gap_before else ""
        rows.append(
            f'<div class="block {row.label}{gap}" id="b{i}" style="background:{_colour(row.proba)}">'
            f'<a class="p" href="#b{i}">{row.proba:.2f}</a><span class="lab">{row.label[0].upper()}</span>'
            f'{html.escape(row.text)}<div class="why"><b>{row.label}</b>, p(content) = {row.proba:.3f}. '
            f"Strongest features (value, effect on p when the feature is taken away):<ul>{items}</ul></div></div>")
    kept = int((table["label"] == "content").sum()) if len(table) else 0
    explained = table.attrs.get("explained", len(table))
    cut_note = "" if explained == len(table) else (
        f" Reasons are given for the {explained:,} blocks whose probability is nearest the decision; explain "
        f"scores at most {EXPLAIN_ROWS:,} altered copies of blocks per page, and the other "
        f"{len(table) - explained:,} blocks show their probability only.")
    cut = table.attrs.get("page_cut")
    rule = f"threshold {threshold:.3f}" if cut is None else (
        f"threshold {threshold:.3f} and this page's cut {cut:.3f} (half its best expected word F1): a block "
        f"needs a probability of at least {max(threshold, cut):.3f}")
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }}
.block {{ position: relative; padding: .25rem .5rem; margin: 1px 0; border-radius: 3px; white-space: pre-wrap; }}
.block.gap {{ margin-top: .6rem; }}
.block.boilerplate {{ color: #555; }}
.block:hover, .block:target {{ outline: 2px solid #333; }}
.p {{ display: inline-block; width: 3rem; font: 12px monospace; color: #333; text-decoration: none; }}
.lab {{ display: inline-block; width: 1.2rem; font: bold 12px monospace; }}
.why {{ display: none; position: absolute; z-index: 2; left: 3rem; top: 100%; width: 34rem; padding: .5rem .8rem;
        background: #fff; color: #222; border: 1px solid #888; border-radius: 4px; box-shadow: 0 2px 8px #0004;
        font-size: 13px; white-space: normal; }}
.why ul {{ margin: .3rem 0 0; padding-left: 1.2rem; }}
.block:hover .why, .block:target .why {{ display: block; }}
.up {{ color: #176b17; }} .down {{ color: #a11; }}
.legend span {{ padding: .1rem .5rem; margin-right: .3rem; border-radius: 3px; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{len(table)} blocks, {kept} kept as content at {rule}. Hover a block (or click its
probability) for its label and the features that moved it most.{cut_note}</p>
<p class="legend"><span style="background:{_colour(0.0)}">boilerplate</span>
<span style="background:{_colour(0.5)}">uncertain</span><span style="background:{_colour(1.0)}">content</span></p>
{''.join(rows)}
</body></html>
"""
