# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The per-block text work of the block features, in C (``features.compiled``).

``text_counts`` makes, in one pass over each block's code points, every count that
``features.text_shape``'s numpy passes over the joined texts make (character classes, scripts,
words and their shapes, function words, sentence ends, commas, separators, the last character) and
the rows each of its regular expressions needs to search (``_flag_candidates``); ``dup_keys`` makes
the duplicate and opening keys of ``features.context``; ``keyword_bits`` the class / id keyword bits
of ``features.markup``, remembering the bits of each string and token it has seen.  The code-point
tables, the function words and the keyword patterns are those of the pure-Python modules, passed
in by ``setup`` once, so that the reference stays their one definition.
"""

import numpy as np

from cpython.unicode cimport Py_UNICODE_ISDECIMAL, Py_UNICODE_ISSPACE, Py_UNICODE_TOLOWER
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc

from features._units cimport NOT_WORD, UNIT, unit_class

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index) nogil
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)
    object PyUnicode_Substring(object, Py_ssize_t start, Py_ssize_t end)
    int PyUnicode_4BYTE_KIND

# Columns of text_counts' matrix: the 7 character classes of text_shape (OTHER ... SPACE), the
# 12 scripts, then these.
N_CLASSES = 7
cdef enum:
    OTHER, UPPER, LOWER, DIGIT, PUNCT, SYMBOL, SPACE
    NCLS = 7
    NSCRIPTS = 12
    BASE = NCLS + NSCRIPTS
    C_FUNCTION_CHARS = BASE
    C_WORDS
    C_WORD_LEN
    C_TITLE_WORDS
    C_NUMERIC_WORDS
    C_STOP_WORDS
    C_SENTENCES
    C_COMMAS
    C_SEPARATORS
    C_ENDS_TERMINAL
    C_ENDS_COLON
    C_HAS_DATE
    C_HAS_TIME
    C_HAS_PRICE
    C_HAS_EMAIL
    C_HAS_URL
    C_HAS_COPYRIGHT
    C_CROSS_LINK
    N_COLUMNS

COLUMNS = {name: i for i, name in enumerate(
    ("function_chars", "n_words", "word_len", "title_words", "numeric", "stop", "n_sentences", "commas",
     "n_separators", "ends_terminal", "ends_colon", "has_date", "has_time", "has_price", "has_email", "has_url",
     "has_copyright", "cross_link_cue"), BASE)}
WIDTH = N_COLUMNS

cdef Py_UCS4 END = 0xFFFFFFFF  # past the block: no predicate holds

# Code-point tables (BMP), set once by setup().
cdef const uint8_t[::1] CLASS, SCRIPT, FUNCTION_CHAR, IS_WORD, UNSPACED, IS_SPACE, SENTENCE_END, COMMA, \
    SEPARATOR, CROSS_LINK_END, TERMINAL, CLOSER
cdef int HAN = 0
cdef int ASTRAL_SCRIPT = 0
cdef const uint64_t[::1] ASCII_STOP  # sorted: ASCII function words of up to 8 letters, packed
cdef object FUNCTION_WORDS = frozenset()
cdef object KEYWORDS = ()  # compiled patterns of markup.ATTR_KEYWORDS, in bit order
cdef dict STRING_BITS = {}
cdef dict TOKEN_BITS = {}
cdef Py_ssize_t MAX_REMEMBERED = 50_000  # strings and tokens remembered before starting again
cdef bint READY = False


def setup(tables, function_words, ascii_stop, int han, int astral_script, keywords):
    """The tables of ``features.text_shape`` (a dict of uint8 arrays of 0x10000 entries), its
    function words (and those of them that are ASCII, packed: ``text_shape._packed_ascii``), the
    script number of Han and of an astral code point outside it, and the keyword patterns."""
    global CLASS, SCRIPT, FUNCTION_CHAR, IS_WORD, UNSPACED, IS_SPACE, SENTENCE_END, COMMA, SEPARATOR, \
        CROSS_LINK_END, TERMINAL, CLOSER, HAN, ASTRAL_SCRIPT, ASCII_STOP, FUNCTION_WORDS, KEYWORDS, READY
    for name, table in tables.items():
        if table.dtype != np.uint8 or table.shape != (0x10000,):
            raise ValueError(f"table {name} is not 0x10000 uint8 values")
    CLASS, SCRIPT, FUNCTION_CHAR = tables["class"], tables["script"], tables["function_char"]
    IS_WORD, UNSPACED, IS_SPACE = tables["is_word"], tables["unspaced"], tables["is_space"]
    SENTENCE_END, COMMA, SEPARATOR = tables["sentence_end"], tables["comma"], tables["separator"]
    CROSS_LINK_END, TERMINAL, CLOSER = tables["cross_link_end"], tables["terminal"], tables["closer"]
    HAN, ASTRAL_SCRIPT = han, astral_script
    ASCII_STOP = np.ascontiguousarray(ascii_stop, dtype=np.uint64)
    FUNCTION_WORDS = function_words
    KEYWORDS = tuple(keywords)
    STRING_BITS.clear()
    TOKEN_BITS.clear()
    READY = True


cdef inline Py_UCS4 at(int kind, void* data, Py_ssize_t j, Py_ssize_t length) noexcept nogil:
    return PyUnicode_READ(kind, data, j) if j < length else END


cdef inline bint digit(Py_UCS4 c) noexcept nogil:  # the candidate passes count an astral character as a digit
    return c != END and (c > 0xFFFF or CLASS[c] == DIGIT)


cdef inline bint space(Py_UCS4 c) noexcept nogil:
    return c <= 0xFFFF and IS_SPACE[c]


cdef inline bint letter(Py_UCS4 c) noexcept nogil:
    return c <= 0xFFFF and (CLASS[c] == UPPER or CLASS[c] == LOWER)


cdef inline Py_UCS4 low(Py_UCS4 c) noexcept nogil:
    if c == END:
        return END
    return <Py_UCS4>((<uint32_t>c) | 0x20)


cdef inline bint currency(Py_UCS4 c) noexcept nogil:
    return c == u'$' or c == u'€' or c == u'£' or c == u'¥' or c == u'₹'


cdef inline bint price_unit(Py_UCS4 c) noexcept nogil:  # a currency sign, or the first letter of usd, eur, gbp
    return currency(c) or low(c) == u'u' or low(c) == u'e' or low(c) == u'g'


cdef bint ascii_stop(int kind, void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether the ASCII word data[start:end] (at most 8 characters), lowercased, is a function word."""
    cdef uint64_t key = 0
    cdef Py_ssize_t k, lo = 0, hi = ASCII_STOP.shape[0], mid
    cdef Py_UCS4 c
    for k in range(start, end):
        c = PyUnicode_READ(kind, data, k)
        if u'A' <= c <= u'Z':
            key |= (<uint64_t>c + 32) << (8 * (k - start))
        else:
            key |= (<uint64_t>c) << (8 * (k - start))
    while lo < hi:
        mid = (lo + hi) // 2
        if ASCII_STOP[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo < ASCII_STOP.shape[0] and ASCII_STOP[lo] == key


def text_counts(list stripped):
    """Per block of ``stripped`` (texts without surrounding whitespace), a row of ``WIDTH`` counts:
    the columns are the character classes, the scripts, then ``COLUMNS``."""
    if not READY:
        raise RuntimeError("features._text.setup() was not called")
    cdef Py_ssize_t n = len(stripped), i, j, length, start, k, digits, sep_free
    out_array = np.zeros((n, N_COLUMNS), np.int64)
    cdef int64_t[:, ::1] out = out_array
    cdef int64_t* row
    cdef object s
    cdef int kind
    cdef void* data
    cdef Py_UCS4 c, c1, c2, c3, c4
    cdef int cls, first_cls
    cdef int u
    cdef bint word, unit, astral, digit_space, ago, ll_r, erve, is_ascii
    for i in range(n):
        s = stripped[i]
        if type(s) is not str:
            raise TypeError("texts must be str")
        length = PyUnicode_GET_LENGTH(s)
        kind = PyUnicode_KIND(s)
        data = PyUnicode_DATA(s)
        row = &out[i, 0]
        start = -1  # the open run of word characters
        digits = 0
        first_cls = OTHER
        is_ascii = True
        sep_free = 0  # the next separator match may start here (matches do not overlap)
        digit_space = ago = ll_r = erve = False
        for j in range(length + 1):
            c = at(kind, data, j, length)
            if c == END:
                word = unit = False
            else:
                u = unit_class(c, &IS_WORD[0], &UNSPACED[0])
                word, unit = u != NOT_WORD, u == UNIT
                astral = c > 0xFFFF
                if astral:
                    cls = SYMBOL
                    row[NCLS + (HAN if c < 0x40000 and c >= 0x20000 else ASTRAL_SCRIPT)] += 1
                else:
                    cls = CLASS[c]
                    row[NCLS + SCRIPT[c]] += 1
                    row[C_FUNCTION_CHARS] += FUNCTION_CHAR[c]
                    row[C_COMMAS] += COMMA[c]
                    if SENTENCE_END[c] and (j == length - 1 or space(at(kind, data, j + 1, length))):
                        row[C_SENTENCES] += 1
                row[cls] += 1
            # Words: runs of word characters, each character of a script without spaces one word.
            if start >= 0 and (not word or unit):
                _word(row, kind, data, start, j, first_cls, digits, is_ascii)
                start = -1
            if unit:
                _word(row, kind, data, j, j + 1, cls, cls == DIGIT, c < 128)
            elif word:
                if start < 0:
                    start, digits, first_cls, is_ascii = j, 0, cls, True
                digits += cls == DIGIT
                is_ascii = is_ascii and c < 128
            if c == END:
                break
            # Separators between spaces, counted as re.findall counts them (no overlaps).
            if j >= 1 and j - 1 >= sep_free and not astral and SEPARATOR[c] and space(at(kind, data, j - 1, length)) \
                    and space(at(kind, data, j + 1, length)):
                row[C_SEPARATORS] += 1
                sep_free = j + 2
            # The character runs a match of each flag pattern holds (text_shape._flag_candidates).
            c1 = at(kind, data, j + 1, length)
            if digit(c):
                c2 = at(kind, data, j + 2, length)
                if (c1 == u'-' or c1 == u'/' or c1 == u'.') and digit(c2):
                    row[C_HAS_DATE] = 1
                if c1 == u'年' or c1 == u'년' or c1 == u'月' or c1 == u'월':
                    row[C_HAS_DATE] = 1
                if c1 == u':' and digit(c2) and digit(at(kind, data, j + 3, length)):
                    row[C_HAS_TIME] = 1
                if price_unit(c1) or (space(c1) and price_unit(c2)):
                    row[C_HAS_PRICE] = 1
                if space(c1):
                    digit_space = True
            elif space(c):
                if digit(c1) and digit(at(kind, data, j + 2, length)) and digit(at(kind, data, j + 3, length)) \
                        and digit(at(kind, data, j + 4, length)):
                    row[C_HAS_DATE] = 1
            if currency(c) and (digit(c1) or (space(c1) and digit(at(kind, data, j + 2, length)))):
                row[C_HAS_PRICE] = 1
            if c == u'@':
                row[C_HAS_EMAIL] = 1
            elif c == u':':
                if c1 == u'/' and at(kind, data, j + 2, length) == u'/':
                    row[C_HAS_URL] = 1
            elif c == u'.':
                if letter(c1):
                    row[C_HAS_URL] = 1
            elif c == 0xA9:
                row[C_HAS_COPYRIGHT] = 1
            elif c == u'(':
                if low(c1) == u'c' and at(kind, data, j + 2, length) == u')':
                    row[C_HAS_COPYRIGHT] = 1
            else:
                c2 = at(kind, data, j + 2, length)
                if low(c) == u'w' and c1 == u'.':
                    row[C_HAS_URL] = 1
                elif low(c) == u'p' and low(c1) == u'y' and low(c2) == u'r':
                    row[C_HAS_COPYRIGHT] = 1
                elif low(c) == u'l' and low(c1) == u'l' and c2 == u' ' and low(at(kind, data, j + 3, length)) == u'r':
                    ll_r = True
                elif low(c) == u'e' and low(c1) == u'r' and low(c2) == u'v' \
                        and low(at(kind, data, j + 3, length)) == u'e':
                    erve = True
                elif low(c) == u'a' and low(c1) == u'g' and low(c2) == u'o':
                    ago = True
            if not astral and CROSS_LINK_END[c]:
                row[C_CROSS_LINK] = 1
        if digit_space and ago:
            row[C_HAS_DATE] = 1
        if ll_r and erve:
            row[C_HAS_COPYRIGHT] = 1
        row[NCLS] = 0  # script "none"
        # The last character before closing quotes and brackets.
        k = length - 1
        while k >= 0:
            c = PyUnicode_READ(kind, data, k)
            if c > 0xFFFF or not CLOSER[c]:
                break
            k -= 1
        if k >= 0 and c <= 0xFFFF:
            row[C_ENDS_TERMINAL] = TERMINAL[c]
            row[C_ENDS_COLON] = c == u':' or c == u'：'
    return out_array


cdef inline int _word(int64_t* row, int kind, void* data, Py_ssize_t start, Py_ssize_t end, int first_cls,
                      Py_ssize_t digits, bint is_ascii) except -1:
    row[C_WORDS] += 1
    row[C_WORD_LEN] += end - start
    row[C_TITLE_WORDS] += first_cls == UPPER
    row[C_NUMERIC_WORDS] += digits == end - start
    # Lowercasing never shortens a word: one longer than the longest function word is none.
    if end - start > 8:
        return 0
    if is_ascii:
        row[C_STOP_WORDS] += ascii_stop(kind, data, start, end)
    else:
        row[C_STOP_WORDS] += _python_stop(kind, data, start, end)
    return 0


cdef int _python_stop(int kind, void* data, Py_ssize_t start, Py_ssize_t end) except -1:
    cdef Py_UCS4 buffer[8]
    cdef Py_ssize_t k
    for k in range(start, end):
        buffer[k - start] = PyUnicode_READ(kind, data, k)
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer, end - start).lower() in FUNCTION_WORDS


