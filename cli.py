"""The ``boilerplate`` command: clean, train, evaluate, label, features.

Each sub-command is a thin layer over the library (``model``, ``training``, ``features``);
errors become one sentence on stderr and a non-zero exit status, never a traceback (``--debug``
shows it).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import time
from pathlib import Path

EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


class Terminated(BaseException):
    """SIGTERM, raised where the command is so that it cleans up as for Ctrl-C (temporary files
    removed, worker processes stopped)."""


def _terminate(signum, frame):
    raise Terminated


# -- clean ------------------------------------------------------------------------------------

def _read_page(page: str, limits) -> bytes:
    """The page's bytes, at most one byte past the size limit (which then refuses the page).
    Read in chunks: a high limit must not reserve its size for a small page."""
    if page == "-":
        return _read_at_most(sys.stdin.buffer, limits.max_bytes + 1)
    path = Path(page)
    if path.is_dir():
        raise CliError(f"{page}: is a folder, not a page")
    if not path.is_file():
        raise CliError(f"{page}: no such file")
    with open(path, "rb") as handle:
        return _read_at_most(handle, limits.max_bytes + 1)


def _read_at_most(handle, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = handle.read(min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _warn_if_not_html(args, page: bytes) -> None:
    """--format html on a page without a single "<": one block of text, which users who forced
    the kind by mistake would take for a page with no content."""
    from features.decode import to_text

    if args.format == "html" and page.strip() and "<" not in to_text(page, getattr(args, "charset", None)):
        print(f"boilerplate {args.command}: warning: {args.page} has no markup; as HTML (--format html) "
              "it is one block of text; --format text or auto reads it line by line", file=sys.stderr)


# Control characters, which a terminal acts on (escape sequences, bell, carriage return): a page's
# text may hold them (a plain-text line as given, an HTML reference such as &#27;).  Tab and line
# feed stay.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cmd_clean(args) -> int:
    limits = _limits(args)
    page = _read_page(args.page, limits)
    _warn_if_not_html(args, page)
    clf = _load_model(args)
    table = clf.classify(page, kind=args.format, threshold=args.threshold, limits=limits, charset=args.charset)
    out = sys.stdout
    if args.output == "json":  # control characters as JSON escapes (json.dumps leaves DEL and C1 as they are)
        for row in table.itertuples(index=False):
            line = json.dumps({"block": int(row.block), "line": None if row.line != row.line else int(row.line),
                               "text": row.text, "label": row.label, "proba": round(float(row.proba), 4),
                               "kind": row.kind}, ensure_ascii=False)
            out.write(_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n")
    else:
        from model import join_blocks

        text = _CONTROL.sub("", join_blocks(table))
        if text:
            out.write(text + "\n")
    return 0


# -- data loading shared by train / evaluate / label ------------------------------------------

def _load(args):
    from training.pages import load_pages

    skipped = []

    def skip(error):  # --skip-bad: report each bad page on stderr and go on
        skipped.append(error)
        print(f"boilerplate {args.command}: skipped: {error}", file=sys.stderr)

    pages = load_pages(args.data, kind=args.kind, progress=not args.quiet, limit=args.limit,
                       on_error=skip if args.skip_bad else None)
    if skipped:
        print(f"boilerplate {args.command}: skipped {len(skipped)} bad pages, read {len(pages)}", file=sys.stderr)
    if len(pages) == 0:
        raise CliError("no labelled pages found in " + ", ".join(args.data))
    return pages


def _log(args):
    return (lambda *a, **k: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr))


# -- train ------------------------------------------------------------------------------------

def cmd_train(args) -> int:
    from model import BoilerplateClassifier, save_model
    from training.evaluate import format_report
    from training.train import train

    log = _log(args)
    pages = _load(args)
    params = {k: v for k, v in (("max_iter", args.max_iter), ("learning_rate", args.learning_rate),
                                ("max_leaf_nodes", args.max_leaf_nodes)) if v is not None}
    estimator = BoilerplateClassifier(drop_cross_links=not args.keep_cross_links, page_cut=not args.no_page_cut,
                                      **params)
    if args.cv and args.no_refit:
        raise CliError("--cv validates on every page and then fits on all of them; --no-refit needs --holdout")
    clf, training, validation = train(pages, estimator, holdout=args.holdout, seed=args.seed,
                                      refit=not args.no_refit, cv=args.cv, progress=not args.quiet, log=log)
    training["data"] = [str(p) for p in args.data]
    training["kind"] = args.kind
    save_model(clf, args.out, training=training, validation=validation)
    how = f"{args.cv}-fold cross-validation by domain" if args.cv else "validation on domains not seen in training"
    for kind, rep in (validation.get("by_kind") or {}).items():
        print(format_report(rep, f"{how}, {kind} input"))
    why = ""  # why the threshold was not chosen on validation pages
    if not validation:
        why = ("; not chosen: --holdout 0 validates nothing, use --cv K or --holdout" if args.holdout == 0
               else "; not chosen: the data has too few domains to hold any out")
    print(f"model written to {args.out} (threshold {clf.threshold:.3f}{why})")
    return 0


def _add_threshold(parser) -> None:
    parser.add_argument("--threshold", type=_probability,
                        help="probability of content needed to keep a block (default: the threshold stored in "
                             "the model file)")
    _add_page_cut(parser)


def _load_model(args):
    """The model of ``--model`` (the bundled one by default), without its page cut if asked."""
    from model import load_model

    _check_page_cut(args)
    clf = load_model(args.model, trusted=args.trust_model)
    return clf.set_params(page_cut=False) if args.no_page_cut else clf


def _check_page_cut(args) -> None:
    """A model's threshold is chosen with its page cut, and is too low without it."""
    if args.no_page_cut and args.threshold is None:
        raise CliError("--no-page-cut needs --threshold: the model's own threshold was chosen with the page "
                       "cut and keeps too much without it (0.35 suits the bundled model)")


