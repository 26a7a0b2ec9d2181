"""Figures for ``boilerplate evaluate --plot``: precision-recall over thresholds, F1 per page type."""

from __future__ import annotations

import pandas as pd


def plot_evaluation(curve: pd.DataFrame, threshold: float, by_type: dict[str, dict[str, float]], path) -> None:
    """Write a PNG: left, word- and block-level precision against recall as the threshold moves
    (the model's threshold marked); right, mean word F1 per page type for each system."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    left.plot(curve["word_recall"], curve["word_precision"], marker=".", label="page word P/R (mean)")
    left.plot(curve["block_recall"], curve["block_precision"], marker=".", label="block P/R (content)")
    at = curve.iloc[(curve["threshold"] - threshold).abs().argmin()]
    left.scatter([at["word_recall"], at["block_recall"]], [at["word_precision"], at["block_precision"]],
                 color="black", zorder=3, label=f"threshold {threshold:.3g}")
    left.set_xlabel("recall")
    left.set_ylabel("precision")
    left.set_xlim(0, 1.02)
    left.set_ylim(0, 1.02)
    left.grid(alpha=0.3)
    left.legend(loc="lower left")
    left.set_title("Precision and recall over thresholds")

    systems = list(by_type)
    types = sorted({t for scores in by_type.values() for t in scores})
    width = 0.8 / max(len(systems), 1)
    for k, system in enumerate(systems):
        values = [by_type[system].get(t, float("nan")) for t in types]
        right.bar([i + k * width for i in range(len(types))], values, width=width, label=system)
    right.set_xticks([i + width * (len(systems) - 1) / 2 for i in range(len(types))])
    right.set_xticklabels(types, rotation=30, ha="right")
    right.set_ylim(0, 1)
    right.set_ylabel("mean word F1")
    right.grid(axis="y", alpha=0.3)
    right.legend(loc="lower right")
    right.set_title("Word F1 per page type")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