def dup_keys(list texts):
    """``features.context``'s keys of each text: the text lowercased, digits as 0 and whitespace
    runs as one space (duplicates); its first two word units lowercased, runs of digits as one 0
    (openings).  Returns (keys, openings), two lists of str."""
    if not READY:
        raise RuntimeError("features._text.setup() was not called")
    cdef Py_ssize_t n = len(texts), i, j, length, size = 0, used
    cdef Py_UCS4* buffer = NULL
    cdef object lowered
    cdef int kind
    cdef void* data
    cdef Py_UCS4 c
    cdef int u
    cdef bint pending_space, word, unit, in_word, in_digits
    cdef int units
    keys = [None] * n
    openings = [None] * n
    try:
        for i in range(n):
            lowered = texts[i].lower()
            length = PyUnicode_GET_LENGTH(lowered)
            if length + 1 > size:
                free(buffer)
                size = max(2 * size, length + 1, 256)
                buffer = <Py_UCS4*>malloc(size * sizeof(Py_UCS4))
                if buffer == NULL:
                    raise MemoryError()
            kind = PyUnicode_KIND(lowered)
            data = PyUnicode_DATA(lowered)
            used = 0
            pending_space = False
            for j in range(length):
                c = PyUnicode_READ(kind, data, j)
                if Py_UNICODE_ISSPACE(c):
                    pending_space = used > 0
                    continue
                if pending_space:
                    buffer[used] = u' '
                    used += 1
                    pending_space = False
                buffer[used] = u'0' if Py_UNICODE_ISDECIMAL(c) else c
                used += 1
            keys[i] = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer, used)
            # Openings: the first 80 characters, lowercased.
            lowered = texts[i][:80].lower()
            length = PyUnicode_GET_LENGTH(lowered)
            kind = PyUnicode_KIND(lowered)
            data = PyUnicode_DATA(lowered)
            used = 0
            units = 0
            in_word = in_digits = False
            for j in range(length):
                c = PyUnicode_READ(kind, data, j)
                u = unit_class(c, &IS_WORD[0], &UNSPACED[0])
                word, unit = u != NOT_WORD, u == UNIT
                if not word or unit:
                    in_word = False
                if not word:
                    continue
                if unit or not in_word:  # a new unit
                    if units == 2:
                        break
                    if units:
                        buffer[used] = u' '
                        used += 1
                    units += 1
                    in_word = not unit
                    in_digits = False
                if Py_UNICODE_ISDECIMAL(c):
                    if not in_digits:
                        buffer[used] = u'0'
                        used += 1
                    in_digits = True
                else:
                    buffer[used] = c
                    used += 1
                    in_digits = False
            openings[i] = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buffer, used)
    finally:
        free(buffer)
    return keys, openings