def _add_page_cut(parser) -> None:
    parser.add_argument("--no-page-cut", action="store_true",
                        help="keep every block at or above the threshold, without each page's own cut "
                             "(half its best expected word F1; see model/decision.py)")


def _add_limits(parser) -> None:
    from features.decode import DEFAULT_LIMITS

    parser.add_argument("--max-bytes", type=_at_least(1), default=DEFAULT_LIMITS.max_bytes, metavar="N",
                        help=f"refuse a page of more bytes, or characters for a text field of clean-corpus "
                             f"(default {DEFAULT_LIMITS.max_bytes:,})")
    parser.add_argument("--max-blocks", type=_at_least(1), default=DEFAULT_LIMITS.max_blocks, metavar="N",
                        help=f"refuse a page of more blocks (default {DEFAULT_LIMITS.max_blocks:,})")


def _limits(args):
    from features.decode import Limits

    return Limits(max_bytes=args.max_bytes, max_blocks=args.max_blocks)


def _add_trust_model(parser) -> None:
    parser.add_argument("--trust-model", action="store_true",
                        help="load --model even if it is not the bundled model or one saved under your "
                             "account (loading a model file runs code stored in it)")


# -- evaluate ---------------------------------------------------------------------------------

def cmd_evaluate(args) -> int:
    from training.compare import check_names, compare, format_comparison, read_source
    from training.evaluate import featurize, format_report, report, scorer_for, split_by_kind, threshold_curve
    from training.train import cross_validate

    log = _log(args)
    if args.importance and args.cv:
        raise CliError("--importance needs a trained model scored on unseen pages, not --cv: "
                       "train with --no-refit and evaluate with --split validation --importance N")
    names = [n.strip() for n in (args.compare or "").split(",") if n.strip()]
    try:
        check_names(names)
    except ValueError as error:
        raise CliError(f"--compare: {error}") from None
    clf = _load_model(args)
    pages = _load(args)
    if args.split == "validation":
        ids = (clf.metadata_.get("validation") or {}).get("page_ids")
        if not ids or clf.metadata_.get("training", {}).get("refit_on_all"):
            raise CliError("this model has no held-out pages (it was refit on all of its data); "
                           "train it with --no-refit, or use --cv K")
        pages = pages.subset(pages.pages["id"].astype(str).isin([str(i) for i in ids]).to_numpy())
        if len(pages) == 0:
            raise CliError("none of the model's validation pages are in this data")
    threshold = clf.decision_threshold(args.threshold)
    features = featurize(pages, progress=not args.quiet)
    if args.cv:
        proba = cross_validate(pages, clf, k=args.cv, features=features, log=log)
        title = f"{args.cv}-fold cross-validation by domain"
    else:
        proba = clf.predict_proba(features)[:, 1]
        title = f"model {args.model or 'default'}"
    cuts = clf.page_cuts(proba, features)
    results = {"model": str(args.model or "default"), "cv": args.cv, "kinds": {}}
    per_system_types, page_tables = {}, []
    for kind, subset, block_mask, p, c in split_by_kind(pages, proba, cuts):
        scorer = scorer_for(subset)
        rep = report(subset, p, threshold, scorer, with_pages=True, cuts=c)
        page_tables.append(rep.pop("pages"))
        print(format_report(rep, f"{title}, {kind} input, {len(subset)} pages"))  # kind: "[collection] html|text"
        entry = {"report": rep}
        if args.plot:
            entry["curve"] = threshold_curve(subset, scorer, p, c)
        if args.importance:
            from training.importance import permutation_importance

            table = permutation_importance(clf, features[block_mask], scorer, threshold, progress=not args.quiet)
            print(f"permutation importance on {kind} input (drop of mean page word F1 when the feature is shuffled):")
            for row in table.head(args.importance).itertuples(index=False):
                print(f"  {row.feature:<32}{row.f1_drop:+.4f}")
            entry["importance"] = table
        if names:
            model_scores = page_tables[-1]
            others = compare(subset, names)
            model_seconds = None
            if kind.endswith("html"):  # time the model end to end on the same pages (parse, features, predict)
                sources = [read_source(s) for s in subset.pages["source"] if isinstance(s, str)]
                if sources:
                    start = time.perf_counter()
                    for html in sources:
                        clf.classify(html, kind="html")
                    model_seconds = (time.perf_counter() - start) * len(subset) / len(sources)
            print(format_comparison(model_scores, others, model_seconds))
            entry["compare"] = {name: {"pages": r["pages"], "seconds": r["seconds"],
                                       "word_f1": float(r["scores"]["word_f1"].mean()) if r["pages"] else None,
                                       "by_type": r["scores"].groupby("page_type")["word_f1"].mean().to_dict(),
                                       "by_language": r["scores"].groupby("language")[["word_f1", "char_f1"]].mean()
                                       .dropna(axis=1, how="all").to_dict("index")}
                                for name, r in others.items()}
            if model_seconds:
                entry["model_pages_per_second"] = len(subset) / model_seconds
            per_system_types[kind] = {"model": {t: g["word_f1"] for t, g in rep["by_type"].items()}} | {
                name: r["scores"].groupby("page_type")["word_f1"].mean().to_dict() for name, r in others.items()}
        print()
        results["kinds"][kind] = entry
    if args.pages:
        import pandas as pd

        pd.concat(page_tables, ignore_index=True).to_csv(args.pages, index=False)
        print(f"per-page scores written to {args.pages}")
    if args.json:
        serialisable = {"model": results["model"], "cv": results["cv"],
                        "kinds": {k: {key: (v.to_dict("records") if hasattr(v, "to_dict") else v)
                                      for key, v in e.items()} for k, e in results["kinds"].items()}}
        Path(args.json).write_text(json.dumps(serialisable, indent=2, default=float))
        print(f"figures written to {args.json}")
    if args.plot:
        from training.plot import plot_evaluation

        # the HTML input of the largest collection (its page types), else the largest of any kind
        kind = max(results["kinds"], key=lambda k: (k.endswith("html"), results["kinds"][k]["report"]["overall"]["pages"]))
        entry = results["kinds"][kind]
        by_type = per_system_types.get(kind) or {
            "model": {t: g["word_f1"] for t, g in entry["report"]["by_type"].items()}}
        plot_evaluation(entry["curve"], threshold, by_type, args.plot)
        print(f"plot written to {args.plot}")
    return 0


