"""Turn whatever the user hands us (bytes or str) into text, and tell HTML from plain text.

Decoding order for bytes: a byte-order mark wins; then strict UTF-8 (valid UTF-8 that is not
meant to be UTF-8 is rare); then the charset the page declares in a ``<meta>`` tag (Latin-1 and
ASCII labels read as Windows-1252, as browsers do); then UTF-8 with replacement characters when
the bytes are mostly valid UTF-8; then Windows-1252.  Nothing raises.
"""

from __future__ import annotations

import codecs
import re

KINDS = ("auto", "text", "html")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_HTML_START = re.compile(r"\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<(!doctype\s+)?html)", re.I)
_HTML_TAG = re.compile(
    r"</?(html|head|body|div|p|span|a|br|li|ul|ol|table|tr|td|h[1-6]|meta|script|style|img|section|nav)\b[^<>]{0,500}>",
    re.I,
)


# Browsers read these labels as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = {"latin_1", "iso8859-1", "ascii", "cp1252"}


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes: decode it with U+FFFD for the broken ones."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - broken
    return text if multibyte >= 4 * broken else None


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows up as a NUL in every other byte of ASCII text."""
    head = data[:2000]
    if len(head) < 4:
        return None
    even_nuls = head[0::2].count(0) / len(head[0::2])
    odd_nuls = head[1::2].count(0) / len(head[1::2])
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> str:
    """Decode page bytes robustly; never raises."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    utf16 = _guess_utf16(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:8192])
    if match:
        try:
            encoding = codecs.lookup(match.group(1).decode("ascii")).name
            return data.decode("cp1252" if encoding in _AS_CP1252 else encoding, errors="replace")
        except (LookupError, UnicodeError):
            pass
    return _mostly_utf8(data) or data.decode("cp1252", errors="replace")


def to_text(document: str | bytes) -> str:
    """Return ``document`` as str, decoding bytes; reject anything else with a clear message."""
    if isinstance(document, str):
        return document[1:] if document.startswith("\ufeff") else document
    if isinstance(document, (bytes, bytearray, memoryview)):
        return decode_bytes(bytes(document))
    raise TypeError(f"a document must be str or bytes, not {type(document).__name__}")


def looks_like_html(text: str) -> bool:
    """Decide by content whether ``text`` is HTML: a document start, or markup tags throughout."""
    head = text[:65536]
    if _HTML_START.match(head):
        return True
    tags = len(_HTML_TAG.findall(head))
    if tags and head.lstrip().startswith("<"):
        return True
    # Prose that quotes a few tags (an HTML tutorial as plain text) stays text: markup has a tag
    # every few hundred characters at least.
    return tags >= 5 and tags * 300 >= len(head)


def resolve_kind(text: str, kind: str) -> str:
    """Map ``auto`` to ``html`` or ``text``; validate explicit kinds."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "auto":
        return "html" if looks_like_html(text) else "text"
    return kind