def keyword_bits(values):
    """``features.markup.keyword_bits``: per class / id string, the bits of the keyword groups one
    of its whitespace-separated tokens matches; each string and token is matched once and remembered."""
    if not READY:
        raise RuntimeError("features._text.setup() was not called")
    cdef Py_ssize_t n = len(values), i
    out_array = np.zeros(n, np.int64)
    cdef int64_t[::1] out = out_array
    cdef int64_t bits, token_bits
    cdef int bit
    if len(STRING_BITS) > MAX_REMEMBERED:
        STRING_BITS.clear()
    if len(TOKEN_BITS) > MAX_REMEMBERED:
        TOKEN_BITS.clear()
    for i in range(n):
        value = values[i]
        found = STRING_BITS.get(value)
        if found is None:
            if type(value) is not str:
                raise TypeError("class / id values must be str")
            bits = 0
            for token in value.split():
                known = TOKEN_BITS.get(token)
                if known is None:
                    token_bits = 0
                    for bit, pattern in enumerate(KEYWORDS):
                        if pattern.search(token) is not None:
                            token_bits |= (<int64_t>1) << bit
                    TOKEN_BITS[token] = token_bits
                else:
                    token_bits = known
                bits |= token_bits
            STRING_BITS[value] = bits
            out[i] = bits
        else:
            out[i] = <int64_t>found
    return out_array


