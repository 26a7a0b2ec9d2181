"""Speed of this model, compiled and in pure Python, beside its peers on the same pages in one run.

    python benchmarks/speed.py --data ../shared/data/wcxb-dev --pages 300

Prints pages/s and MB/s for HTML input (this model one page at a time and in batches, on the
compiled core and on its pure-Python reference; Trafilatura, jusText, Resiliparse) and for
plain-text input (the same four; the C4-style line rules, jusText over lines), with the ratio of
each of this model's runs to each peer; whether the two paths cleaned every page to the same
text; where this model's time goes in batches (milliseconds per page for each stage, both
paths); and the fixed cost of one ``clean`` call, on a page of two blocks (both paths).  The text pages are the same pages rendered to plain text.

Times are the CPU time of this process (every thread it runs), with default settings and no
thread variables: a call that spent CPU on threads that spin would show it.  They are best of
``--repeat`` runs; absolute figures move with the machine's load, the ratios much less.  The
last line runs the batches with ``n_jobs=2``: more CPU than on one thread would show there.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STAGES = ("decode and parse", "split into blocks", "block arrays", "block features", "word model and first pass",
          "of which first-pass trees", "main trees", "page cut")


def load_pages(folder: Path, n: int) -> list[str]:
    from features.decode import decode_bytes
    from training.pages import is_wcxb_dir

    root = is_wcxb_dir(folder)
    if root is None:
        sys.exit(f"{folder}: not a WCXB folder (ground-truth/ and html/)")
    files = sorted((root / "html").glob("*.html.gz"))[:n]
    return [decode_bytes(gzip.open(f).read()) for f in files]


def timed(fn, documents, repeat: int) -> tuple[float, float, list]:
    """Best CPU seconds and best wall seconds of ``repeat`` runs, and what the last run gave."""
    cpu = wall = float("inf")
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        out = fn(documents)
        cpu, wall = min(cpu, time.process_time() - start_cpu), min(wall, time.perf_counter() - start_wall)
    return cpu, wall, out


def stage_times(clf, documents, kind: str, batch: int, repeat: int) -> dict:
    """CPU seconds spent in each stage of ``clean_many`` over ``documents`` in batches of
    ``batch``, the best of ``repeat`` runs for each (the first-pass trees timed again on their
    own; splitting HTML into blocks is the walk)."""
    runs = [_stage_times(clf, documents, kind, batch) for _ in range(repeat)]
    return {stage: min(run[stage] for run in runs) for stage in STAGES}


def _stage_times(clf, documents, kind: str, batch: int) -> dict:
    from features import feature_matrix, html_blocks
    from features.blocks import block_arrays, text_columns
    from features.decode import DEFAULT_LIMITS, to_text
    from model.estimator import _proba

    spent = dict.fromkeys(STAGES, 0.0)
    walk = html_blocks.python_columns if html_blocks._compiled is None else html_blocks._compiled.columns
    for i in range(0, len(documents), batch):
        marks = [time.process_time()]
        parsed = [html_blocks._parse(to_text(d)) if kind == "html" else to_text(d) for d in documents[i:i + batch]]
        marks.append(time.process_time())
        columns = [walk(p, DEFAULT_LIMITS) if kind == "html" else text_columns(p) for p in parsed]
        marks.append(time.process_time())
        table = block_arrays(columns)  # what clean_many builds: arrays, no frame
        page, texts = table["page"], table["text"].tolist()
        marks.append(time.process_time())
        features = feature_matrix(table, page)
        marks.append(time.process_time())
        matrix = clf._model_matrix(features, page, texts)
        marks.append(time.process_time())
        _proba(clf.first_, matrix[:, :clf.first_.n_features_in_], clf.n_jobs)
        marks.append(time.process_time())
        proba = clf.proba_from_matrix(matrix)
        marks.append(time.process_time())
        clf._keep(proba, page, matrix, clf.decision_threshold())
        marks.append(time.process_time())
        for stage, start, end in zip(spent, marks, marks[1:]):
            spent[stage] += end - start
    return spent


SMALL_PAGES = {"html": "<html><body><p>A short paragraph of a page.</p><p>And a second one.</p></body></html>",
               "text": "A short paragraph of a page.\nAnd a second one."}


def fixed_cost(clf, kind: str, repeat: int, calls: int = 300) -> float:
    """CPU milliseconds of one ``clean`` call on a page of two short blocks (best of ``repeat``
    runs of ``calls`` calls): what every call costs before its page's own work."""
    page = SMALL_PAGES[kind]
    clf.clean(page, kind=kind)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(calls):
            clf.clean(page, kind=kind)
        best = min(best, time.process_time() - start)
    return 1000 * best / calls


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb-dev"))
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--batch", type=int, default=64, help="pages per clean_many call")
    parser.add_argument("--repeat", type=int, default=2, help="runs per system; the best is reported")
    parser.add_argument("--model", help="model file (default: the bundled model)")
    parser.add_argument("--trust-model", action="store_true", help="load --model even if not on your trust list")
    args = parser.parse_args(argv)

    import importlib.util

    from features import compiled
    from model import load_model
    from training.compare import LINE_BASELINES, _justext, _justext_lines, _resiliparse, _trafilatura
    from training.gold import html_to_text

    clf = load_model(args.model, trusted=args.trust_model)
    htmls = load_pages(Path(args.data), args.pages)
    texts = [html_to_text(h) for h in htmls]
    html_mb = sum(len(h.encode("utf-8")) for h in htmls) / 1e6
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    text_lines = sum(1 for t in texts for line in t.split("\n") if line.strip())
    core = compiled.summary()

    def one_by_one(kind, model=clf):
        return lambda docs: [model.clean(d, kind=kind) for d in docs]

    def batched(kind, model=clf):
        return lambda docs: [text for i in range(0, len(docs), args.batch)
                             for text in model.clean_many(docs[i:i + args.batch], kind=kind)]

    def reference(fn):
        def run(docs):
            with compiled.reference():
                return fn(docs)
        return run

    def each(fn):
        return lambda docs: [fn(d) for d in docs]

    def lines(fn):
        return lambda docs: [fn([line for line in d.split("\n") if line.strip()]) for d in docs]

    clf.clean_many(htmls[:8], kind="html")  # warm up imports and caches
    ours = {kind: [("compiled, one page at a time", one_by_one(kind)),
                   (f"compiled, batches of {args.batch}", batched(kind)),
                   ("pure Python, one page at a time", reference(one_by_one(kind))),
                   (f"pure Python, batches of {args.batch}", reference(batched(kind)))]
            for kind in ("html", "text")}
    c4_rules = LINE_BASELINES["c4-rules"]
    peers = {"html": [], "text": [("C4-style line rules", lines(lambda texts: c4_rules(texts, "en")))]}
    for module, name, fn in (("trafilatura", "Trafilatura", _trafilatura), ("justext", "jusText", _justext)):
        if importlib.util.find_spec(module) is None:
            print(f"({module} not installed: pip install -e '.[compare]')")
            continue
        peers["html"].append((name, each(fn)))
        if module == "justext":
            peers["text"].append(("jusText over lines", lines(_justext_lines)))
    peers["html"].append(("Resiliparse", each(_resiliparse)))  # a dependency: it renders the text pages

    print(f"{len(htmls)} WCXB pages: {html_mb:.1f} MB of HTML; as plain text {text_mb:.1f} MB, {text_lines} lines. "
          f"CPU time of this process, best of {args.repeat}; this model: {core}.")
    for kind, documents, mb in (("html", htmls, html_mb), ("text", texts, text_mb)):
        print(f"\n{kind.upper()} input{'':<29}pages/s    MB/s" + ("    lines/s" if kind == "text" else "")
              + "   (wall pages/s)")
        rows = [(name, *timed(fn, documents, args.repeat)) for name, fn in ours[kind] + peers[kind]]
        for i, (name, cpu, wall, _) in enumerate(rows):
            extra = f" {text_lines / cpu:>10.0f}" if kind == "text" else ""
            label = f"model, {name}" if i < 4 else name
            print(f"  {label:<41}{len(documents) / cpu:>7.1f} {mb / cpu:>7.2f}{extra}   ({len(documents) / wall:.1f})")
        if kind == "html":
            one_thread = rows[1][1]
        for name, peer_cpu, _, _ in rows[4:]:
            print(f"  ratio to {name}: " + ", ".join(f"{label} {peer_cpu / cpu:.2f}x" for label, cpu, _, _ in rows[:4]))
        outputs = [out for _, _, _, out in rows[:4]]
        same = sum(a == b == c == d for a, b, c, d in zip(*outputs))
        print(f"  the same cleaned text on both paths, one page at a time and in batches: {same} of "
              f"{len(documents)} pages")
        for label, path in (("compiled", None), ("pure Python", compiled.reference)):
            if path is None:
                spent = stage_times(clf, documents, kind, args.batch, args.repeat)
            else:
                with path():
                    spent = stage_times(clf, documents, kind, args.batch, args.repeat)
            print(f"  where the time goes, {label} (batches, ms per page): " + ", ".join(
                f"{stage} {1000 * seconds / len(documents):.2f}" for stage, seconds in spent.items()))
        fixed = fixed_cost(clf, kind, args.repeat)
        with compiled.reference():
            fixed_reference = fixed_cost(clf, kind, args.repeat)
        print(f"  fixed cost of one clean() call (a page of two blocks): compiled {fixed:.2f} ms, "
              f"pure Python {fixed_reference:.2f} ms")
    threads = load_model(args.model, trusted=args.trust_model).set_params(n_jobs=2)
    cpu, wall, _ = timed(batched("html", threads), htmls, args.repeat)
    print(f"\nHTML, compiled, batches of {args.batch} with n_jobs=2: {len(htmls) / cpu:.1f} pages per CPU-second "
          f"(one thread: {len(htmls) / one_thread:.1f}), {len(htmls) / wall:.1f} pages/s of wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
