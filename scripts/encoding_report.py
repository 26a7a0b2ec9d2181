"""How well pages in legacy charsets are decoded when nothing declares their charset: the
decoder of this checkout beside byte-level charset detectors, on real pages re-encoded.

    python scripts/encoding_report.py --data ../shared/data/daniel-train --data ../shared/data/wcxb-dev

Each page (``html/*.html.gz`` with ``ground-truth/*.json``; its language is the JSON's ``lang``,
else guessed from the function words of its gold text) has its charset declarations taken out
(``<meta charset>``, ``<meta http-equiv>``, ``<?xml encoding>``) and is encoded into each legacy
charset of its language (``LEGACY``; characters the charset lacks as ``&#N;``, as such pages
write them; a page whose non-ASCII characters need more than 10% of such references, or
``--max-references``, is not in that charset's script and is left out).  Pages that come out as
plain ASCII (valid UTF-8, so no detection is needed) are counted apart.  A decode is right when its text equals the re-encoded
page read with the charset it was written in; "wrong" is the mean share of the page's
non-ASCII characters that a decode does not give (the multiset difference), which tells a
near miss (one letter of a Greek page) from mojibake.  Time is the CPU time of the call per page.
A detector is run as the decoder would run it: on bytes that are not valid UTF-8, so an answer of
UTF-8 (or UTF-16/32), or none, falls back to Windows-1252.

Part two checks that what needs no detection is not made worse, with this checkout's decoder:
the pages as UTF-8, and with a BOM; the legacy pages with their charset declared in a
``<meta charset>``, and only in an HTTP ``Content-Type`` header (``decode_bytes(charset=)``);
UTF-8 pages whose ``<meta>``, or HTTP header, names windows-1251 (a wrong label, overruled).
Times are CPU times in this process; they move with the machine's load, the ratios much less.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from features.decode import browser_codec, decode_bytes  # noqa: E402
from features.function_words import guess_language  # noqa: E402

# The legacy charsets pages of each language were written in (Python codec names; the label
# browsers use in brackets in the report).  Languages not named here are left out.
_WESTERN = ("cp1252",)
LEGACY = {
    "en": _WESTERN, "de": _WESTERN, "fr": _WESTERN, "es": _WESTERN, "it": _WESTERN, "pt": _WESTERN,
    "nl": _WESTERN, "sv": _WESTERN, "da": _WESTERN, "no": _WESTERN, "fi": _WESTERN, "ca": _WESTERN,
    "pl": ("cp1250", "iso8859-2"), "cs": ("cp1250", "iso8859-2"), "sk": ("cp1250", "iso8859-2"),
    "hu": ("cp1250", "iso8859-2"), "hr": ("cp1250", "iso8859-2"), "sl": ("cp1250", "iso8859-2"),
    "ro": ("cp1250", "iso8859-2"),
    "ru": ("cp1251", "koi8-r"), "uk": ("cp1251", "koi8-u"), "bg": ("cp1251",),
    "el": ("cp1253", "iso8859-7"), "tr": ("cp1254",), "he": ("cp1255", "iso8859-8"), "ar": ("cp1256",),
    "fa": ("cp1256",), "et": ("cp1257",), "lv": ("cp1257",), "lt": ("cp1257",),
    "zh": ("gbk", "gb18030", "big5"), "ja": ("cp932", "euc_jp"), "ko": ("cp949",),
}
LABELS = {"cp932": "Shift_JIS", "euc_jp": "EUC-JP", "gbk": "GBK", "gb18030": "GB18030", "big5": "Big5",
          "cp949": "EUC-KR", "koi8-r": "KOI8-R", "koi8-u": "KOI8-U"}

_DECLARATIONS = (
    re.compile(r"<meta\b[^>]*?\bcharset\s*=[^>]*>", re.I),  # <meta charset=...>, <meta http-equiv ... charset=...>
    re.compile(r"""(<\?xml\b[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""", re.I),
)


def strip_declarations(html: str) -> str:
    html = _DECLARATIONS[0].sub("", html)
    return _DECLARATIONS[1].sub(r"\1", html)


# -- detectors: bytes -> a charset label (None: no answer) --------------------------------------

def _resiliparse():
    from resiliparse.parse.encoding import detect_encoding
    return detect_encoding


def _resiliparse_16k():
    from resiliparse.parse.encoding import detect_encoding
    return lambda data: detect_encoding(data, max_len=16384)


def _charset_normalizer():
    from charset_normalizer import from_bytes

    def detect(data):
        best = from_bytes(data).best()
        return best.encoding if best else None
    return detect


def _chardet():
    import chardet
    return lambda data: chardet.detect(data)["encoding"]


def _cchardet():
    import cchardet
    return lambda data: cchardet.detect(data)["encoding"]


def _chardetng():
    import chardetng_py
    return lambda data: chardetng_py.detect(data, allow_utf8=False)


def _chardetng_64k():
    import chardetng_py
    return lambda data: chardetng_py.detect(data[:65536], allow_utf8=False)


DETECTORS = {
    "resiliparse": ("resiliparse.parse.encoding.detect_encoding (uchardet; 128 KB sample)", _resiliparse),
    "resiliparse-16k": ("the same with max_len=16384", _resiliparse_16k),
    "charset-normalizer": ("charset_normalizer.from_bytes(...).best()", _charset_normalizer),
    "chardet": ("chardet.detect", _chardet),
    "cchardet": ("faust-cchardet (uchardet)", _cchardet),
    "chardetng": ("chardetng-py (Firefox's detector)", _chardetng),
    "chardetng-64k": ("the same on the first 64 KB", _chardetng_64k),
}


def decoder_of(detect):
    """A decode function from a detector: its label read as browsers read it, else Windows-1252."""
    def decode(data: bytes) -> str:
        codec = browser_codec(detect(data))
        if codec is None or codec.startswith(("utf-8", "utf-16", "utf-32")):
            codec = "cp1252"  # no answer, or one the bytes (not valid UTF-8, no NUL pattern) refute
        return data.decode(codec, errors="replace")
    return decode


# -- pages --------------------------------------------------------------------------------------

def read_pages(folders: list[Path], per_language: int | None) -> list[tuple[str, str, str]]:
    """(source, language, html) of every page in ``folders``; at most ``per_language`` of a language."""
    pages, counts = [], defaultdict(int)
    for folder in folders:
        root = folder / "dev" if (folder / "dev" / "html").is_dir() else folder
        for truth in sorted((root / "ground-truth").glob("*.json")):
            html_path = root / "html" / f"{truth.stem}.html.gz"
            if not html_path.exists():
                continue
            record = json.loads(truth.read_text(encoding="utf-8"))
            gold = (record.get("ground_truth") or {}).get("main_content") or ""
            language = record.get("lang") or guess_language(gold)
            if language not in LEGACY or (per_language and counts[language] >= per_language):
                continue
            counts[language] += 1
            html = gzip.open(html_path).read().decode("utf-8", errors="replace")
            pages.append((folder.name, language, html))
    return pages


def legacy_versions(html: str, language: str, max_references: float):
    """(charset, bytes, expected text) for each legacy charset of ``language``: bytes None when
    the encoded page is plain ASCII, the string ``"unfit"`` when the charset lacks its script."""
    non_ascii = sum(1 for c in html if ord(c) > 127)
    for charset in LEGACY[language]:
        data = html.encode(charset, errors="xmlcharrefreplace")
        expected = data.decode(charset, errors="replace")
        missing = sum(1 for c in html if ord(c) > 127) - sum(1 for c in expected if ord(c) > 127)
        if non_ascii and missing > max_references * non_ascii:
            yield charset, "unfit", None
        elif data.isascii():
            yield charset, None, expected
        else:
            yield charset, data, expected


def timed(decode, data: bytes) -> tuple[str, float]:
    start = time.process_time_ns()
    text = decode(data)
    return text, (time.process_time_ns() - start) / 1e6


def wrong_share(expected: str, text: str) -> float:
    """The share of ``expected``'s non-ASCII characters that ``text`` lacks (multiset difference)."""
    want = Counter(c for c in expected if ord(c) > 127)
    if text == expected or not want:
        return 0.0
    got = Counter(c for c in text if ord(c) > 127)
    return sum((want - got).values()) / sum(want.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", required=True,
                        help="a folder of pages (html/ and ground-truth/, as WCXB or DANIEL); repeatable")
    parser.add_argument("--per-language", type=int, default=None, help="at most this many pages of a language")
    parser.add_argument("--max-references", type=float, default=0.1,
                        help="leave a page out of a charset when this share of its non-ASCII characters "
                             "would need a &#N; reference there (default 0.1)")
    parser.add_argument("--detectors", default=",".join(DETECTORS),
                        help=f"comma-separated, of {', '.join(DETECTORS)} (missing packages are skipped)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    decoders = {"cp1252 (no detection)": lambda data: data.decode("cp1252", errors="replace"),
                "features.decode": decode_bytes}
    for name in filter(None, args.detectors.split(",")):
        try:
            decoders[name] = decoder_of(DETECTORS[name][1]())
        except ImportError as exc:
            print(f"{name}: not installed ({exc}); left out", file=sys.stderr)

    pages = read_pages(args.data, args.per_language)
    print(f"{len(pages)} pages from {', '.join(str(f) for f in args.data)}", file=sys.stderr)
    zero = lambda: defaultdict(float)  # noqa: E731
    right, wrong, cost = defaultdict(zero), defaultdict(zero), defaultdict(zero)  # (language, charset) -> decoder -> sum
    pages_in, ascii_only, unfit = defaultdict(int), defaultdict(int), defaultdict(int)
    declared = defaultdict(lambda: [0, 0])  # check -> [right, pages]
    for number, (_, language, original) in enumerate(pages, 1):
        html = strip_declarations(original)
        for charset, data, expected in legacy_versions(html, language, args.max_references):
            key = (language, charset)
            if data is None:
                ascii_only[key] += 1
                continue
            if isinstance(data, str):  # "unfit"
                unfit[key] += 1
                continue
            pages_in[key] += 1
            for name, decode in decoders.items():
                text, ms = timed(decode, data)
                right[key][name] += text == expected
                wrong[key][name] += wrong_share(expected, text)
                cost[key][name] += ms
            # declared charsets keep their priority
            label = LABELS.get(charset, charset)
            meta = html.replace("<head>", f'<head><meta charset="{label}">', 1) if "<head>" in html \
                else f'<meta charset="{label}">' + html
            meta_data = meta.encode(charset, errors="xmlcharrefreplace")
            _count(declared, "legacy page, <meta charset>",
                   decode_bytes(meta_data) == meta_data.decode(charset, errors="replace"))
            _count(declared, "legacy page, charset only in the HTTP header", _http_decode(data, label) == expected)
        utf8 = original.encode("utf-8")
        _count(declared, "UTF-8 page as given", decode_bytes(utf8) == original)
        _count(declared, "UTF-8 page with a BOM", decode_bytes(b"\xef\xbb\xbf" + utf8) == original)
        wrong_label = html.replace("<head>", '<head><meta charset="windows-1251">', 1)
        _count(declared, "UTF-8 page whose <meta> says windows-1251",
               decode_bytes(wrong_label.encode("utf-8")) == wrong_label)
        _count(declared, "UTF-8 page, HTTP header says windows-1251",
               _http_decode(utf8, "windows-1251") == original)
        if number % 200 == 0:
            print(f"{number} pages", file=sys.stderr)

    names = list(decoders)
    print(f"\nUndeclared legacy pages: share decoded exactly right / mean share of non-ASCII characters "
          f"wrong / ms of CPU per page ({len(pages)} pages read):\n")
    print("| language | charset | pages | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    totals = {name: [0.0, 0.0, 0.0] for name in names}
    keys = sorted(pages_in, key=lambda k: (-sum(n for (lang, _), n in pages_in.items() if lang == k[0]), k))
    for key in keys:
        n = pages_in[key]
        cells = []
        for name in names:
            for i, table in enumerate((right, wrong, cost)):
                totals[name][i] += table[key][name]
            cells.append(_cell(right[key][name], wrong[key][name], cost[key][name], n))
        extra = f" (+{ascii_only[key]} ASCII)" if ascii_only[key] else ""
        print(f"| {key[0]} | {LABELS.get(key[1], key[1])} | {n}{extra} | " + " | ".join(cells) + " |")
    total = sum(pages_in.values())
    print(f"| all | | {total} | " + " | ".join(_cell(*totals[name], total, bold=True) for name in names) + " |")
    print("\n" + "; ".join(f"{n}: {DETECTORS[n][0]}" for n in names if n in DETECTORS) + ".")
    if unfit:
        print("Left out (the charset lacks the page's script): "
              + ", ".join(f"{lang}/{LABELS.get(cs, cs)} {n}" for (lang, cs), n in sorted(unfit.items())) + ".")
    print("\nWhat needs no detection, with features.decode (share decoded exactly right):\n")
    print("| page | right | pages |\n|---|---|---|")
    for check, (ok, n) in declared.items():
        print(f"| {check} | {ok / n:.3f} | {n} |")
    if args.json:
        args.json.write_text(json.dumps({
            "pages": len(pages),
            "undeclared": {f"{lang}/{cs}": {"pages": pages_in[(lang, cs)], **{
                name: {"right": right[(lang, cs)][name] / pages_in[(lang, cs)],
                       "wrong_characters": wrong[(lang, cs)][name] / pages_in[(lang, cs)],
                       "ms_per_page": cost[(lang, cs)][name] / pages_in[(lang, cs)]} for name in names}}
                for lang, cs in keys},
            "declared": {check: {"right": ok / n, "pages": n} for check, (ok, n) in declared.items()},
        }, indent=1))


def _cell(right: float, wrong: float, ms: float, n: int, bold: bool = False) -> str:
    share = f"{right / n:.3f}"
    return f"{'**' + share + '**' if bold else share} / {100 * wrong / n:.2f}% / {ms / n:.2f}"


def _count(table, check: str, ok: bool) -> None:
    table[check][0] += ok
    table[check][1] += 1


def _http_decode(data: bytes, label: str) -> str | None:
    """The decoder given the charset of an HTTP header, when this checkout's decoder takes one."""
    try:
        return decode_bytes(data, charset=label)
    except TypeError:  # a decoder without the argument
        return None


if __name__ == "__main__":
    main()