# -- page-aware neighbours (features.pages.PageIndex) ------------------------------------------

def shift(const double[::1] values, const int64_t[::1] row_start, const int64_t[::1] row_end, Py_ssize_t k):
    """``PageIndex.shift``: each row's value ``k`` rows on (NaN past its page)."""
    cdef Py_ssize_t n = values.shape[0], i, target
    out_array = np.empty(n)
    cdef double[::1] out = out_array
    cdef double nan = float("nan")
    for i in range(n):
        target = i + k
        out[i] = values[target] if row_start[i] <= target < row_end[i] else nan
    return out_array


def window_mean(const double[::1] values, const int64_t[::1] starts, const int64_t[::1] ends,
                const int64_t[::1] row_start, const int64_t[::1] row_end, Py_ssize_t before, Py_ssize_t after,
                bint exclude_self):
    """``PageIndex.window_mean``, with the same additions in the same order: each page's running
    sum of its values (NaN as 0), a window's sum as the difference of two running sums, then the
    row's own value taken off, so that the means are the reference's to the last bit."""
    cdef Py_ssize_t n = values.shape[0], i, p, lo, hi, count
    running_array = np.empty(n)
    count_array = np.empty(n + 1, np.int64)
    out_array = np.empty(n)
    cdef double[::1] running = running_array, out = out_array
    cdef int64_t[::1] counts = count_array  # valid values before each row, over all pages
    cdef double total, own, nan = float("nan")
    cdef double acc
    counts[0] = 0
    for i in range(n):
        counts[i + 1] = counts[i] + (values[i] == values[i])
    for p in range(starts.shape[0]):
        acc = 0.0
        for i in range(starts[p], ends[p]):
            own = values[i] if values[i] == values[i] else 0.0
            acc = own if i == starts[p] else acc + own
            running[i] = acc
    for i in range(n):
        lo = max(i - before, row_start[i])
        hi = min(i + after + 1, row_end[i])
        total = (running[hi - 1] if hi > row_start[i] else 0.0) - (running[lo - 1] if lo > row_start[i] else 0.0)
        count = counts[hi] - counts[lo]
        if exclude_self:
            if values[i] == values[i]:
                total = total - values[i]
                count -= 1
            else:
                total = total - 0.0
        out[i] = total / <double>max(count, 1) if count > 0 else nan
    return out_array


