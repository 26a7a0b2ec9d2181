"""Speed on one core, this model beside its peers on the same pages in the same run.

    python benchmarks/speed.py --data ../shared/data/wcxb-dev --pages 300

Prints pages/s and MB/s for HTML input (this model one page at a time and in batches,
Trafilatura, jusText, Resiliparse) and for plain-text input (this model one page at a time and in batches,
the C4-style line rules, jusText over lines), with the ratio of this model to each peer, and where
this model's time goes in batches (milliseconds per page for each stage).  The text pages are the
same pages rendered to plain text.  Everything runs on one core (one process,
one BLAS/OpenMP thread): to compare, not to predict a machine's throughput.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def load_pages(folder: Path, n: int) -> list[str]:
    from features.decode import decode_bytes
    from training.pages import is_wcxb_dir

    root = is_wcxb_dir(folder)
    if root is None:
        sys.exit(f"{folder}: not a WCXB folder (ground-truth/ and html/)")
    files = sorted((root / "html").glob("*.html.gz"))[:n]
    return [decode_bytes(gzip.open(f).read()) for f in files]


def timed(fn, documents, repeat: int) -> float:
    """Best of ``repeat`` runs, seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(documents)
        best = min(best, time.perf_counter() - start)
    return best


def stage_times(clf, documents, kind: str, batch: int) -> dict:
    """Seconds spent in each stage of ``clean_many`` over ``documents`` in batches of ``batch``."""
    from features.blocks import blocks_frame, parse_columns
    from model.decision import keep_blocks
    from model.estimator import prepare_blocks

    spent = dict.fromkeys(("parse into blocks", "block features", "word model and first pass",
                           "main trees and page cut"), 0.0)
    for i in range(0, len(documents), batch):
        marks = [time.perf_counter()]
        blocks = blocks_frame([parse_columns(d, kind)[0] for d in documents[i:i + batch]])
        marks.append(time.perf_counter())
        prepared = prepare_blocks(blocks)
        marks.append(time.perf_counter())
        matrix = clf.model_matrix(prepared)
        marks.append(time.perf_counter())
        proba = clf.proba_from_matrix(matrix)
        keep_blocks(proba, clf.decision_threshold(), clf.page_cuts(proba, prepared))
        marks.append(time.perf_counter())
        for stage, start, end in zip(spent, marks, marks[1:]):
            spent[stage] += end - start
    return spent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb-dev"))
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--batch", type=int, default=64, help="pages per clean_many call")
    parser.add_argument("--repeat", type=int, default=2, help="runs per system; the best is reported")
    parser.add_argument("--model", help="model file (default: the bundled model)")
    parser.add_argument("--trust-model", action="store_true", help="load --model even if not on your trust list")
    args = parser.parse_args(argv)

    from threadpoolctl import threadpool_limits

    from model import load_model
    from training.compare import LINE_BASELINES, _justext, _justext_lines, _resiliparse, _trafilatura
    from training.gold import html_to_text

    threadpool_limits(1)
    clf = load_model(args.model, trusted=args.trust_model)
    htmls = load_pages(Path(args.data), args.pages)
    texts = [html_to_text(h) for h in htmls]
    html_mb = sum(len(h.encode("utf-8")) for h in htmls) / 1e6
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    text_lines = sum(1 for t in texts for line in t.split("\n") if line.strip())

    def one_by_one(kind):
        return lambda docs: [clf.clean(d, kind=kind) for d in docs]

    def batched(kind):
        return lambda docs: [clf.clean_many(docs[i:i + args.batch], kind=kind) for i in range(0, len(docs), args.batch)]

    def each(fn):
        return lambda docs: [fn(d) for d in docs]

    def lines(fn):
        return lambda docs: [fn([line for line in d.split("\n") if line.strip()]) for d in docs]

    clf.clean_many(htmls[:8], kind="html")  # warm up imports and caches
    systems = {"html": [("model, one page at a time", one_by_one("html")), ("model, batches", batched("html"))],
               "text": [("model, one page at a time", one_by_one("text")), ("model, batches", batched("text"))]}
    peers = {"html": [], "text": [("C4-style line rules", lines(LINE_BASELINES["c4-rules"]))]}
    import importlib.util

    for module, name, fn in (("trafilatura", "Trafilatura", _trafilatura), ("justext", "jusText", _justext)):
        if importlib.util.find_spec(module) is None:
            print(f"({module} not installed: pip install -e '.[compare]')")
            continue
        peers["html"].append((name, each(fn)))
        if module == "justext":
            peers["text"].append(("jusText over lines", lines(_justext_lines)))
    peers["html"].append(("Resiliparse", each(_resiliparse)))  # a dependency: it renders the text pages

    print(f"{len(htmls)} WCXB pages: {html_mb:.1f} MB of HTML; as plain text {text_mb:.1f} MB, {text_lines} lines. "
          f"One core, best of {args.repeat}.")
    for kind, documents, mb in (("html", htmls, html_mb), ("text", texts, text_mb)):
        print(f"\n{kind.upper()} input")
        rows = [(name, timed(fn, documents, args.repeat)) for name, fn in systems[kind] + peers[kind]]
        ours = {name: seconds for name, seconds in rows[:2]}
        for name, seconds in rows:
            extra = f"  {text_lines / seconds:>9.0f} lines/s" if kind == "text" else ""
            print(f"  {name:<28}{len(documents) / seconds:>8.1f} pages/s {mb / seconds:>7.2f} MB/s{extra}")
        for name, seconds in rows[2:]:
            print(f"  ratio to {name}: " + ", ".join(f"{label.split(', ')[1]} {seconds / mine:.2f}x"
                                                    for label, mine in ours.items()))
        spent = stage_times(clf, documents, kind, args.batch)
        print(f"  where the model's time goes (batches, ms per page): " + ", ".join(
            f"{stage} {1000 * seconds / len(documents):.1f}" for stage, seconds in spent.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
