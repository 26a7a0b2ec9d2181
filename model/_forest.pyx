# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The trees of a fitted ``HistGradientBoostingClassifier``, predicted in C (``model.trees``).

``model.trees`` packs every tree into one array of ``Node`` (the numpy dtype ``model.trees.NODE``,
whose layout ``NODE_SIZE`` checks); ``predict`` walks it for a range of rows, without the GIL, so
that ``model.trees`` can give ranges to threads when a caller asks for more than one.  A row's
raw prediction starts at the baseline and adds the trees' leaf values in the order scikit-learn
adds them, so it is scikit-learn's to the last bit.
"""

from libc.math cimport isnan
from libc.stdint cimport int32_t, int64_t, uint32_t

cdef struct Node:
    double value        # a split's threshold; a leaf's value
    int32_t feature     # -1: a leaf
    uint32_t children   # position of the left child in the whole array (the right one follows it),
                        # and in the top bit whether a missing value goes left

NODE_SIZE = sizeof(Node)

cdef uint32_t LOW = 0x7fffffff
cdef enum:
    ROWS = 1024  # rows walked through one tree before the next: the tree stays in cache


def predict(const unsigned char[::1] nodes, const int64_t[::1] roots, const int32_t[::1] outputs,
            const double[::1, :] X, double[:, ::1] raw, Py_ssize_t start, Py_ssize_t stop):
    """Add to ``raw[row, outputs[tree]]`` the leaf value of every tree (its root at ``roots[tree]``)
    for rows ``start:stop`` of the column-major ``X``."""
    if stop <= start:
        return
    if nodes.shape[0] % sizeof(Node) or X.shape[0] < stop or raw.shape[0] < stop or roots.shape[0] != outputs.shape[0]:
        raise ValueError("the packed trees and the arrays do not fit together")
    cdef const Node* packed = <const Node*>&nodes[0]
    cdef const Node* node
    cdef Py_ssize_t first, last, row, tree, n_trees = roots.shape[0]
    cdef double x
    with nogil:
        first = start
        while first < stop:
            last = min(first + ROWS, stop)
            for tree in range(n_trees):
                for row in range(first, last):
                    node = packed + roots[tree]
                    while node.feature >= 0:
                        x = X[row, node.feature]
                        if x <= node.value:
                            node = packed + (node.children & LOW)
                        elif isnan(x) and node.children >> 31:
                            node = packed + (node.children & LOW)
                        else:
                            node = packed + (node.children & LOW) + 1
                    raw[row, outputs[tree]] += node.value
            first = last