# -- which headings a section keyword can match (features.groups) -------------------------------

cdef const uint32_t[::1] SECTION_CHARS  # the required strings of every key, folded, one after another
cdef const int64_t[::1] SECTION_OFFSETS  # string i: SECTION_CHARS[SECTION_OFFSETS[i]:SECTION_OFFSETS[i + 1]]
cdef const int64_t[::1] SECTION_BITS  # string i's key bit; the strings sorted by their first character
cdef const uint32_t[::1] FOLD_FROM, FOLD_TO  # the lowercase characters re.IGNORECASE also equates, sorted
cdef int64_t SECTION_ALWAYS = 0  # keys with an alternative that has no required string
cdef bint SECTIONS_READY = False


def setup_sections(chars, offsets, bits, fold_from, fold_to, int64_t always):
    """The folded required strings of the section keywords (``features.groups._section_prefilter``)."""
    global SECTION_CHARS, SECTION_OFFSETS, SECTION_BITS, FOLD_FROM, FOLD_TO, SECTION_ALWAYS, SECTIONS_READY
    SECTION_CHARS = np.ascontiguousarray(chars, dtype=np.uint32)
    SECTION_OFFSETS = np.ascontiguousarray(offsets, dtype=np.int64)
    SECTION_BITS = np.ascontiguousarray(bits, dtype=np.int64)
    FOLD_FROM = np.ascontiguousarray(fold_from, dtype=np.uint32)
    FOLD_TO = np.ascontiguousarray(fold_to, dtype=np.uint32)
    SECTION_ALWAYS = always
    SECTIONS_READY = True


