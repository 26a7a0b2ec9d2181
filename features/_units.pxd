# cython: language_level=3
"""The word-unit rule of ``features.tokens.word_units`` for one character, shared by the compiled
block features (``_text.pyx``) and the compiled word-model hashing (``model/_hashing.pyx``)."""

from cpython.unicode cimport Py_UNICODE_ISALNUM
from libc.stdint cimport uint8_t

cdef enum:
    NOT_WORD = 0
    WORD = 1   # part of a run of word characters
    UNIT = 2   # a word of its own: a character of a script written without spaces


cdef inline int unit_class(Py_UCS4 c, const uint8_t* is_word, const uint8_t* unspaced) noexcept:
    """``is_word`` / ``unspaced``: 65,536 values each (``features.text_shape.IS_WORD``,
    ``features.tokens.UNSPACED``); above the BMP a word character is a unit in the Han planes."""
    if c > 0xFFFF:
        if not Py_UNICODE_ISALNUM(c):
            return NOT_WORD
        return UNIT if 0x20000 <= c <= 0x3FFFF else WORD
    if not is_word[c]:
        return NOT_WORD
    return UNIT if unspaced[c] else WORD
