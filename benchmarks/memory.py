"""Peak memory of ``clean-corpus`` against input size: it must not grow with the input.

    python benchmarks/memory.py --data ../shared/data/wcxb-dev --sizes 100 1000 --jobs 2

Writes synthetic JSONL corpora of the given sizes (MB) from WCXB pages (HTML and their plain-text
renderings, repeated), cleans each with ``boilerplate clean-corpus`` in a subprocess, and samples
the resident memory of the whole process tree (main process and workers) every 0.2 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def write_corpus(path: Path, pages: list[dict], megabytes: int) -> int:
    written, n = 0, 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < megabytes * 1e6:
            record = dict(pages[n % len(pages)], id=n)
            line = json.dumps(record, ensure_ascii=False) + "\n"
            handle.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb-dev"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="corpus sizes in MB")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--pages", type=int, default=200, help="distinct WCXB pages to repeat")
    args = parser.parse_args(argv)

    from features.decode import decode_bytes
    from training.gold import html_to_text
    from training.pages import is_wcxb_dir

    root = is_wcxb_dir(Path(args.data))
    files = sorted((root / "html").glob("*.html.gz"))[: args.pages]
    pages = []
    for i, f in enumerate(files):
        html = decode_bytes(gzip.open(f).read())
        pages.append({"url": f"https://example{i}.test/page", "text": html})
        pages.append({"url": f"https://example{i}.test/page-text", "text": html_to_text(html)})
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            src = Path(tmp) / f"corpus-{size}mb.jsonl"
            n = write_corpus(src, pages, size)
            out = Path(tmp) / f"out-{size}"
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "cli", "clean-corpus", str(src), "--out", str(out),
                                     "--jobs", str(args.jobs), "--quiet"],
                                    cwd=Path(__file__).resolve().parents[1], stderr=subprocess.PIPE, text=True)
            peak = 0
            while proc.poll() is None:
                peak = max(peak, tree_rss(proc.pid))
                time.sleep(0.2)
            seconds = time.perf_counter() - start
            summary = proc.stderr.read().strip().splitlines()[-1] if proc.stderr else ""
            print(f"{size:>6} MB, {n} pages, {args.jobs} jobs: peak memory of all processes {peak / 1e6:.0f} MB, "
                  f"{seconds:.0f} s ({size / seconds:.2f} MB/s)\n    {summary}")
            src.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
