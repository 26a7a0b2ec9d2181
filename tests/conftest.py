"""Shared fixtures: paths, synthetic labelled pages, a small trained model, a CLI runner.

The synthetic pages are made from a fixed seed, so every run sees the same data: articles whose
content is long, wordy sentences and whose boilerplate is short link lines (menus, share
buttons, related links, copyright lines).  A model trained on a few dozen of them separates the
two reliably, which is all the model and CLI tests need.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "data" / "samples"
LABELLED_SAMPLES = REPO_ROOT / "data" / "labelled" / "samples.jsonl"
# WCXB lives beside the repository, never inside it.
WCXB_ROOT = REPO_ROOT.parent / "shared" / "data" / "wcxb-dev"
DEFAULT_MODEL_PATH = REPO_ROOT / "model" / "default.joblib"

SENTENCES = [
    "The council met on Tuesday evening to discuss the new budget for the coming year.",
    "Several residents said that the changes to the bus routes had made their journeys much longer.",
    "After a long debate, the members agreed to spend more money on the repair of the old bridge.",
    "The museum will open its doors again in the spring, once the work on the roof is finished.",
    "Farmers in the valley have been waiting for rain since the beginning of the summer.",
    "She explained that the project had taken almost four years, and that it was worth every day of it.",
    "The school plans to add two new classrooms and a small library for the younger pupils.",
    "According to the report, the number of visitors to the park has doubled in the last decade.",
    "He told us that the recipe came from his grandmother, who cooked it for the whole village.",
    "The new trail follows the river for about ten kilometres before it climbs into the hills.",
    "Engineers are still trying to find out why the pumps stopped working during the storm.",
    "Most of the shops in the old town will stay open late on Friday for the summer market.",
    "The orchestra has chosen a programme of music that was written in the city two centuries ago.",
    "Parents who want a place for their children should send the form before the end of the month.",
    "It is the first time in many years that the festival has sold every ticket in a single day.",
    "The team played well in the first half, but they could not hold on to their lead after the break.",
    "Researchers at the university have spent years studying how the birds find their way home.",
    "A spokesperson for the company said that the factory would keep all of its workers.",
    "The library is asking for volunteers who can help to sort the books that were donated.",
    "When the snow finally melted, the villagers found that the road had been badly damaged.",
]
TITLES = [
    "Council Approves Bridge Repair Plan", "Museum Reopens After Roof Work", "Valley Farmers Wait For Rain",
    "New River Trail Opens", "Festival Sells Out In One Day", "Library Seeks Volunteers",
    "Storm Damage Still Being Assessed", "School Adds New Classrooms",
]
MENU = ["Home", "News", "Sport", "Culture", "Weather", "Contact", "About", "Shop"]
RELATED = ["Ferry timetable changes", "New bike lanes open", "Museum night record", "Market moves indoors",
           "Bus fares frozen", "Harbour wall repaired"]
SHARE = ["Facebook", "X", "Email", "WhatsApp"]


def synthetic_lines(seed: int) -> list[tuple[str, bool] | None]:
    """One synthetic page as lines: ``(text, is_content)``, or ``None`` for a blank line."""
    rng = random.Random(seed)
    lines: list[tuple[str, bool] | None] = []
    lines.append((" | ".join(rng.sample(MENU, 5)), False))
    lines.append(("Search this site", False))
    lines.append(None)
    lines.append((rng.choice(TITLES), True))
    lines.append(None)
    for _ in range(rng.randint(3, 5)):
        lines.append((" ".join(rng.sample(SENTENCES, rng.randint(1, 3))), True))
        lines.append(None)
    lines.append(("Share this article", False))
    for name in rng.sample(SHARE, 3):
        lines.append((f"  • {name}", False))
    lines.append(None)
    lines.append(("Related posts", False))
    for title in rng.sample(RELATED, 3):
        lines.append((title, False))
    lines.append(None)
    lines.append((f"© 2026 Site {seed}. All rights reserved.", False))
    return lines


def hand_text(lines, url: str | None = None) -> str:
    """A hand-labelled .txt page ('+ ' content, '- ' boilerplate) of ``synthetic_lines``."""
    out = [f"# url: {url}"] if url else []
    for line in lines:
        out.append("" if line is None else ("+ " if line[1] else "- ") + line[0])
    return "\n".join(out) + "\n"


def raw_text(lines) -> str:
    """The plain page of ``synthetic_lines``, without labels."""
    return "\n".join("" if line is None else line[0] for line in lines) + "\n"


def synthetic_html(seed: int, labelled: bool = True) -> str:
    """A synthetic HTML page; with ``labelled`` its elements carry ``data-label``."""
    rng = random.Random(10_000 + seed)

    def label(value: str) -> str:
        return f' data-label="{value}"' if labelled else ""

    menu = "".join(f'<li><a href="/{m.lower()}">{m}</a></li>' for m in rng.sample(MENU, 5))
    paragraphs = "".join(f"<p>{' '.join(rng.sample(SENTENCES, rng.randint(1, 3)))}</p>\n"
                         for _ in range(rng.randint(3, 5)))
    related = "".join(f'<li><a href="/r/{i}">{t}</a></li>' for i, t in enumerate(rng.sample(RELATED, 3)))
    return (
        f"<!DOCTYPE html>\n<html><head><title>Page {seed}</title><script>var x = 1;</script></head>\n"
        f'<body{label("boilerplate")}>\n'
        f'<header class="site-header"><nav class="menu"><ul>{menu}</ul></nav></header>\n'
        f'<main><article class="post"{label("content")}>\n'
        f"<h1>{rng.choice(TITLES)}</h1>\n{paragraphs}"
        f'<div class="share"{label("boilerplate")}><a href="/s/fb">Share</a> <a href="/s/x">Post</a></div>\n'
        f"</article></main>\n"
        f'<aside class="related"><h3>Related posts</h3><ul>{related}</ul></aside>\n'
        f"<footer><p>© 2026 Site {seed}. All rights reserved.</p></footer>\n"
        f"</body></html>\n"
    )


def synthetic_pageset(n_text: int = 20, n_html: int = 20, start: int = 0):
    """A PageSet of synthetic text and HTML pages (labels from the generators), seeds from ``start``."""
    from features import blocks_from_html, blocks_from_text
    from training.pages import PageSet

    items = []
    for i in range(start, start + n_text):
        lines = synthetic_lines(i)
        table = blocks_from_text(raw_text(lines))
        table["label"] = [line[1] for line in lines if line is not None]
        items.append(({"id": f"t{i}", "url": f"https://site{i}.example/a", "kind": "text"}, table))
    for i in range(start, start + n_html):
        table = blocks_from_html(synthetic_html(i), with_labels=True)
        table["label"] = table["label"] == "content"
        items.append(({"id": f"h{i}", "url": f"https://web{i}.example/a", "kind": "html"}, table))
    return PageSet.from_pages(items)


def write_hand_labelled_dir(folder: Path, n_text: int = 6, n_html: int = 6, offset: int = 0) -> Path:
    """Write hand-labelled .txt and .html pages into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(offset, offset + n_text):
        (folder / f"page{i:03d}.txt").write_text(hand_text(synthetic_lines(i), f"https://site{i}.example/p"),
                                                 encoding="utf-8")
    for i in range(offset, offset + n_html):
        (folder / f"page{i:03d}.html").write_text(synthetic_html(i), encoding="utf-8")
    return folder