cdef inline uint32_t fold(Py_UCS4 c) noexcept:
    """A character as re.IGNORECASE compares it: its simple lower case, then one representative
    of the lower cases it also equates (ı and i, ſ and s, ς and σ ...)."""
    cdef uint32_t lower = <uint32_t>Py_UNICODE_TOLOWER(c)
    cdef Py_ssize_t lo = 0, hi = FOLD_FROM.shape[0], mid
    while lo < hi:
        mid = (lo + hi) // 2
        if FOLD_FROM[mid] < lower:
            lo = mid + 1
        else:
            hi = mid
    return FOLD_TO[lo] if lo < FOLD_FROM.shape[0] and FOLD_FROM[lo] == lower else lower


def section_candidates(list texts):
    """Per text, the bits of the section keys whose pattern could match it: those with a
    required string (a literal run every match of an alternative holds) in the text folded as
    re.IGNORECASE compares characters, and those with an alternative that has none."""
    if not SECTIONS_READY:
        raise RuntimeError("features._text.setup_sections() was not called")
    cdef Py_ssize_t n = len(texts), i, j, k, s, length, size = 0, n_strings = SECTION_BITS.shape[0]
    cdef Py_ssize_t lo, hi, mid, width
    cdef uint32_t* folded = NULL
    cdef int kind
    cdef void* data
    cdef int64_t bits
    out_array = np.zeros(n, np.int64)
    cdef int64_t[::1] out = out_array
    try:
        for i in range(n):
            text = texts[i]
            if type(text) is not str:
                raise TypeError("texts must be str")
            length = PyUnicode_GET_LENGTH(text)
            if length > size:
                free(folded)
                size = max(length, 2 * size, 256)
                folded = <uint32_t*>malloc(size * sizeof(uint32_t))
                if folded == NULL:
                    raise MemoryError()
            kind = PyUnicode_KIND(text)
            data = PyUnicode_DATA(text)
            for j in range(length):
                folded[j] = fold(PyUnicode_READ(kind, data, j))
            bits = SECTION_ALWAYS
            for j in range(length):
                # the strings that start with this character: a binary search of the sorted firsts
                lo, hi = 0, n_strings
                while lo < hi:
                    mid = (lo + hi) // 2
                    if SECTION_CHARS[SECTION_OFFSETS[mid]] < folded[j]:
                        lo = mid + 1
                    else:
                        hi = mid
                s = lo
                while s < n_strings and SECTION_CHARS[SECTION_OFFSETS[s]] == folded[j]:
                    width = SECTION_OFFSETS[s + 1] - SECTION_OFFSETS[s]
                    if not (bits & SECTION_BITS[s]) and j + width <= length:
                        k = 1
                        while k < width and SECTION_CHARS[SECTION_OFFSETS[s] + k] == folded[j + k]:
                            k += 1
                        if k == width:
                            bits |= SECTION_BITS[s]
                    s += 1
            out[i] = bits
    finally:
        free(folded)
    return out_array


def folded(str text):
    """``text`` folded as ``section_candidates`` folds it (for the tests)."""
    if not SECTIONS_READY:
        raise RuntimeError("features._text.setup_sections() was not called")
    return "".join([chr(fold(c)) for c in text])


def nan_to_num(values):
    """``numpy.nan_to_num`` of float64 values with its defaults (NaN: 0, infinities: the largest
    finite numbers), without its checks: a page's sums call it once each."""
    cdef const double[::1] source = np.ascontiguousarray(values, dtype=np.float64)
    cdef Py_ssize_t n = source.shape[0], i
    out_array = np.empty(n)
    cdef double[::1] out = out_array
    cdef double x, big = np.finfo(np.float64).max
    for i in range(n):
        x = source[i]
        if x != x:
            out[i] = 0.0
        elif x > big:
            out[i] = big
        elif x < -big:
            out[i] = -big
        else:
            out[i] = x
    return out_array