# -- explain ----------------------------------------------------------------------------------

def cmd_explain(args) -> int:
    from model.explain import explain, report_html

    limits = _limits(args)
    page = _read_page(args.page, limits)
    _warn_if_not_html(args, page)
    clf = _load_model(args)
    table, reasons = explain(clf, page, kind=args.format, threshold=args.threshold, limits=limits)
    threshold = clf.decision_threshold(args.threshold)
    Path(args.out).write_text(report_html(table, reasons, f"boilerplate explain: {args.page}", threshold),
                              encoding="utf-8")
    explained = table.attrs["explained"]
    if explained == len(table):
        print(f"{len(table)} blocks explained in {args.out}")
    else:
        print(f"{len(table)} blocks in {args.out}, the {explained:,} nearest the decision explained (explain "
              "scores a bounded number of altered copies of a page's blocks)")
    return 0


# -- label ------------------------------------------------------------------------------------

def cmd_label(args) -> int:
    from training.evaluate import format_report, report, split_by_kind
    from training.pages import write_jsonl

    pages = _load(args)
    write_jsonl(pages, Path(args.out))
    labels = pages.blocks["label"].to_numpy().astype(float)
    for kind, subset, _, kept, _ in split_by_kind(pages, labels):
        print(format_report(report(subset, kept, 0.5),
                            f"labelling ceiling, {kind} input: keeping exactly the blocks labelled content",
                            with_threshold=False))
    print(f"{len(pages)} labelled pages, {int(labels.sum())} of {len(labels)} blocks content, written to {args.out}")
    return 0


