# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The word model's hashed n-gram counts (``model.lexical.hash_ngrams``) in C.

``count_rows(texts, n_columns)`` tokenises each text lowercased into ``features.tokens`` units,
hashes every unit and every pair of neighbouring units joined by a space with MurmurHash3
(x86, 32 bits, seed 0, over the UTF-8 bytes: what scikit-learn's ``murmurhash3_32`` computes for a
str), and gives the counts per column as the parts of a CSR matrix with sorted columns: the
matrix the reference builds, before the l2 normalisation that ``model.lexical`` applies to both.
The word-character tables are ``features.tokens``' and ``features.text_shape``'s (``setup``).
"""

import numpy as np

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t
from libc.stdlib cimport free, malloc, qsort, realloc
from libc.string cimport memcpy

from features._units cimport NOT_WORD, UNIT, unit_class

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index) nogil

cdef const uint8_t[::1] IS_WORD, UNSPACED
cdef bint READY = False


def setup(is_word, unspaced):
    """The tables of word characters and of characters of scripts without spaces (0x10000 uint8
    values each: ``features.text_shape.IS_WORD``, ``features.tokens.UNSPACED``)."""
    global IS_WORD, UNSPACED, READY
    for table in (is_word, unspaced):
        if table.dtype != np.uint8 or table.shape != (0x10000,):
            raise ValueError("the tables are 0x10000 uint8 values")
    IS_WORD, UNSPACED = is_word, unspaced
    READY = True


cdef inline uint32_t rotl(uint32_t x, int r) noexcept nogil:
    return (x << r) | (x >> (32 - r))


cdef int32_t murmurhash3(const uint8_t* key, Py_ssize_t length) noexcept nogil:
    """MurmurHash3_x86_32 of ``length`` bytes with seed 0, as a signed 32-bit number."""
    cdef uint32_t h = 0, k
    cdef uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u, m1 = 0x85ebca6bu, m2 = 0xc2b2ae35u, n1 = 0xe6546b64u
    cdef Py_ssize_t i, blocks = length // 4
    for i in range(blocks):
        k = (<uint32_t>key[4 * i] | (<uint32_t>key[4 * i + 1] << 8) | (<uint32_t>key[4 * i + 2] << 16)
             | (<uint32_t>key[4 * i + 3] << 24))
        k *= c1
        k = rotl(k, 15)
        k *= c2
        h ^= k
        h = rotl(h, 13)
        h = h * 5 + n1
    k = 0
    i = 4 * blocks
    if length & 3 == 3:
        k ^= <uint32_t>key[i + 2] << 16
    if length & 3 >= 2:
        k ^= <uint32_t>key[i + 1] << 8
    if length & 3 >= 1:
        k ^= <uint32_t>key[i]
        k *= c1
        k = rotl(k, 15)
        k *= c2
        h ^= k
    h ^= <uint32_t>length
    h ^= h >> 16
    h *= m1
    h ^= h >> 13
    h *= m2
    h ^= h >> 16
    return <int32_t>h


cdef inline Py_ssize_t utf8(uint32_t c, uint8_t* out) noexcept nogil:
    if c < 0x80:
        out[0] = <uint8_t>c
        return 1
    if c < 0x800:
        out[0] = <uint8_t>(0xC0 | (c >> 6))
        out[1] = <uint8_t>(0x80 | (c & 0x3F))
        return 2
    if c < 0x10000:
        out[0] = <uint8_t>(0xE0 | (c >> 12))
        out[1] = <uint8_t>(0x80 | ((c >> 6) & 0x3F))
        out[2] = <uint8_t>(0x80 | (c & 0x3F))
        return 3
    out[0] = <uint8_t>(0xF0 | (c >> 18))
    out[1] = <uint8_t>(0x80 | ((c >> 12) & 0x3F))
    out[2] = <uint8_t>(0x80 | ((c >> 6) & 0x3F))
    out[3] = <uint8_t>(0x80 | (c & 0x3F))
    return 4


cdef int compare(const void* a, const void* b) noexcept nogil:
    cdef int32_t x = (<const int32_t*>a)[0], y = (<const int32_t*>b)[0]
    return (x > y) - (x < y)


cdef struct Buffer:  # a growable array
    char* data
    Py_ssize_t size, capacity


cdef int reserve(Buffer* buffer, Py_ssize_t size, Py_ssize_t item) except -1:
    cdef char* grown
    if size <= buffer.capacity:
        return 0
    size = max(size, 2 * buffer.capacity, 64)
    grown = <char*>realloc(buffer.data, size * item)
    if grown == NULL:
        raise MemoryError()
    buffer.data, buffer.capacity = grown, size
    return 0


cdef inline int32_t column(int32_t h, int64_t n_columns) noexcept nogil:
    cdef int64_t a = h
    return <int32_t>((-a if a < 0 else a) % n_columns)


def count_rows(texts, int64_t n_columns):
    """(data, indices, indptr) of the CSR matrix of each text's lowercased word 1- and 2-gram
    counts, hashed into ``n_columns`` columns, columns sorted within each row; data float32."""
    if not READY:
        raise RuntimeError("model._hashing.setup() was not called")
    cdef Py_ssize_t n = len(texts), i, j, length, m, k, start, nnz = 0
    cdef Buffer previous, current, pair, row, indices, counts
    cdef Buffer swap
    cdef object lowered
    cdef int kind
    cdef void* data
    cdef Py_UCS4 c
    cdef int u
    cdef bint word, unit, have_previous
    cdef int32_t* cols
    indptr_array = np.zeros(n + 1, np.int32)
    cdef int32_t[::1] indptr = indptr_array
    previous.data = current.data = pair.data = row.data = indices.data = counts.data = NULL
    previous.capacity = current.capacity = pair.capacity = row.capacity = indices.capacity = counts.capacity = 0
    previous.size = current.size = 0
    try:
        for i in range(n):
            text = texts[i]
            if type(text) is not str:
                raise TypeError("texts must be a sequence of str")
            lowered = text.lower()
            length = PyUnicode_GET_LENGTH(lowered)
            kind = PyUnicode_KIND(lowered)
            data = PyUnicode_DATA(lowered)
            reserve(&row, 2 * length + 2, sizeof(int32_t))  # at most one unigram and one bigram a character
            reserve(&current, 4 * length + 4, 1)
            reserve(&previous, 4 * length + 4, 1)
            m = 0
            have_previous = False
            current.size = 0
            j = 0
            while j <= length:
                # the next unit: a run of word characters, or one of a script without spaces
                start = -1
                while j < length:
                    c = PyUnicode_READ(kind, data, j)
                    u = unit_class(c, &IS_WORD[0], &UNSPACED[0])
                    word, unit = u != NOT_WORD, u == UNIT
                    if start < 0:
                        if unit:
                            start = j
                            current.size = utf8(c, <uint8_t*>current.data)
                            j += 1
                            break
                        if word:
                            start = j
                            current.size = utf8(c, <uint8_t*>current.data)
                    elif not word or unit:
                        break
                    else:
                        current.size += utf8(c, <uint8_t*>current.data + current.size)
                    j += 1
                if start < 0:
                    break
                cols = <int32_t*>row.data
                cols[m] = column(murmurhash3(<uint8_t*>current.data, current.size), n_columns)
                m += 1
                if have_previous:
                    reserve(&pair, previous.size + current.size + 1, 1)
                    memcpy(pair.data, previous.data, previous.size)
                    pair.data[previous.size] = b' '
                    memcpy(pair.data + previous.size + 1, current.data, current.size)
                    cols[m] = column(murmurhash3(<uint8_t*>pair.data, previous.size + current.size + 1), n_columns)
                    m += 1
                swap = previous
                previous = current
                current = swap
                have_previous = True
            # this row's columns, sorted, with their counts
            cols = <int32_t*>row.data
            qsort(cols, m, sizeof(int32_t), compare)
            if nnz + m > 0x7FFFFFFF:
                raise OverflowError("more n-grams than a CSR matrix with 32-bit indices holds")
            reserve(&indices, nnz + m, sizeof(int32_t))
            reserve(&counts, nnz + m, sizeof(float))
            k = 0
            while k < m:
                start = k
                while k < m and cols[k] == cols[start]:
                    k += 1
                (<int32_t*>indices.data)[nnz] = cols[start]
                (<float*>counts.data)[nnz] = <float>(k - start)
                nnz += 1
            indptr[i + 1] = <int32_t>nnz
        indices_array = np.empty(nnz, np.int32)
        data_array = np.empty(nnz, np.float32)
        if nnz:
            memcpy(_address(indices_array), indices.data, nnz * sizeof(int32_t))
            memcpy(_address(data_array), counts.data, nnz * sizeof(float))
    finally:
        free(previous.data)
        free(current.data)
        free(pair.data)
        free(row.data)
        free(indices.data)
        free(counts.data)
    return data_array, indices_array, indptr_array


cdef char* _address(array):
    cdef uint8_t[::1] view = array.view(np.uint8)
    return <char*>&view[0]
