"""Run every hostile page of tests/test_hostile.py through the bundled model and print a table:
what happens, and how long it takes, through the Python API and through the command line.

    python scripts/hostile_report.py [--raised]   # --raised: also the refused pages with raised limits

API: ``load_model().classify(page)`` in this process (model loaded once).  CLI: ``boilerplate
clean FILE`` in a fresh process, wall time including Python start-up, with its peak memory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from features import parse_document  # noqa: E402
from features.decode import Limits, PageError  # noqa: E402
from model import load_model  # noqa: E402
from test_hostile import CASES  # noqa: E402

# The command, then its peak memory (VmHWM: ru_maxrss would carry this process's over fork/exec).
CLI = ("import re, sys, cli\n"
       "code = cli.main(sys.argv[1:])\n"
       "status = open('/proc/self/status').read()\n"
       "print(int(re.search(r'VmHWM:\\s+(\\d+)', status).group(1)) // 1024, file=sys.stderr)\n"
       "sys.exit(code)\n")


def api(clf, data) -> tuple[str, float]:
    start = time.perf_counter()
    try:
        table = clf.classify(data)
        kept = int((table["label"] == "content").sum())
        outcome = f"cleaned: {len(table)} blocks, {kept} kept"
    except PageError as exc:
        outcome = f"refused: {exc}"
    return outcome, time.perf_counter() - start


def cli(path: Path) -> tuple[int, str, float, int]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", CLI, "clean", str(path)], capture_output=True, cwd=REPO,
                            env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=900)
    seconds = time.perf_counter() - start
    *lines, peak = result.stderr.decode().splitlines()
    return result.returncode, " ".join(lines), seconds, int(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raised", action="store_true", help="also parse and score refused pages with raised limits")
    args = parser.parse_args()
    clf = load_model()
    clf.classify("<p>warm up</p>")
    print("| hostile input | size | API: what happens | API time | CLI exit, stderr | CLI time | CLI peak memory |")
    print("|---|---|---|---|---|---|---|")
    raised = Limits(max_bytes=100_000_000, max_blocks=10_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            data, _ = make()
            outcome, seconds = api(clf, data)
            path = Path(tmp) / "page"
            path.write_bytes(data)
            code, err, cli_seconds, peak = cli(path)
            err = err.replace(str(path), "FILE") or "-"
            print(f"| {name} | {len(data):,} B | {outcome} | {seconds:.3f} s | {code}, {err} | {cli_seconds:.2f} s "
                  f"| {peak} MB |", flush=True)
            if args.raised and outcome.startswith("refused") and "limit" in outcome:
                start = time.perf_counter()
                blocks, _ = parse_document(data, limits=raised)
                kept = clf.predict(blocks) == "content"
                print(f"| {name}, limits raised (parse_document + predict) | {len(data):,} B | "
                      f"{len(blocks):,} blocks, {int(kept.sum()):,} kept | "
                      f"{time.perf_counter() - start:.1f} s | | | |", flush=True)


if __name__ == "__main__":
    main()