# -- clean-corpus -----------------------------------------------------------------------------

def cmd_clean_corpus(args) -> int:
    from corpus import Options, clean_corpus
    from corpus.formats import CorpusError

    _check_page_cut(args)
    options = Options(field=args.field, kind=args.format, out_field=args.out_field, with_labels=args.with_labels,
                      drop_empty=args.drop_empty, threshold=args.threshold, model_path=args.model,
                      page_cut=False if args.no_page_cut else None, url_field=args.url_field,
                      site_share=args.site_share, site_min_pages=args.site_min_pages, trust_model=args.trust_model,
                      limits=_limits(args))
    try:
        summary = clean_corpus(args.inputs, args.out, options, jobs=args.jobs, batch_size=args.batch_size,
                               site_mode=args.site_lines, progress=not args.quiet, force=args.force)
    except (FileNotFoundError, CorpusError) as exc:
        raise CliError(str(exc)) from None
    print(summary.line(), file=sys.stderr)
    return 1 if summary.files_failed else 0


# -- features ---------------------------------------------------------------------------------

def cmd_features(args) -> int:
    from features import FEATURE_SET_VERSION, describe_features

    from model.first_pass import FEATURES as FIRST_PASS_FEATURES
    from model.lexical import FEATURES as LEXICAL_FEATURES

    table = describe_features()
    print(f"feature set {FEATURE_SET_VERSION}: {len(table)} block features, {len(LEXICAL_FEATURES)} from the "
          f"word n-gram model (models trained with lexical=True) and {len(FIRST_PASS_FEATURES)} from the first "
          "pass (first_pass > 0)")
    for row in table.itertuples(index=False):
        print(f"{row.family:<8} {row.name:<28} {row.description}")
    for family, features in (("lexical", LEXICAL_FEATURES), ("first", FIRST_PASS_FEATURES)):
        for name, description in features.items():
            print(f"{family:<8} {name:<28} {description}")
    return 0


# -- parser -----------------------------------------------------------------------------------

def _number(convert, allowed, requirement: str):
    """An argparse type: ``convert`` the text and refuse a value that is not ``allowed``, before
    any page is read (NaN is never allowed: every comparison with it is false)."""
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not allowed(value):
            raise argparse.ArgumentTypeError(f"must be {requirement}, got {text!r}")
        return value
    return parse


def _at_least(n: int):
    return _number(int, lambda v: v >= n, f"a whole number of at least {n}")


_probability = _number(float, lambda v: 0.0 <= v <= 1.0, "a number between 0 and 1")
_positive = _number(float, lambda v: 0.0 < v < float("inf"), "a number above 0")


