"""Tests on data or models that may be absent: WCXB beside the repository, the bundled model.

Each is skipped cleanly when its input is missing (a fresh clone, CI without ../shared, a
checkout before the first model is trained).
"""

from __future__ import annotations

import numpy as np

from conftest import SAMPLES
from training.evaluate import scorer_for
from training.pages import load_pages


def test_wcxb_labelling_ceiling_is_high(run_cli, wcxb_dir, tmp_path):
    out_path = tmp_path / "wcxb.jsonl"
    code, out, err = run_cli(["label", "--data", wcxb_dir, "--limit", "20", "--kind", "html", "--quiet",
                              "--out", out_path])
    assert code == 0, err
    assert "ceiling" in out
    pages = load_pages([out_path])
    assert len(pages) == 20
    assert set(pages.pages["kind"]) == {"html"}
    assert pages.pages["gold"].map(lambda g: isinstance(g, str)).all()
    # Keeping exactly the blocks the alignment labelled content must reproduce the gold text.
    f1 = scorer_for(pages).score(pages.blocks["label"].to_numpy())[2]
    assert f1.mean() >= 0.95
    assert np.median(f1) >= 0.97


def _raw_page(labelled_text: str) -> str:
    """A hand-labelled .txt page without its '+ '/'- ' markers and '#' headers: the page as served."""
    lines = []
    for line in labelled_text.splitlines():
        if line.startswith("#"):
            continue
        lines.append(line[2:] if line[:2] in ("+ ", "- ") else line)
    return "\n".join(lines) + "\n"


def test_bundled_model_cleans_the_harbour_page(default_model_path):
    from model import load_model

    clf = load_model()
    raw = _raw_page((SAMPLES / "harbour-festival.txt").read_text(encoding="utf-8"))
    assert not any(line.startswith(("+ ", "- ", "#")) for line in raw.splitlines())
    kept = clf.clean(raw)
    kept_lines = [line.strip() for line in kept.splitlines()]
    for sentence in (
        "The harbour festival is back.",
        "The programme lists more than forty concerts on two stages",
        "The city council has promised extra buses from the railway station",
        "Local shops welcomed the news.",
    ):
        assert sentence in kept, sentence
    for dropped in ("READ MORE: City council approves new ferry timetable", "Related posts", "Leave a Reply",
                    "light rain", "• HI/LO: 18/11", "• Wind: 4.2 m/s", "• Humidity: 81%"):
        assert dropped not in kept_lines, dropped


def test_bundled_model_keeps_a_document_of_one_paragraph_and_drops_a_lone_menu(default_model_path):
    from model import load_model

    clf = load_model()
    paragraph = ("The city council voted on Tuesday to approve a new park in the north district, after two "
                 "years of debate. Construction will begin next spring and cost about two million dollars.")
    for document in (paragraph, f"<p>{paragraph}</p>"):
        assert clf.clean(document) == paragraph, document
    for menu in ("Home | About | Contact", "Skip to content"):
        assert clf.clean(menu) == "", menu