# -- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def _one_thread():
    """Fit and predict on one thread: small models are faster so, and runs are reproducible."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session", autouse=True)
def _private_trust_list(tmp_path_factory):
    """Models the tests save are trusted through a list of the test run's own, not the user's
    (``model.persistence``); subprocesses inherit it."""
    import os

    os.environ["BOILERPLATE_TRUSTED_MODELS"] = str(tmp_path_factory.mktemp("trust") / "trusted-models.txt")


@pytest.fixture(scope="session")
def train_pageset():
    return synthetic_pageset(24, 24)


@pytest.fixture(scope="session")
def trained_model(train_pageset):
    """A small model fitted on synthetic pages (fast: 30 boosting rounds)."""
    from model import BoilerplateClassifier

    clf = BoilerplateClassifier(max_iter=30, min_samples_leaf=5)
    return clf.fit(train_pageset.blocks, train_pageset.blocks["label"].to_numpy())


@pytest.fixture(scope="session")
def model_file(tmp_path_factory, trained_model):
    """``trained_model`` saved with ``save_model`` (shared, read-only for tests)."""
    from model import save_model

    path = tmp_path_factory.mktemp("model") / "synthetic.joblib"
    save_model(trained_model, path, training={"pages": 48}, validation={"word_f1": 0.9})
    return path


@pytest.fixture
def wcxb_dir():
    """The WCXB dev data beside the repository; the test is skipped when it is absent."""
    if not (WCXB_ROOT / "dev" / "ground-truth").is_dir():
        pytest.skip(f"WCXB data not available at {WCXB_ROOT}")
    return WCXB_ROOT


@pytest.fixture
def default_model_path():
    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip(f"no bundled model at {DEFAULT_MODEL_PATH} yet")
    return DEFAULT_MODEL_PATH


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run ``cli.main(argv)`` in-process; returns ``(exit_code, stdout, stderr)``.

    ``stdin`` (bytes) feeds standard input for ``-``.
    """
    import io

    import cli

    def run(argv, stdin: bytes | None = None):
        if stdin is not None:
            fake = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
            monkeypatch.setattr(sys, "stdin", fake)
        capsys.readouterr()  # drop anything printed before
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


# A page with a <pre> block of code (a link in it, a blank line), and line breaks in the source
# of a paragraph and of code outside <pre>.
PRE_PAGE = ("<p>Call it <code>twice</code>\n like\n this:</p>"
            "<pre><code>def twice(f, x):\n    return f(f(x))\n\n<a href='/p'>print</a>(twice(abs, -2))\n</code></pre>"
            "<div><code>x = 1\ny = 2</code></div>")


def write_warc(path: Path, responses) -> Path:
    """A gzipped WARC file of HTTP responses, given as (URL, content type, body bytes)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, content_type, body in responses:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    return path


def nonspace_len(text: str) -> int:
    return sum(not ch.isspace() for ch in text)


def page_frame(*tables: pd.DataFrame) -> pd.DataFrame:
    """Stack block tables into one table with a ``page`` column."""
    return pd.concat([t.assign(page=i) for i, t in enumerate(tables)], ignore_index=True)