def _version() -> str:
    """The package version, the bundled model's feature set and whether the compiled core runs."""
    from importlib.metadata import PackageNotFoundError, version

    from features import FEATURE_SET_VERSION, compiled

    try:
        package = version("boilerplate-classifier")
    except PackageNotFoundError:  # run from a checkout without installing
        package = "(not installed)"
    return f"{package}, feature set {FEATURE_SET_VERSION}, {compiled.summary()}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="boilerplate", description="Separate a web page's main content from its boilerplate.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clean", help="print a page's main content")
    p.add_argument("page", help="file path, or - for standard input")
    p.add_argument("--format", choices=("auto", "text", "html"), default="auto",
                   help="input kind (default: detect HTML by content)")
    p.add_argument("--output", choices=("text", "json"), default="text",
                   help="text: kept blocks; json: one object per block with label and probability")
    p.add_argument("--charset", metavar="LABEL",
                   help="the charset the page was served with (its HTTP Content-Type), e.g. Shift_JIS: "
                        "before its <meta charset> and detection (default: the page's own, else detected)")
    _add_threshold(p)
    p.add_argument("--model", help="model file (default: the bundled model)")
    _add_trust_model(p)
    _add_limits(p)
    p.set_defaults(func=cmd_clean)

    def data_args(p, kind_default="html"):
        p.add_argument("--data", nargs="+", required=True,
                       help="labelled pages: .jsonl(.gz), hand-labelled .txt/.html, folders of them, or a WCXB folder")
        p.add_argument("--kind", choices=("html", "text", "both"), default=kind_default,
                       help=f"for WCXB folders: use the HTML, the page rendered to plain text, or both "
                            f"(default: {kind_default})")
        p.add_argument("--limit", type=_at_least(1), help="read at most this many pages from each WCXB folder")
        p.add_argument("--quiet", action="store_true", help="no progress output")
        p.add_argument("--skip-bad", action="store_true",
                       help="report malformed pages (file and line) on stderr and go on without them")

    p = sub.add_parser("train", help="train a model on labelled pages")
    data_args(p, "both")
    p.add_argument("--out", required=True, help="model file to write (.joblib)")
    p.add_argument("--holdout", type=_number(float, lambda v: 0.0 <= v < 1.0, "at least 0 and below 1"), default=0.2,
                   help="share of domains held out for validation (default 0.2; 0: none)")
    p.add_argument("--seed", type=int, default=0, help="seed of the validation split")
    p.add_argument("--no-refit", action="store_true", help="keep the model fitted without the held-out pages")
    p.add_argument("--cv", type=_at_least(2), metavar="K",
                   help="choose the threshold and record the figures by K-fold cross-validation by domain "
                        "over all pages instead of a hold-out (K+1 fits)")
    p.add_argument("--max-iter", type=_at_least(1), help="boosting iterations (default 300)")
    p.add_argument("--learning-rate", type=_positive, help="boosting learning rate (default 0.1)")
    p.add_argument("--max-leaf-nodes", type=_at_least(2), help="leaves per tree (default 63)")
    p.add_argument("--keep-cross-links", action="store_true",
                   help="leave lines such as 'Read more: <title>' to the trees instead of dropping them "
                        "(for labelled pages whose gold keeps them as content)")
    _add_page_cut(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score a model on labelled pages")
    data_args(p)
    p.add_argument("--model", help="model file (default: the bundled model)")
    _add_trust_model(p)
    p.add_argument("--split", choices=("all", "validation"), default="all",
                   help="validation: only the pages the model held out when it was trained")
    p.add_argument("--cv", type=_at_least(2), metavar="K", help="K-fold cross-validation by domain with the model's settings")
    p.add_argument("--threshold", type=_probability, help="override the model's threshold")
    _add_page_cut(p)
    p.add_argument("--compare", help="comma-separated: trafilatura, justext, readability, resiliparse (HTML pages); keep-all, c4-rules, "
                                     "justext-lines (any page, line by line)")
    p.add_argument("--importance", type=_at_least(1), metavar="N",
                   help="print the N features whose shuffling costs most page word F1 (not with --cv; "
                        "use pages the model did not see, e.g. --split validation)")
    p.add_argument("--json", help="write the figures to this JSON file")
    p.add_argument("--pages", metavar="CSV", help="write one row per page (scores, ceiling, oracle) to this CSV file")
    p.add_argument("--plot", help="write a precision-recall and per-type F1 figure to this PNG file")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("explain", help="write an HTML report: blocks shaded by probability, reasons on hover")
    p.add_argument("page", help="file path, or - for standard input")
    p.add_argument("--out", required=True, help="HTML file to write")
    p.add_argument("--format", choices=("auto", "text", "html"), default="auto", help="input kind")
    _add_threshold(p)
    p.add_argument("--model", help="model file (default: the bundled model)")
    _add_trust_model(p)
    _add_limits(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("label", help="label pages that have a gold main text, write labelled JSONL")
    data_args(p)
    p.add_argument("--out", required=True, help="labelled JSONL file to write")
    p.set_defaults(func=cmd_label)

    p = sub.add_parser("clean-corpus", help="clean JSONL / Parquet / WARC files on every core")
    p.add_argument("inputs", nargs="+", help="corpus files: .jsonl(.gz|.zst), .parquet, .warc(.gz)")
    p.add_argument("--out", required=True, help="folder for the cleaned files (same names; WARC becomes .jsonl.gz)")
    p.add_argument("--field", default="text", help="field holding the document (default: text; WARC: the HTTP body)")
    p.add_argument("--format", choices=("auto", "text", "html"), default="auto", help="document kind (default: detect)")
    p.add_argument("--out-field", default="clean_text", help="field to write the cleaned text to (default: clean_text)")
    p.add_argument("--with-labels", action="store_true", help="also write per-block labels (1 content) and probabilities")
    p.add_argument("--drop-empty", action="store_true", help="leave out pages with nothing left")
    _add_threshold(p)
    p.add_argument("--model", help="model file (default: the bundled model)")
    _add_trust_model(p)
    p.add_argument("--jobs", type=_at_least(1), help="worker processes (default: every core)")
    p.add_argument("--batch-size", type=_at_least(1), default=64, help="pages per batch sent to a worker (default 64)")
    p.add_argument("--site-lines", action="store_true",
                   help="two passes: drop lines that occur on many pages of the same site (template lines)")
    p.add_argument("--url-field", default="url", help="field with the page URL, for --site-lines (default: url)")
    p.add_argument("--site-share", type=_probability, default=0.5,
                   help="--site-lines: drop a line found on this share of its site's pages (default 0.5)")
    p.add_argument("--site-min-pages", type=_at_least(2), default=3,
                   help="--site-lines: only for sites with this many pages, lines on this many pages (default 3)")
    p.add_argument("--force", action="store_true",
                   help="clean again the files already cleaned in --out (default: skip them, as a restart does)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_limits(p)
    p.set_defaults(func=cmd_clean_corpus)

    p = sub.add_parser("features", help="list the features the model uses")
    p.set_defaults(func=cmd_features)
    for p in sub.choices.values():  # also after the command, where users put it when an error suggests it
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
    return parser


# Options naming a file a command writes (clean-corpus's --out is a folder it creates).
_OUTPUT_FILES = ("out", "json", "pages", "plot")


def _check_output_files(args) -> None:
    """Make the folders of the files a command will write, and fail at once, not after an hour of
    training, when a file cannot be written where asked."""
    if args.command == "clean-corpus":
        return
    for name in _OUTPUT_FILES:
        value = getattr(args, name, None)
        if value is None:
            continue
        path = Path(value)
        if path.is_dir():
            raise CliError(f"--{name} {value}: is a folder, not a file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CliError(f"--{name} {value}: cannot make its folder ({exc.strerror})") from None


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from model import ModelError, PageError
    from training.pages import DataError

    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if on_main_thread else None
    try:
        _check_output_files(args)
        return args.func(args)
    except (CliError, ModelError, DataError, PageError) as exc:
        if args.debug:
            raise
        # A page refused by clean or explain (binary, over a limit) is named, with the option that
        # raises its limit.
        page = f"{args.page}: " if isinstance(exc, PageError) and getattr(args, "page", None) else ""
        limit = getattr(exc, "limit", None)
        option = f" with --{limit.replace('_', '-')}" if limit and hasattr(args, limit) else ""
        print(f"boilerplate {args.command}: error: {page}{exc}{option}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"boilerplate {args.command}: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print(f"boilerplate {args.command}: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the promise is: no traceback without --debug
        if args.debug:
            raise
        print(f"boilerplate {args.command}: error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
              file=sys.stderr)
        return 1
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


if __name__ == "__main__":
    sys.exit(main())
