"""Turn whatever the user hands us (bytes or str) into text, and tell HTML from plain text.

Decoding order for bytes: a byte-order mark wins; then strict UTF-8 (valid UTF-8 that is not
meant to be UTF-8 is rare); then the charset declared by the page's transport (an HTTP
``Content-Type`` header's ``charset``, passed as ``charset=``), then the one the page declares in
a ``<meta>`` tag (each label read as browsers read it: Latin-1 and ASCII as Windows-1252,
Shift_JIS as Windows-31J, GB2312 as GB18030...; a label naming a Python codec that is no
character set, such as ``rot13``, ``base64`` or ``unicode_escape``, is ignored); then UTF-8 with
replacement characters when the bytes are mostly valid UTF-8; then the legacy charset a
byte-level detector finds (``detect_charset``), Windows-1252 when it finds none.  Decoding never
raises, and the text it decodes never holds a lone surrogate (each would become U+FFFD).  A str
is the page's text as it is given, lone surrogates and all.

``check_page`` is the gate before decoding: a page over the size limit (``Limits``) or holding
binary data (an image, an archive, compressed bytes) is refused with a ``PageError`` whose
message says why in one sentence, instead of being "cleaned" into garbage.  It looks at the
first 4 KB only, so it costs microseconds.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

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
_LINE_STARTS_DOCUMENT = re.compile(r"^[ \t]*(?:<!doctype\s+html|<html)\b", re.I | re.M)
_HTML_END = re.compile(r"</html\s*>", re.I)
_PREAMBLE_CHARS = 2000
# The text opens with a tag of any name (quoted attribute values may hold "<" and ">"), a
# comment, CDATA or a processing or server instruction ("<?php", "<%@"), not just with "<" as a
# line of text may ("<< Back", "<3").
_TAG_FIRST = re.compile(r"""\s*(<!--|<!\[|<\?[a-z]|<%|</?[a-z][\w:-]*(\s(?:[^<>"']|"[^"]*"|'[^']*')*)?/?>)""", re.I)
_HTML_TAG = re.compile(
    r"</?(html|head|body|div|p|span|a|br|li|ul|ol|table|tr|td|h[1-6]|meta|script|style|img|section|nav)\b[^<>]{0,500}>",
    re.I,
)


class PageError(ValueError):
    """A page that is refused: binary data, or over one of the ``Limits``; the message says why,
    and ``limit`` names the limit it is over (None for binary data)."""

    def __init__(self, message: str, limit: str | None = None):
        super().__init__(message)
        self.limit = limit


@dataclass(frozen=True)
class Limits:
    """What one page may cost; ``parse_document`` (and ``clean`` / ``classify``) take a ``limits``.

    ``max_bytes``: a longer page is rejected (bytes; characters for a str).  ``max_blocks``: a
    page that splits into more blocks is rejected, as soon as the splitting gets there.
    ``max_depth``: HTML elements nested deeper are read as part of their ancestor at that depth;
    their text and block breaks are kept, their own markup evidence is not.  Real pages stay far
    below the defaults: the largest of WCXB dev's 1,497 pages has 5.3 MB, the most blocks 2,641,
    the deepest nesting 45 levels.
    """

    max_bytes: int = 20_000_000
    max_blocks: int = 100_000
    max_depth: int = 256

    def __post_init__(self):
        for name in ("max_bytes", "max_blocks", "max_depth"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, not {value!r}")


DEFAULT_LIMITS = Limits()


def check_limits(limits) -> Limits:
    """``limits``, or ``DEFAULT_LIMITS`` for None; TypeError for anything that is not a ``Limits``."""
    if limits is None:
        return DEFAULT_LIMITS
    if not isinstance(limits, Limits):
        raise TypeError(f"limits must be a features.decode.Limits, not {type(limits).__name__}")
    return limits

# Files that are never a web page, by their first bytes (magic numbers).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"%PDF-", "a PDF document"), (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive"), (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"), (b"\x00asm", "a WebAssembly module"), (b"wOFF", "a web font"),
    (b"wOF2", "a web font"), (b"OggS\x00", "Ogg audio or video"), (b"\x1a\x45\xdf\xa3", "a WebM video"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_SNIFF = 4096
# Control characters that text does not contain (tab, line breaks, form feed and escape are fine).
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 27)) + bytes(range(28, 32))
# Binary: this share of control characters (or of U+FFFD in a str) in the first 4 KB, or a
# smaller share when the bytes are not UTF-8 either (random bytes have ~10% control bytes).
_BINARY_SHARE, _BINARY_SHARE_NOT_UTF8 = 0.3, 0.05

# Labels of the WHATWG Encoding Standard (what browsers and detectors name) that Python does not know.
_WEB_LABELS = {"windows-31j": "cp932", "x-sjis": "cp932", "windows-874": "cp874", "x-mac-cyrillic": "mac-cyrillic",
               "iso-8859-8-i": "iso8859-8", "x-gbk": "gbk", "windows-949": "cp949"}
# Charsets that browsers read as their superset, since pages so labelled are written in it:
# Latin-1 and ASCII as Windows-1252, Shift_JIS as Windows-31J (cp932: circled numbers, NEC
# symbols), GB2312 and GBK as GB18030, EUC-KR as cp949, ISO-8859-9 as Windows-1254, TIS-620 as
# Windows-874.  (Python's codec names, as ``codecs.lookup`` gives them.)
_SUPERSETS = {"iso8859-1": "cp1252", "ascii": "cp1252", "shift_jis": "cp932", "gb2312": "gb18030",
              "gbk": "gb18030", "euc_kr": "cp949", "iso8859-9": "cp1254", "tis-620": "cp874", "iso8859-11": "cp874"}
# Python codecs that are text encodings to Python but no character set a page can be written in:
# they raise on ordinary bytes (idna, undefined), make lone surrogates (the escape codecs) or can
# smuggle markup past filters (utf-7: browsers never decode it).
_NOT_CHARSETS = {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7"}
_SURROGATES = re.compile("[\ud800-\udfff]")
# Charset detection (``detect_charset``): how many bytes the detector reads; the Latin-script
# charsets other than Windows-1252, which it may answer only with at least this many non-ASCII
# bytes to tell them by; bytes that are C1 controls in the ISO-8859 charsets, the Windows code
# page of each ISO-8859 script, and capital alpha with tonos before a small Greek letter in the
# two Greek charsets.
_DETECT_SAMPLE = 16384
_HIGH_BYTES = bytes(range(128, 256))
_OTHER_LATIN = {"cp1250", "cp1254", "cp1257", "cp1258", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-9",
                "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16", "mac-roman", "mac-latin2"}
_MIN_LATIN_EVIDENCE = 32
_NON_ASCII = re.compile("[^\x00-\x7f]")
_HANGUL_WORDS = re.compile("[\uac00-\ud7a3]{2,}")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_WINDOWS_OF_ISO = {"iso8859-2": "cp1250", "iso8859-5": "cp1251", "iso8859-6": "cp1256", "iso8859-7": "cp1253",
                   "iso8859-8": "cp1255", "iso8859-4": "cp1257", "iso8859-13": "cp1257", "iso8859-15": "cp1252"}
_ALPHA_TONOS_1253 = re.compile(rb"\xa2[\xdc-\xfe]")
_ALPHA_TONOS_8859_7 = re.compile(rb"\xb6[\xdc-\xfe]")
_CONTENT_TYPE_CHARSET = re.compile(r"""(?:^|;)\s*charset\s*=\s*["']?([^"';,\s]{1,40})""", re.I)
# What UTF-16 text in CJK scripts decodes to: ASCII, Latin-1 and general punctuation, CJK
# punctuation, kana, bopomofo, Hangul, CJK ideographs and full-width forms.
_WIDE_SCRIPTS = re.compile("[\t\n\r\x20-\x7e\xa0-\xff\u2000-\u206f\u3000-\u318f\u3400-\u4dbf"
                           "\u4e00-\u9fff\uac00-\ud7a3\uff00-\uffef]")
_WIDE_SCRIPTS_SHARE = 0.95  # random bytes read as UTF-16 give about 0.6


def _mostly_utf8(data: bytes, per_broken: int = 4) -> str | None:
    """UTF-8 with a few broken bytes (at least ``per_broken`` valid multibyte characters for each
    broken one): decode it with U+FFFD for the broken ones."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multibyte = len(text) - len(text.encode("ascii", errors="ignore")) - broken
    return text if multibyte >= per_broken * broken else None


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


def _guess_utf32(data: bytes) -> str | None:
    """UTF-32 without a BOM: three NULs in every four bytes of Latin text."""
    head = data[:4000]
    if len(head) < 8:
        return None
    nuls = [head[i::4].count(0) / len(head[i::4]) for i in range(4)]
    if nuls[2] > 0.9 and nuls[3] > 0.9 and nuls[0] < 0.1:
        return "utf-32-le"
    if nuls[0] > 0.9 and nuls[1] > 0.9 and nuls[3] < 0.1:
        return "utf-32-be"
    return None


def _guess_utf16_cjk(data: bytes) -> str | None:
    """UTF-16 without a BOM in a CJK script has no ASCII, so no NULs for ``_guess_utf16``; its low
    bytes fall among the control bytes so often that the page looks binary.  Only such a page (a
    share of control bytes that would refuse it, not UTF-8) is tried: one whose first 4 KB read
    as UTF-16 are nearly all characters of CJK text.  Text in legacy CJK encodings (Shift_JIS,
    GBK, EUC-KR) has no control bytes and is never taken for it."""
    head = data[:_SNIFF]
    if _control_share(head) <= _BINARY_SHARE_NOT_UTF8 or _is_utf8(head):
        return None
    head = head[:len(head) // 2 * 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        text = head.decode(encoding, errors="replace")
        if len(_WIDE_SCRIPTS.findall(text)) >= _WIDE_SCRIPTS_SHARE * len(text):
            return encoding
    return None


def _wide_encoding(data: bytes) -> tuple[str, int] | None:
    """``(encoding, BOM length)`` when a BOM, the NUL pattern of UTF-16/32 or the characters of
    UTF-16 CJK text say how to decode."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    guess = _guess_utf32(data) or _guess_utf16(data) or _guess_utf16_cjk(data)
    return (guess, 0) if guess else None


def _control_share(data: bytes) -> float:
    """The share of control bytes (``_CONTROL_BYTES``) in ``data``."""
    return (len(data) - len(data.translate(None, _CONTROL_BYTES))) / len(data) if data else 0.0


def _binary_text(text: str) -> str | None:
    head = text[:_SNIFF]
    if not head:
        return None
    raw = head.encode("utf-8", errors="replace")
    garbage = len(raw) - len(raw.translate(None, _CONTROL_BYTES)) + raw.count("\ufffd".encode())
    share = garbage / len(head)
    if share > _BINARY_SHARE:
        return f"binary data ({share:.0%} control or undecodable characters in its first {len(head):,})"
    return None


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"  # a character cut at the end of the sample
    return True


def binary_reason(document: str | bytes) -> str | None:
    """What kind of binary data ``document`` is ("a PNG image", "gzip-compressed data", ...), or
    None when it may be text.  Looks at magic numbers and at the share of control characters in
    the first 4 KB; NUL bytes scattered in a text page do not make it binary."""
    if isinstance(document, str):
        return _binary_text(document)
    data = bytes(document[:_SNIFF])
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if _BZIP2.match(data):
        return "bzip2-compressed data"
    if data[4:8] == b"ftyp":
        return "an MP4 or QuickTime video"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "a WebP image, WAV audio or AVI video"
    wide = _wide_encoding(data)
    if wide:
        return _binary_text(data[wide[1]:].decode(wide[0], errors="replace"))
    if not data:
        return None
    share = _control_share(data)
    if share > _BINARY_SHARE or (share > _BINARY_SHARE_NOT_UTF8 and not _is_utf8(data)):
        return f"binary data ({share:.0%} control bytes in its first {len(data):,})"
    return None


_DECOMPRESS = ("compressed", "archive")


def check_page(document: str | bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise ``PageError`` when ``document`` is over ``limits.max_bytes`` or is binary data."""
    if not isinstance(document, (str, bytes)):
        return  # to_text says what types a document may have
    if len(document) > limits.max_bytes:
        unit = "characters" if isinstance(document, str) else "bytes"
        raise PageError(f"the page has more than {limits.max_bytes:,} {unit} (the max_bytes limit); "
                        "raise the limit to read it", limit="max_bytes")
    what = binary_reason(document)
    if what:
        hint = "; decompress it first" if any(word in what for word in _DECOMPRESS) else ""
        raise PageError(f"the page is {what}, not text or HTML{hint}")


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode page bytes robustly; never raises, never returns a lone surrogate.  ``charset``:
    the one the page's transport declares (the ``charset=`` of an HTTP ``Content-Type`` header,
    see ``charset_of_content_type``), which goes before the page's ``<meta>``."""
    return _without_surrogates(_decode(data, charset))


def _decode(data: bytes, charset: str | None = None) -> str:
    wide = _wide_encoding(data)
    if wide:
        return data[wide[1]:].decode(wide[0], errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for label in (charset, _meta_charset(data)):
        encoding = browser_codec(label) if label else None
        if encoding and encoding.startswith(("utf-16", "utf-32")):
            encoding = "utf-8"  # no BOM and no NULs: not UTF-16 whatever it says (browsers read UTF-8)
        if encoding == "utf-8":  # declared UTF-8 but not UTF-8: a few broken bytes, or a wrong label
            text = _mostly_utf8(data, per_broken=1)
            if text is not None:
                return text
            continue  # a wrong label (a server's default header): the page's own, or detection
        if encoding:
            try:
                return data.decode(encoding, errors="replace")
            except (LookupError, UnicodeError, ValueError, TypeError):
                pass  # a codec registered by some other library that fails anyway: as if undeclared
    return _mostly_utf8(data) or data.decode(detect_charset(data), errors="replace")


def _meta_charset(data: bytes) -> bytes | None:
    match = _META_CHARSET.search(data[:8192])
    return match.group(1) if match else None


def detect_charset(data: bytes) -> str:
    """The legacy charset of page bytes that are not UTF-8 and declare none (a Python codec).

    Resiliparse's ``detect_encoding`` (uchardet) guesses from a 16 KB sample (8 KB from each
    end); an answer the bytes refute is corrected:  UTF-8 (they are not UTF-8) or none as
    Windows-1252, or as EUC-KR (cp949) for Korean text, which this uchardet does not know; a Latin-script charset other than Windows-1252 (Central European, Baltic,
    Turkish...) on fewer than 32 non-ASCII bytes as Windows-1252, the legacy charset of most
    pages, since so few letters cannot tell such charsets apart (the detector takes a short
    Spanish line for ISO-8859-4), unless Windows-1252 would put a sign inside a word (``³`` for
    Polish ł); an ISO-8859 charset where the bytes hold 0x80-0x9F (C1 controls there, which
    text never holds; Windows code pages put punctuation there) as the Windows code page of its
    script, and Windows-1253 against ISO-8859-7 (few bytes tell them apart, and uchardet
    often takes one for the other) by where the bytes put capital Ά.  ``scripts/encoding_report.py`` measures it.
    """
    try:
        from resiliparse.parse.encoding import detect_encoding

        codec = browser_codec(detect_encoding(data, max_len=_DETECT_SAMPLE))
    except Exception:  # noqa: BLE001 - decoding never raises: an unusable detector is no answer
        codec = None
    if codec is None or codec.startswith(("utf-8", "utf-16", "utf-32")):
        return "cp949" if _korean(data) else "cp1252"
    if (codec in _OTHER_LATIN and len(data) - len(data.translate(None, _HIGH_BYTES)) < _MIN_LATIN_EVIDENCE
            and not _sign_inside_a_word(data.decode("cp1252", errors="replace"))):
        return "cp1252"
    if codec.startswith("iso8859-") and _C1_BYTES.search(data):
        codec = _WINDOWS_OF_ISO.get(codec, "cp1252")
    if codec in ("cp1253", "iso8859-7"):
        codec = _greek_charset(data, codec)
    return codec


def _korean(data: bytes) -> bool:
    """EUC-KR (cp949) text, which Resiliparse's uchardet does not know (it answers UTF-8): bytes
    that decode as cp949 without an error, to words of two or more Hangul syllables (8 syllables
    or more) for most of their non-ASCII characters.  Western text does not: a Latin-1 letter
    before a space is no cp949 character, and a Windows-1252 apostrophe before a letter (``’s``)
    that is makes one syllable between Latin letters, no Korean word."""
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return False
    hangul = sum(map(len, _HANGUL_WORDS.findall(text)))
    return hangul >= 8 and 2 * hangul > len(_NON_ASCII.findall(text))  # a few words at least


def _sign_inside_a_word(text: str) -> bool:
    """Whether ``text`` holds a non-ASCII sign that no word holds between two letters: a symbol,
    digit sign, inverted mark, control or undecodable byte (``³`` in ``przekroczy³a``, Polish
    read as Windows-1252), not a letter or the punctuation that joins words (’ — …)."""
    for match in _NON_ASCII.finditer(text):
        i, char = match.start(), match.group()
        if (0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
                and (unicodedata.category(char)[0] in "SNC" or char in "\ufffd¿¡")):
            return True
    return False


def _greek_charset(data: bytes, guess: str) -> str:
    """Windows-1253 or ISO-8859-7: they differ in where capital alpha with tonos (Ά, which
    starts many Greek words) is, 0xA2 against 0xB6, and in the punctuation at 0x80-0x9F (C1
    controls in ISO-8859-7).  Ά is followed by a small letter (0xDC-0xFE in both); the other
    byte of the two then stands for ’ (ISO-8859-7) or ¶ (Windows-1253), which are not."""
    if _C1_BYTES.search(data):
        return "cp1253"
    windows = len(_ALPHA_TONOS_1253.findall(data))
    iso = len(_ALPHA_TONOS_8859_7.findall(data))
    if windows != iso:
        return "cp1253" if windows > iso else "iso8859-7"
    return guess


def charset_of_content_type(value: str | bytes | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` header value (``text/html; charset=Shift_JIS``),
    or None when it has none."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    match = _CONTENT_TYPE_CHARSET.search(value)
    return match.group(1) if match else None


def browser_codec(label: str | bytes | None) -> str | None:
    """The Python codec that reads what a browser reads for a charset label (``<meta charset>``,
    an HTTP ``Content-Type`` header, a detector's answer), or None when the label names no
    character set: unknown, or a Python codec that is none (``rot13``, ``base64``, ``zlib``,
    ``unicode_escape``...)."""
    if isinstance(label, bytes):
        try:
            label = label.decode("ascii")
        except UnicodeError:
            return None
    if not isinstance(label, str):
        return None
    label = label.strip().strip("\"'").strip().lower()
    try:
        info = codecs.lookup(_WEB_LABELS.get(label, label))
    except (LookupError, UnicodeError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return _SUPERSETS.get(info.name, info.name)


def _without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (which no UTF-8 writer accepts) as U+FFFD."""
    if text.isascii() or _SURROGATES.search(text) is None:
        return text
    return _SURROGATES.sub("\ufffd", text)


def to_text(document: str | bytes, charset: str | None = None) -> str:
    """Return ``document`` as str, decoding bytes (``charset``: the one their transport declares,
    see ``decode_bytes``); reject anything else with a clear message."""
    if isinstance(document, str):
        return document[1:] if document.startswith("\ufeff") else document
    if isinstance(document, (bytes, bytearray, memoryview)):
        return decode_bytes(bytes(document), charset)
    raise TypeError(f"a document must be str or bytes, not {type(document).__name__}")


def looks_like_html(text: str) -> bool:
    """Decide by content whether ``text`` is HTML: a document start, or markup tags throughout."""
    head = text[:65536]
    if _HTML_START.match(head):
        return True
    tags = len(_HTML_TAG.findall(head))
    if tags and _TAG_FIRST.match(head):
        return True
    if tags >= 5 and tags * 300 >= len(head) and _tags_on_most_lines(head):
        return True
    return _starts_after_a_preamble(text)


def _tags_on_most_lines(head: str) -> bool:
    """Markup has a tag on at least half of its lines.  Prose that quotes a whole page on one
    line (an HTML tutorial as plain text) is dense enough in tags, but only on that line."""
    lines = [line for line in head.splitlines() if line.strip()]
    return 2 * sum(_HTML_TAG.search(line) is not None for line in lines) >= len(lines)


def _starts_after_a_preamble(text: str) -> bool:
    """A page that opens after a few lines of something else (HTTP headers, a PHP warning): a
    line near the top starts the document, and it ends with ``</html>`` and nothing but tags
    after it.  A tutorial quoting a page goes on in prose after the quote."""
    start = _LINE_STARTS_DOCUMENT.search(text[:_PREAMBLE_CHARS])
    end = None if start is None else _HTML_END.search(text, start.end())
    if end is None:
        return False
    return all(line.lstrip().startswith("<") for line in text[end.end():].splitlines() if line.strip())


def check_kind(kind) -> None:
    """Raise ValueError unless ``kind`` is one of ``KINDS``."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")


def resolve_kind(text: str, kind: str) -> str:
    """Map ``auto`` to ``html`` or ``text``; validate explicit kinds."""
    check_kind(kind)
    if kind == "auto":
        return "html" if looks_like_html(text) else "text"
    return kind
