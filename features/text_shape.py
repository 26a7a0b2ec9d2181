"""Text-shape features of each block, shared by plain-text and HTML input.

All blocks (of any number of pages) are joined into one string; characters are classified with a
code-point lookup table, words are runs of word characters, and everything is counted per block
with ``numpy.bincount``.  Regular expressions (dates, URLs...) run only on the rows that hold
the characters a match needs.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from . import pages as page_index
from .function_words import FUNCTION_CHARS, FUNCTION_WORDS
from .pages import PageIndex
from .tokens import UNIT, UNSPACED, is_unspaced_astral

# Character classes.
OTHER, UPPER, LOWER, DIGIT, PUNCT, SYMBOL, SPACE = range(7)
N_CLASSES = 7
# Scripts of letters.
SCRIPTS = ("none", "latin", "cyrillic", "greek", "arabic", "hebrew", "han", "kana", "hangul",
           "thai", "indic", "other")
_SCRIPT_RANGES = {
    "latin": [(0x41, 0x24F), (0x1E00, 0x1EFF)],
    "greek": [(0x370, 0x3FF), (0x1F00, 0x1FFF)],
    "cyrillic": [(0x400, 0x52F)],
    "hebrew": [(0x590, 0x5FF)],
    "arabic": [(0x600, 0x6FF), (0x750, 0x77F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
    "indic": [(0x900, 0xDFF)],
    "thai": [(0xE00, 0xE7F)],
    "hangul": [(0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)],
    "kana": [(0x3040, 0x30FF)],
    "han": [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)],
}


def _build_tables():
    char_class = np.zeros(0x10000, np.uint8)
    script = np.zeros(0x10000, np.uint8)
    function_char = np.zeros(0x10000, bool)
    for cp in range(0x10000):
        cat = unicodedata.category(chr(cp))
        c0 = cat[0]
        if cat in ("Lu", "Lt"):
            char_class[cp] = UPPER
        elif c0 == "L":
            char_class[cp] = LOWER
        elif cat == "Nd":
            char_class[cp] = DIGIT
        elif c0 == "P":
            char_class[cp] = PUNCT
        elif c0 in "SN":
            char_class[cp] = SYMBOL
        elif c0 == "Z" or chr(cp).isspace():
            char_class[cp] = SPACE
        if c0 == "L":
            script[cp] = SCRIPTS.index("other")
    for name, ranges in _SCRIPT_RANGES.items():
        for lo, hi in ranges:
            letters = np.isin(char_class[lo:hi + 1], (UPPER, LOWER))
            script[lo:hi + 1][letters] = SCRIPTS.index(name)
    for ch in FUNCTION_CHARS:
        function_char[ord(ch)] = True
    return char_class, script, function_char


CHAR_CLASS, SCRIPT, FUNCTION_CHAR = _build_tables()

# Sentence ends of many scripts: Latin, CJK (。！？), Greek question mark (;), Devanagari and Bengali
# danda (। ॥), Arabic and Urdu (؟ ۔), Armenian (։), Ethiopic (።), Myanmar (။), Tibetan (།).
_SENTENCE_ENDS = ".!?。！？।॥؟۔։።။།"
_TERMINAL = frozenset(_SENTENCE_ENDS + "…;")
_CLOSERS = "\"'”’»)]›\u00a0 \n"
# Symbols that open a list item; "-" last, so that it cannot form a range in a character class.
_BULLET_SYMBOLS = "•·▪◦‣●○■□◆◇►▶➤→*+–—-"
_BULLET = r"^\s*(?:[✓✔" + _BULLET_SYMBOLS + r"]|\d{1,3}[.)]|[a-z][.)])\s"
# Character sets that a regular expression below and its row pre-filter (_flag_candidates) share.
_DATE_SEPARATORS = "-/."  # "-" first: not a range
_CURRENCY_SIGNS = "$€£¥₹"
_CROSS_LINK_ENDS = ":：|»›>→–—-】"  # every cross-link cue ends in one (a test checks it over all of Unicode)
_DATE = (rf"\b\d{{4}}[{_DATE_SEPARATORS}]\d{{1,2}}[{_DATE_SEPARATORS}]\d{{1,2}}\b"
         rf"|\b\d{{1,2}}[{_DATE_SEPARATORS}]\d{{1,2}}[{_DATE_SEPARATORS}]\d{{2,4}}\b"
         r"|\b\d{1,2}(?:st|nd|rd|th)?\.?\s+[^\W\d_]{3,12}\.?,?\s+\d{4}\b"
         r"|\b[^\W\d_]{3,12}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
         r"|\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b"
         r"|\d{1,4}[年년]\s?\d{1,2}[月월]|\d{1,2}[月월]\s?\d{1,2}[日일]")  # 2011年11月1日, 11월 1일
_TIME = r"\b\d{1,2}:\d{2}\b"
_URL = r"https?://|www\.|\b[\w-]+\.(?:com|org|net|io|co|de|uk|fr|ru|info)\b"
_EMAIL = r"[\w.+-]+@[\w-]+\.[\w.-]+"
_COPYRIGHT = r"©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved"
# A sign after the number ("12,50 €") but not "$": after a digit that is code ("mb-4 ${x}") or TeX.
_PRICE = rf"[{_CURRENCY_SIGNS}]\s?\d|\d\s?(?:[{_CURRENCY_SIGNS.replace('$', '')}]|(?:usd|eur|gbp)\b)"
_SEPARATORS = "|/»›>·•"  # between spaces, in menus and breadcrumbs
_SEPARATOR = rf"\s[{_SEPARATORS}]\s"
# A cue that a line is a link to another page of the site, set inside or after an article
# ("READ MORE: <title>", "» Related Reading – <title>", "【相关阅读】<title>"), in the languages most
# common on the web.  The cue must be followed by a separator and more text: "Read more" or
# "Read more ->" alone is a button, caught by other features.  A dash or ">" must stand apart
# ("Related-party transactions" is prose).  "Related" and "Watch" alone are cues only before a
# colon and a capitalised title ("Watch: stainless steel case" is a spec).  A reference to a
# section of the same text ("See also: § 823", "**See also:** Art. 5 GG", "Read more: Section 4.2")
# is not a link away, with or without emphasis marks around it.
_CROSS_LINK_CUES = (
    r"read (?:more|also|next)|also read|see also|(?:further|suggested|recommended) reading|continue reading"
    r"|keep reading|must[- ]read|do(?:n['’]?t| not) miss|more on this(?: topic| story)?|up next"
    r"|you (?:may|might) also like|recommended (?:stories|articles|for you)"
    r"|related (?:articles?|posts?|stor(?:y|ies)|links?|reading|content|coverage|news|topics?|videos?)"
    r"|lesen sie (?:auch|mehr)|siehe auch|weiterlesen|mehr (?:zum thema|dazu)|zum thema|auch interessant"
    r"|das könnte sie auch interessieren|(?:à |a )?lire aussi|lire la suite|voir aussi|sur le même sujet"
    r"|le[ea] también|leer más|ver también|(?:te|le) puede interesar|noticias relacionadas|leia também"
    r"|leia mais|veja também|saiba mais|leggi anche|vedi anche|potrebbe interessarti|lees (?:ook|meer)"
    r"|zie ook|czytaj (?:też|także|więcej)|zobacz (?:też|także)|läs också|læs også|les også"
    r"|čtěte (?:také|též)|baca juga|xem thêm|ayrıca (?:bakınız|okuyun|oku)|ilgili (?:haberler?|yazılar|içerikler)"
    r"|bunlar(?: da)? ilginizi çekebilir|читайте (?:также|ещё|еще)|подробнее|читать далее|по теме|смотрите также"
    r"|اقرأ أيضا|相关阅读|延伸阅读|推荐阅读|相关新闻|相关文章|相關閱讀|延伸閱讀|相關新聞|関連記事"
    r"|[あ合]わせて読みたい|관련 ?기사|함께 보면 좋은 글")
_CROSS_LINK = (r"^\s*(?:[▸»›>" + _BULLET_SYMBOLS + r"]\s*)?[\[(【*_]*"
               r"(?:(?:" + _CROSS_LINK_CUES + r")[*_\]】]*(?:\s*[:：]|\s+[|»›>→–—-]{1,2}(?=\s)|\s*(?:>>|[»›→】]))"
               r"|(?:related|watch)[*_]*\s*:(?=[\s*_]*[\"“'‘]?(?-i:[A-Z0-9])))"
               r"\s*(?![*_\s]*(?:§|(?:sections?|chapter|para(?:graph)?\.?|art(?:icle|\.)?)\s*\d))[*_\s]*[^\s*_]")

FEATURES = {
    "n_chars_log": "log(1 + non-space characters of the block)",
    "n_words_log": "log(1 + words: \\w+ runs, each character a word in scripts without spaces (features.tokens))",
    "mean_word_len": "mean word length in characters",
    "letter_share": "letters / non-space characters",
    "digit_share": "digits / non-space characters",
    "punct_share": "punctuation / non-space characters",
    "symbol_share": "symbols (currency, math, emoji) / non-space characters",
    "upper_share": "upper-case letters / letters",
    "title_word_share": "words starting with an upper-case letter / words",
    "numeric_word_share": "words made only of digits / words",
    "stopword_share": "function words / words (function characters / letters for CJK text)",
    "cjk_share": "Han, kana and hangul letters / letters",
    "script_is_page_script": "1 when the block's main script is the page's main script (NaN: no letters)",
    "ends_terminal": "1 when the text ends in sentence punctuation of any script (. ! ? … 。 । ؟ ...), quotes allowed",
    "ends_colon": "1 when the text ends in a colon",
    "n_sentences": "count of sentence punctuation marks followed by a space or the end",
    "comma_per_word": "commas / words",
    "is_bullet": "1 when the line starts with a list bullet or a list number",
    "has_date": "1 when the text holds a date (numeric, day-month-year, month-day-year, 'N days ago', 2011年11月1日)",
    "has_time": "1 when the text holds a clock time",
    "has_url": "1 when the text holds a URL or a web domain",
    "has_email": "1 when the text holds an e-mail address",
    "has_copyright": "1 when the text holds ©, '(c) YEAR', 'copyright' or 'all rights reserved'",
    "has_price": "1 when the text holds a price",
    "n_separators": "count of separators (| / » › > · •) between spaces, as in menus and breadcrumbs",
    "cross_link_cue": "1 when the line opens with a cue to another page and its title ('Read more: …', "
                      "'See also – …', 'Lesen Sie auch: …'); lines of at most 40 words. The classifier "
                      "drops such lines unless drop_cross_links=False",
}


def _code_table(predicate) -> np.ndarray:
    return np.fromiter((predicate(chr(cp)) for cp in range(0x10000)), bool, 0x10000)


# Python's re: \w is str.isalnum() or "_", \s is str.isspace() (str patterns, Unicode mode).
IS_WORD = _code_table(lambda ch: ch.isalnum() or ch == "_")
IS_SPACE = _code_table(str.isspace)
SENTENCE_END = _code_table(lambda ch: ch in _SENTENCE_ENDS)
COMMA = _code_table(lambda ch: ch in ",，、،")
SEPARATOR = _code_table(lambda ch: ch in _SEPARATORS)
CROSS_LINK_END = _code_table(lambda ch: ch in _CROSS_LINK_ENDS)
_FLAG_PATTERNS = {name: re.compile(pattern, re.I) for name, pattern in (
    ("has_date", _DATE), ("has_time", _TIME), ("has_url", _URL), ("has_email", _EMAIL),
    ("has_copyright", _COPYRIGHT), ("has_price", _PRICE))}
_SEPARATOR_RE = re.compile(_SEPARATOR)
_BULLET_RE = re.compile(_BULLET)
_CROSS_LINK_RE = re.compile(_CROSS_LINK, re.I)


def _search_rows(pattern, strings, candidates) -> np.ndarray:
    """1.0 where ``pattern`` occurs, searching only the candidate rows (the others cannot match)."""
    out = np.zeros(len(strings))
    search = pattern.search
    for i in np.flatnonzero(candidates):
        if search(strings[i]) is not None:
            out[i] = 1.0
    return out


def _sequence(*masks) -> np.ndarray:
    """Positions i where ``masks[k]`` holds at i + k for every k: where a run of character
    classes (a digit, then ":", then a digit...) starts."""
    out = masks[0].copy()
    for k, mask in enumerate(masks[1:], 1):
        out[:-k] &= mask[k:]
        out[-k:] = False
    return out


def _flag_candidates(codes, classes, astral, is_space, rows_with) -> dict[str, np.ndarray]:
    """Per pattern of ``_FLAG_PATTERNS`` (and the cross-link cue), the rows that hold a run of
    characters every match of it holds (``rows_with(mask)``: the rows holding a position of
    ``mask``): only those are searched, and a regular expression costs far more per character
    than these numpy passes.  Astral characters may be digits.  Letters are compared
    case-insensitively as the patterns are; none used here has a case-insensitive match outside
    ASCII ("i", "s" and "k" would: "İ", "ı", "ſ", "K")."""
    low = codes | 0x20
    digit = (classes == DIGIT) | astral

    def letters(word):
        return _sequence(*[low == ord(ch) if ch.isalpha() else codes == ord(ch) for ch in word])

    currency = np.isin(codes, [ord(ch) for ch in _CURRENCY_SIGNS])
    unit = currency | (low == ord("u")) | (low == ord("e")) | (low == ord("g"))  # $, usd, eur, gbp
    return {
        # 2024-05-06, 6/5/24; " 2024" after a day and a month name; "3 days ago"; 2024年5月, 5월 6일.
        "has_date": rows_with(_sequence(digit, np.isin(codes, [ord(ch) for ch in _DATE_SEPARATORS]), digit)
                              | _sequence(is_space, digit, digit, digit, digit)
                              | _sequence(digit, np.isin(codes, [ord(ch) for ch in "年년月월"])))
                    | (rows_with(_sequence(digit, is_space)) & rows_with(letters("ago"))),
        "has_time": rows_with(_sequence(digit, codes == ord(":"), digit, digit)),
        "has_price": rows_with(_sequence(currency, digit) | _sequence(currency, is_space, digit)
                               | _sequence(digit, unit) | _sequence(digit, is_space, unit)),
        "has_email": rows_with(codes == ord("@")),
        # "://", "." before a letter, or "w.".
        "has_url": rows_with(letters("://") | _sequence(codes == ord("."), (classes == UPPER) | (classes == LOWER))
                             | letters("w.")),
        # "©", "(c)", "copyright"; "all rights reserved".
        "has_copyright": rows_with((codes == 0xA9) | letters("(c)") | letters("pyr"))
                         | (rows_with(letters("ll r")) & rows_with(letters("erve"))),
        # Every cross-link cue ends in one of these ("Read more:", "See also »").
        "cross_link_cue": rows_with(CROSS_LINK_END[np.minimum(codes, 0xFFFF)] & ~astral),
    }


def text_features(texts: list[str], pages: PageIndex) -> dict[str, np.ndarray]:
    """Compute ``FEATURES`` for every block text; returns name -> array.

    The counts come from ``_python_counts`` (the reference: numpy passes over the code points of
    all blocks joined) or from the compiled core (``features._text``, one C pass per block); the
    regular expressions run only on the rows that hold the characters every match needs ("@" for
    e-mail...), which both find.
    """
    n = len(texts)
    stripped = [t.strip() for t in texts]
    counts = _python_counts(stripped) if _compiled is None else _compiled_counts(stripped)
    classes, letters, n_words = counts["classes"], counts["letters"], counts["n_words"]
    script_counts, candidates = counts["scripts"], counts["candidates"]
    lengths = np.fromiter(map(len, stripped), np.int64, n)
    visible = np.maximum(lengths - classes[:, SPACE], 0)
    cjk = script_counts[:, [SCRIPTS.index(s) for s in ("han", "kana", "hangul")]].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe_visible = np.maximum(visible, 1)
        safe_words = np.maximum(n_words, 1)
        cjk_share = np.where(letters > 0, cjk / np.maximum(letters, 1), 0.0)
        stopword_share = np.where(cjk_share > 0.5, counts["function_chars"] / np.maximum(letters, 1),
                                  counts["stop"] / safe_words)
        block_script = script_counts.argmax(axis=1)
        page_script = (np.add.reduceat(script_counts, pages.starts, axis=0).argmax(axis=1)[pages.row_page]
                       if n else block_script)
        same_script = np.where(letters > 0, block_script == page_script, np.nan)
    match_bullet = _BULLET_RE.match
    return {
        "n_chars_log": np.log1p(visible),
        "n_words_log": np.log1p(n_words),
        "mean_word_len": counts["word_len"] / safe_words,
        "letter_share": letters / safe_visible,
        "digit_share": classes[:, DIGIT] / safe_visible,
        "punct_share": classes[:, PUNCT] / safe_visible,
        "symbol_share": classes[:, SYMBOL] / safe_visible,
        "upper_share": classes[:, UPPER] / np.maximum(letters, 1),
        "title_word_share": counts["title_words"] / safe_words,
        "numeric_word_share": counts["numeric"] / safe_words,
        "stopword_share": stopword_share,
        "cjk_share": cjk_share,
        "script_is_page_script": same_script,
        "ends_terminal": counts["ends_terminal"],
        "ends_colon": counts["ends_colon"],
        "n_sentences": counts["n_sentences"],
        "comma_per_word": counts["commas"] / safe_words,
        "is_bullet": np.fromiter((match_bullet(t) is not None for t in texts), np.float64, n),
        **{name: _search_rows(pattern, stripped, candidates[name]) for name, pattern in _FLAG_PATTERNS.items()},
        "n_separators": counts["n_separators"],
        "cross_link_cue": _search_rows(_CROSS_LINK_RE, stripped, (n_words <= 40) & candidates["cross_link_cue"]),
    }


def _python_counts(stripped: list[str]) -> dict:
    """The counts ``text_features`` needs of each stripped block text, and its candidate rows for
    each flag pattern: the pure-Python reference, numpy over the code points of all blocks joined
    by "\n"."""
    n = len(stripped)
    lengths = np.fromiter(map(len, stripped), np.int64, n)
    joined = "\n".join(stripped)
    codes = np.frombuffer(joined.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    m = len(codes)
    block_of_char = np.repeat(np.arange(n), lengths + 1)[:m]
    astral = codes > 0xFFFF
    bmp = np.minimum(codes, 0xFFFF)
    classes = CHAR_CLASS[bmp]
    classes[astral] = SYMBOL  # astral plane: emoji, mostly
    scripts = SCRIPT[bmp]
    scripts[(codes >= 0x20000) & (codes < 0x40000)] = SCRIPTS.index("han")
    # The "\n" that joins two blocks belongs to neither: leave it out of every count.
    real = np.ones(m, bool)
    real[np.cumsum(lengths + 1)[:-1] - 1] = False
    owner = block_of_char[real]

    def per_block(mask):
        return np.bincount(owner, weights=mask[real], minlength=n)

    counts = np.bincount(owner * N_CLASSES + classes[real], minlength=n * N_CLASSES).reshape(n, N_CLASSES)
    script_counts = np.bincount(owner * len(SCRIPTS) + scripts[real],
                                minlength=n * len(SCRIPTS)).reshape(n, len(SCRIPTS))
    script_counts[:, 0] = 0

    # Words: maximal runs of \w characters, each character a word of its own in the scripts
    # written without spaces (``features.tokens``).
    is_word = IS_WORD[bmp]
    unit = UNSPACED[bmp] & ~astral
    for j in np.flatnonzero(astral):
        is_word[j] = chr(codes[j]).isalnum()
        unit[j] = is_unspaced_astral(int(codes[j]))
    unit &= is_word
    breaks = ~is_word | unit  # a word ends before and after each of these
    starts = np.flatnonzero(is_word & np.concatenate(([True], breaks[:-1])) | unit)
    ends = np.flatnonzero(is_word & np.concatenate((breaks[1:], [True])) | unit) + 1
    word_block = block_of_char[starts]
    digits_before = np.concatenate(([0], np.cumsum(classes == DIGIT)))
    is_stop = np.fromiter(map(FUNCTION_WORDS.__contains__, map(str.lower, UNIT.findall(joined))), bool,
                          len(starts))

    # Which rows can match each pattern at all.
    is_space = IS_SPACE[bmp] & ~astral

    def rows_with(mask):
        """Rows holding a position of ``mask`` (a joining "\n" counts for the row before it): a
        scatter of the few marked positions.  ``per_block(mask) > 0`` gives the same flags but
        gathers and counts every character: text_features took 1.6 s instead of 1.0 s with it
        on 300 WCXB pages."""
        rows = np.zeros(n, bool)
        rows[block_of_char[np.flatnonzero(mask)]] = True
        return rows

    separator = np.zeros(m, bool)  # a separator character between two spaces
    if m > 2:
        separator[1:-1] = SEPARATOR[bmp[1:-1]] & ~astral[1:-1] & is_space[:-2] & is_space[2:]
    n_separators = np.zeros(n)
    for i in np.flatnonzero(per_block(separator)):
        n_separators[i] = len(_SEPARATOR_RE.findall(stripped[i]))
    # "[.!?。！？](?:\s|$)": the "\n" joining two blocks is a space, so block ends count too.
    followed_by_space = np.concatenate((is_space[1:], [True]))
    last = [s.rstrip(_CLOSERS)[-1:] for s in stripped]
    return {
        "classes": counts,
        "letters": counts[:, UPPER] + counts[:, LOWER],
        "scripts": script_counts,
        "function_chars": per_block(FUNCTION_CHAR[bmp] & ~astral),
        "n_words": np.bincount(word_block, minlength=n),
        "word_len": np.bincount(word_block, weights=ends - starts, minlength=n),
        "title_words": np.bincount(word_block, weights=classes[starts] == UPPER, minlength=n),
        "numeric": np.bincount(word_block, weights=(digits_before[ends] - digits_before[starts]) == (ends - starts),
                               minlength=n),
        "stop": np.bincount(word_block, weights=is_stop, minlength=n),
        "n_sentences": per_block(SENTENCE_END[bmp] & ~astral & followed_by_space),
        "commas": per_block(COMMA[bmp] & ~astral),
        "n_separators": n_separators,
        "ends_terminal": np.fromiter(map(_TERMINAL.__contains__, last), np.float64, n),
        "ends_colon": np.fromiter((c in (":", "：") for c in last), np.float64, n),
        "candidates": _flag_candidates(codes, classes, astral, is_space, rows_with),
    }


def _compiled_counts(stripped: list[str]) -> dict:
    """``_python_counts`` from the compiled core's one pass per block (``features._text``).  Its
    candidate rows are those holding the same character runs inside the block (the reference's
    also count a run across the "\n" that joins two blocks): both hold every row a pattern
    matches, which is all a candidate row must be."""
    table = _compiled.text_counts(stripped)
    column = _compiled.COLUMNS
    classes = table[:, :N_CLASSES]

    def col(name, dtype=np.float64):
        return table[:, column[name]].astype(dtype)

    return {
        "classes": classes,
        "letters": classes[:, UPPER] + classes[:, LOWER],
        "scripts": table[:, N_CLASSES:N_CLASSES + len(SCRIPTS)],
        **{name: col(name) for name in ("function_chars", "word_len", "title_words", "numeric", "stop",
                                         "n_sentences", "commas", "n_separators", "ends_terminal", "ends_colon")},
        "n_words": table[:, column["n_words"]].copy(),
        "candidates": {name: col(name, bool) for name in (*_FLAG_PATTERNS, "cross_link_cue")},
    }


def _packed_ascii(words) -> np.ndarray:
    """The ASCII words of ``words`` (of up to 8 characters) as sorted uint64 keys, one byte a
    character from the lowest: the compiled core's function-word lookup."""
    keys = [sum(ord(ch) << (8 * k) for k, ch in enumerate(w)) for w in words if w.isascii() and len(w) <= 8]
    return np.unique(np.asarray(keys, np.uint64))


def _setup_compiled():
    """The compiled core's text counts (``features._text``), given this module's tables, or None."""
    from . import compiled
    from .markup import _KEYWORD_RES

    module = compiled.extension("features._text")
    if module is None:
        return None
    if max(map(len, FUNCTION_WORDS)) > 8:
        raise RuntimeError("features._text looks function words up among words of at most 8 characters")
    tables = {"class": CHAR_CLASS, "script": SCRIPT, "function_char": FUNCTION_CHAR, "is_word": IS_WORD,
              "unspaced": UNSPACED, "is_space": IS_SPACE, "sentence_end": SENTENCE_END, "comma": COMMA,
              "separator": SEPARATOR, "cross_link_end": CROSS_LINK_END,
              "terminal": _code_table(_TERMINAL.__contains__), "closer": _code_table(lambda ch: ch in _CLOSERS)}
    module.setup({name: table.view(np.uint8) for name, table in tables.items()}, FUNCTION_WORDS,
                 _packed_ascii(FUNCTION_WORDS), SCRIPTS.index("han"), int(SCRIPT[0xFFFF]), _KEYWORD_RES)
    page_index._compiled = module  # its shift and window_mean
    return module


_compiled = _setup_compiled()  # None: _python_counts counts
