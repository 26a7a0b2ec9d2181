# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The DOM walk into blocks of ``features.html_blocks``, in C over lxml's tree.

``columns(root, limits)`` gives exactly the block columns of ``html_blocks.python_columns``, the
pure-Python reference (which see for what the walk does and why): the same 18 columns, value for
value, from the same parsed tree.  It reads libxml2's nodes through lxml's C structures instead of
making a Python element for every node, and keeps the evidence of the open elements in C structs;
Python strings are made only for text and for the class / id / role / style / data-label values
the evidence holds.  Tag traits, landmark bits and the other constants are read from
``html_blocks`` when the walk is first used, so that the reference stays their one definition.

It is compiled against lxml's and libxml2's headers (``BUILT_AGAINST``); ``features.compiled``
uses it only with those versions, since a node's line number is read as libxml2 2.14's
``xmlGetLineNo`` computes it (lxml's ``sourceline``), from the node's fields.
"""

from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF, Py_XINCREF
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport intptr_t
from libc.stdlib cimport free, realloc
from libc.string cimport memcpy, memset, strcmp, strlen

cimport lxml.includes.etreepublic as cetree

cdef extern from "libxml/xmlversion.h":
    const char* LIBXML_DOTTED_VERSION

cdef extern from "libxml/tree.h":
    cdef struct _xmlNode
    cdef struct _xmlNs:
        const unsigned char* href
    cdef struct _xmlAttr:
        int type
        const unsigned char* name
        _xmlNode* children
        _xmlAttr* next
        _xmlNs* ns
    cdef struct _xmlNode:
        int type
        const unsigned char* name
        _xmlNode* children
        _xmlNode* last
        _xmlNode* parent
        _xmlNode* next
        _xmlNode* prev
        _xmlNs* ns
        const unsigned char* content
        _xmlAttr* properties
        void* psvi
        unsigned short line

ctypedef _xmlNode Node
ctypedef _xmlAttr Attr

BUILT_AGAINST = {"lxml": cetree.LXML_VERSION_STRING.decode("ascii"),
                 "libxml2": LIBXML_DOTTED_VERSION.decode("ascii")}

cdef enum:  # libxml2's node types
    ELEMENT_NODE = 1
    ATTRIBUTE_NODE = 2
    TEXT_NODE = 3
    CDATA_SECTION_NODE = 4
    ENTITY_REF_NODE = 5
    PI_NODE = 7
    COMMENT_NODE = 8
    XINCLUDE_START = 19
    XINCLUDE_END = 20

cdef enum:
    TABLE_SIZE = 512  # open addressing, a power of two
    NAME_SIZE = 24    # longer tag names are none of the known ones


cdef struct Traits:
    bint skip         # the tag as written is in SKIP_TAGS (the reference tests it before lower-casing)
    bint block        # the lower-cased tag starts a block
    bint ends_block   # the tag as written is in BLOCK_TAGS (the reference's end event reads it so)
    bint link         # <a>
    int mark
    int heading       # 0: not a heading
    bint item, cell, pre, is_list, pre_tag
    int noscript
    PyObject* name    # the lower-cased tag, a str held by _NAMES or the walk


cdef struct Entry:
    char name[NAME_SIZE]
    bint used
    Traits traits


# The evidence of one open element (the reference's frame tuple); the objects are owned references.
cdef struct Frame:
    PyObject* tag     # innermost block-level element
    bint tag_pre      # tag == "pre"
    long block_depth
    long marks
    long heading
    bint in_list, in_table, in_pre
    long concealed
    long long list_id  # -1: none
    PyObject* attrs
    PyObject* own
    long line         # 0: none (lxml's sourceline None)
    PyObject* label   # None or a str
    long depth
    PyObject* path    # tuple of serials


cdef struct Open:     # an entry of the stack of open elements
    Frame frame
    bint in_link
    bint ends_block


cdef Entry TABLE[TABLE_SIZE]
cdef Traits OTHER
cdef object _REF = None    # features.html_blocks, once the walk is first used
cdef list _NAMES = []      # the table's tag strings
cdef long HIDDEN_BIT = 0
cdef Py_ssize_t MAX_ATTR_CHARS = 0
cdef bytes LABEL_NAME = b""


cdef inline unsigned int _hash(const unsigned char* name, Py_ssize_t n) noexcept nogil:
    cdef unsigned int h = 2166136261u
    cdef Py_ssize_t i
    for i in range(n):
        h = (h ^ name[i]) * 16777619u
    return h


cdef Traits _traits(str written, str tag) except *:
    """The traits of a tag written ``written`` (lower-cased: ``tag``), from the reference's tables."""
    cdef Traits t
    memset(&t, 0, sizeof(Traits))
    is_block, plain, mark, heading, item, cell, pre, noscript, is_list = _REF._TRAITS.get(tag, _REF._OTHER_TRAITS)
    t.skip = written in _REF.SKIP_TAGS
    t.block = is_block
    t.ends_block = written in _REF.BLOCK_TAGS
    t.link = tag == "a"
    t.mark = mark
    t.heading = 0 if heading is None else heading
    t.item, t.cell, t.pre, t.is_list = item, cell, pre, is_list
    t.pre_tag = tag == "pre"
    t.noscript = noscript
    t.name = <PyObject*>tag
    return t


cdef _setup():
    global _REF, OTHER, MAX_ATTR_CHARS, LABEL_NAME, HIDDEN_BIT
    from features import html_blocks as ref
    _REF = ref
    memset(TABLE, 0, sizeof(TABLE))
    cdef bytes encoded
    cdef unsigned int slot
    for tag in sorted(set(ref._TRAITS) | set(ref.SKIP_TAGS) | {"a"}):
        encoded = tag.encode("ascii")
        if len(encoded) >= NAME_SIZE or tag != tag.lower():
            raise ValueError(f"tag {tag!r} does not fit the walk's table")
        _NAMES.append(tag)
        slot = _hash(encoded, len(encoded)) & (TABLE_SIZE - 1)
        while TABLE[slot].used:
            slot = (slot + 1) & (TABLE_SIZE - 1)
        TABLE[slot].used = True
        memcpy(TABLE[slot].name, <const char*>encoded, len(encoded) + 1)
        TABLE[slot].traits = _traits(tag, tag)
    _NAMES.append("span")
    OTHER = _traits("span", "span")
    OTHER.name = NULL
    MAX_ATTR_CHARS = ref._MAX_ATTR_CHARS
    LABEL_NAME = ref.LABEL_ATTRIBUTE.encode("ascii")
    HIDDEN_BIT = ref.HIDDEN


cdef inline bint _plain_name(Node* node, Py_ssize_t* length) noexcept nogil:
    """Whether the node's tag is its own lower-case form (no namespace, no A-Z, ASCII)."""
    cdef const unsigned char* name = node.name
    cdef Py_ssize_t i = 0
    if node.ns != NULL:
        return False
    while name[i]:
        if name[i] >= 0x80 or (name[i] >= 65 and name[i] <= 90):
            return False
        i += 1
    length[0] = i
    return True


cdef inline const Traits* _lookup(const unsigned char* name, Py_ssize_t n) noexcept nogil:
    if n >= NAME_SIZE:
        return &OTHER
    cdef unsigned int slot = _hash(name, n) & (TABLE_SIZE - 1)
    while TABLE[slot].used:
        if strcmp(TABLE[slot].name, <const char*>name) == 0:
            return &TABLE[slot].traits
        slot = (slot + 1) & (TABLE_SIZE - 1)
    return &OTHER


cdef str _utf8(const unsigned char* text):
    return PyUnicode_DecodeUTF8(<const char*>text, strlen(<const char*>text), NULL)


cdef str _written_tag(Node* node):
    """lxml's ``tag`` of an element: its name, after ``{namespace}`` when it has one."""
    name = _utf8(node.name)
    if node.ns != NULL and node.ns.href != NULL:
        return "{" + _utf8(node.ns.href) + "}" + name
    return name


cdef inline bint _is_element_like(Node* node) noexcept nogil:
    """lxml's ``_isElement``: what ``el[-1]`` can return."""
    return (node.type == ELEMENT_NODE or node.type == COMMENT_NODE or node.type == ENTITY_REF_NODE
            or node.type == PI_NODE)


cdef inline Node* _text_node(Node* node) noexcept nogil:
    """lxml's ``_textNodeOrSkip``: ``node`` if it is text, past XInclude marks; else NULL."""
    while node != NULL:
        if node.type == TEXT_NODE or node.type == CDATA_SECTION_NODE:
            return node
        if node.type == XINCLUDE_START or node.type == XINCLUDE_END:
            node = node.next
        else:
            return NULL
    return NULL


cdef inline Node* _next_element(Node* node) noexcept nogil:
    while node != NULL and node.type != ELEMENT_NODE:
        node = node.next
    return node


cdef long _line(Node* node, int depth) noexcept nogil:
    """libxml2's ``xmlGetLineNo`` (2.14), which lxml's ``sourceline`` returns when positive."""
    cdef long result = -1
    if depth >= 5 or node == NULL:
        return -1
    if node.type == ELEMENT_NODE or node.type == TEXT_NODE or node.type == COMMENT_NODE or node.type == PI_NODE:
        if node.line == 65535:
            if node.type == TEXT_NODE and node.psvi != NULL:
                result = <long><intptr_t>node.psvi
            elif node.type == ELEMENT_NODE and node.children != NULL:
                result = _line(node.children, depth + 1)
            elif node.next != NULL:
                result = _line(node.next, depth + 1)
            elif node.prev != NULL:
                result = _line(node.prev, depth + 1)
        if result == -1 or result == 65535:
            result = node.line
    elif node.prev != NULL and (node.prev.type == ELEMENT_NODE or node.prev.type == TEXT_NODE
                                or node.prev.type == COMMENT_NODE or node.prev.type == PI_NODE):
        result = _line(node.prev, depth + 1)
    elif node.parent != NULL and node.parent.type == ELEMENT_NODE:
        result = _line(node.parent, depth + 1)
    return result


cdef inline long _sourceline(Node* node) noexcept nogil:
    cdef long line = _line(node, 0)
    return line if line > 0 else 0


cdef Attr* _attribute(Node* node, const char* name) noexcept nogil:
    """The attribute ``name`` without namespace (lxml's ``attrib.get`` / ``in``), or NULL."""
    cdef Attr* attr = node.properties
    while attr != NULL:
        if attr.type == ATTRIBUTE_NODE and attr.ns == NULL and strcmp(<const char*>attr.name, name) == 0:
            return attr
        attr = attr.next
    return NULL


cdef object _value(Node* node, const char* name):
    """The value of attribute ``name``, or None."""
    cdef Attr* attr = _attribute(node, name)
    if attr == NULL:
        return None
    cdef Node* child = attr.children
    if child == NULL:
        return ""
    if child.next == NULL and child.content != NULL:
        return _utf8(child.content)
    parts = []
    while child != NULL:
        if child.content != NULL:
            parts.append(_utf8(child.content))
        child = child.next
    return "".join(parts)


cdef inline bint _has_attributes(Node* node) noexcept nogil:
    cdef Attr* attr = node.properties
    while attr != NULL:
        if attr.type == ATTRIBUTE_NODE:
            return True
        attr = attr.next
    return False


cdef inline void _hold(PyObject** slot, object value):
    """Store ``value`` in ``slot``, owning a reference, releasing the one held before."""
    Py_INCREF(value)
    Py_XDECREF(slot[0])
    slot[0] = <PyObject*>value


cdef inline void _copy_frame(Frame* target, const Frame* source) noexcept:
    """``*target = *source``, with the references that implies."""
    Py_XINCREF(source.tag)
    Py_XINCREF(source.attrs)
    Py_XINCREF(source.own)
    Py_XINCREF(source.label)
    Py_XINCREF(source.path)
    _clear_frame(target)
    memcpy(target, source, sizeof(Frame))


cdef inline void _clear_frame(Frame* frame) noexcept:
    Py_XDECREF(frame.tag)
    Py_XDECREF(frame.attrs)
    Py_XDECREF(frame.own)
    Py_XDECREF(frame.label)
    Py_XDECREF(frame.path)
    memset(frame, 0, sizeof(Frame))


cdef inline bint _ascii_space(unsigned char c) noexcept nogil:
    # str.isspace() of the ASCII characters
    return c == 32 or (c >= 9 and c <= 13) or (c >= 28 and c <= 31)


cdef class _Walk:
    """The reference's ``_Segmenter`` and ``_walk`` over one page."""
    cdef object limits
    cdef Py_ssize_t max_blocks
    cdef long max_depth
    cdef list parts
    cdef Py_ssize_t link_chars, n_links
    cdef bint open_block     # the reference's ``seg.frame is not None``
    cdef Frame block         # the evidence of the element where the open block's text starts
    cdef long line
    cdef long long last_list
    cdef Py_ssize_t n_rows
    cdef list texts, gaps, link_column, links_column, lines, labels, tags, depths, marks, headings
    cdef list in_lists, in_tables, in_pres, concealed, attrs, owns, paths
    cdef Open* stack
    cdef Py_ssize_t size, capacity  # open elements on the stack; room for
    cdef char* text                 # the text of the node being read (UTF-8), its length, room for
    cdef Py_ssize_t text_length, text_capacity

    def __cinit__(self, limits):
        self.limits = limits
        self.max_blocks = min(limits.max_blocks, 2 ** 62)
        self.max_depth = min(limits.max_depth, 2 ** 62)
        self.parts = []
        self.last_list = -1
        self.texts, self.gaps, self.link_column, self.links_column, self.lines = [], [], [], [], []
        self.labels, self.tags, self.depths, self.marks, self.headings = [], [], [], [], []
        self.in_lists, self.in_tables, self.in_pres, self.concealed, self.attrs = [], [], [], [], []
        self.owns, self.paths = [], []

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.stack != NULL:
            for i in range(self.size):
                _clear_frame(&self.stack[i].frame)
            free(self.stack)
        _clear_frame(&self.block)
        free(self.text)

    # -- text of nodes --------------------------------------------------------------------------

    cdef Py_ssize_t gather(self, Node* node) except -2:
        """Read lxml's ``text`` / ``tail`` starting at ``node`` into ``self.text``: -1 for None."""
        cdef Py_ssize_t count = 0, n
        cdef char* grown
        node = _text_node(node)
        self.text_length = 0
        while node != NULL:
            count += 1
            if node.content != NULL:
                n = strlen(<const char*>node.content)
                if self.text_length + n + 1 > self.text_capacity:
                    grown = <char*>realloc(self.text, 2 * (self.text_length + n + 1))
                    if grown == NULL:
                        raise MemoryError()
                    self.text, self.text_capacity = grown, 2 * (self.text_length + n + 1)
                memcpy(self.text + self.text_length, node.content, n)
                self.text_length += n
            node = _text_node(node.next)
        return self.text_length if count else -1

    cdef bint blank(self) except -1:
        """``text.isspace()`` of the text read."""
        cdef Py_ssize_t i
        cdef unsigned char c
        for i in range(self.text_length):
            c = <unsigned char>self.text[i]
            if c >= 0x80:
                return self.decoded().isspace()
            if not _ascii_space(c):
                return False
        return self.text_length > 0

    cdef str decoded(self):
        return PyUnicode_DecodeUTF8(self.text, self.text_length, NULL)

    cdef Py_ssize_t visible_chars(self) noexcept:
        """Characters of the text read that are not " \\n\\t\\r\\xa0" (what links count)."""
        cdef Py_ssize_t i, n = 0
        cdef unsigned char c
        for i in range(self.text_length):
            c = <unsigned char>self.text[i]
            if (c & 0xC0) == 0x80:  # continuation byte
                if c == 0xA0 and i > 0 and <unsigned char>self.text[i - 1] == 0xC2:
                    n -= 1  # U+00A0, counted at its first byte
                continue
            if c != 32 and c != 10 and c != 9 and c != 13:
                n += 1
        return n

    # -- the segmenter --------------------------------------------------------------------------

    cdef int add(self, Frame* frame, bint in_link, long line) except -1:
        """The reference's ``_Segmenter.add`` of the text read (not empty); ``line`` 0: the frame's."""
        if not self.open_block:
            if self.blank():
                return 0
            _copy_frame(&self.block, frame)
            self.open_block = True
            self.line = frame.line if line == 0 else line
        self.parts.append(self.decoded())
        if in_link:
            self.link_chars += self.visible_chars()
        return 0

    cdef int flush(self) except -1:
        cdef Frame* frame = &self.block
        cdef long long list_id
        if self.open_block:
            raw = self.parts[0] if len(self.parts) == 1 else "".join(self.parts)
            if frame.tag_pre:
                text = "\n".join([" ".join(line.split()) for line in raw.splitlines() if line.strip()])
            else:
                text = " ".join(raw.split())
            if text:
                if self.n_rows == self.max_blocks:
                    raise _REF.too_many_blocks(self.limits)
                list_id = frame.list_id
                self.gaps.append(self.n_rows > 0 and not (list_id != -1 and list_id == self.last_list))
                self.texts.append(text)
                self.link_column.append(min(self.link_chars, len(text)))
                self.links_column.append(self.n_links)
                self.lines.append(self.line if self.line else None)
                self.labels.append(<object>frame.label)
                self.tags.append(<object>frame.tag)
                self.depths.append(frame.block_depth)
                self.marks.append(frame.marks)
                self.headings.append(frame.heading)
                self.in_lists.append(frame.in_list)
                self.in_tables.append(frame.in_table)
                self.in_pres.append(frame.in_pre)
                self.concealed.append(frame.concealed)
                self.attrs.append(<object>frame.attrs)
                self.owns.append(<object>frame.own)
                self.paths.append(<object>frame.path)
                self.n_rows += 1
                self.last_list = list_id
            self.parts = []
            _clear_frame(&self.block)
        self.link_chars = 0
        self.n_links = 0
        self.open_block = False
        return 0

    cdef int break_block(self) except -1:
        """A block-level element starts or ends."""
        if self.open_block:
            self.flush()
        else:
            self.n_links = 0
        return 0

    def columns(self):
        n = self.n_rows
        return {"text": self.texts, "gap_before": self.gaps, "link_chars": self.link_column,
                "n_links": self.links_column, "line": self.lines, "label": self.labels, "indent": [0] * n,
                "tag": self.tags, "depth": self.depths, "landmarks": self.marks, "heading": self.headings,
                "in_list": self.in_lists, "in_table": self.in_tables, "in_pre": self.in_pres,
                "concealed": self.concealed, "attrs": self.attrs, "own_attrs": self.owns, "path": self.paths}

    # -- the walk -------------------------------------------------------------------------------

    cdef Open* push(self) except NULL:
        cdef Open* grown
        if self.size == self.capacity:
            grown = <Open*>realloc(self.stack, 2 * (self.capacity + 16) * sizeof(Open))
            if grown == NULL:
                raise MemoryError()
            memset(grown + self.capacity, 0, (self.capacity + 32) * sizeof(Open))
            self.stack, self.capacity = grown, 2 * (self.capacity + 16)
        self.size += 1
        return &self.stack[self.size - 1]

    cdef void pop(self) noexcept:
        self.size -= 1
        _clear_frame(&self.stack[self.size].frame)

    cdef int child_frame(self, Frame* frame, Node* node, const Traits* t, Frame* parent,
                         long long serial) except -1:
        """The reference's ``_child_frame``: the evidence of ``node`` given its parent's."""
        cdef long mark = t.mark
        cdef long hidden = 0
        _copy_frame(frame, parent)
        if _has_attributes(node):
            tokens = " ".join(filter(None, (_value(node, b"class"), _value(node, b"id")))).lower()
            if tokens:
                tokens = " ".join(tokens.split())
                attrs = <object>parent.attrs
                _hold(&frame.attrs, (tokens + " " + attrs)[:MAX_ATTR_CHARS] if attrs else tokens[:MAX_ATTR_CHARS])
                _hold(&frame.own, tokens[:MAX_ATTR_CHARS])
            role = _value(node, b"role")
            if role:
                mark |= _REF._LANDMARK_BIT.get(_REF._ROLE_LANDMARK.get(role.lower().strip(), ""), 0)
            if _attribute(node, b"hidden") != NULL:
                hidden = HIDDEN_BIT
            else:
                style = _value(node, b"style")
                if style and _REF._HIDDEN_STYLE.search(style) is not None:
                    hidden = HIDDEN_BIT
            if _attribute(node, LABEL_NAME) != NULL:
                _hold(&frame.label, _value(node, LABEL_NAME))
        frame.depth = parent.depth + 1
        if t.block:
            _hold(&frame.tag, <object>t.name)
            frame.tag_pre = t.pre_tag
            frame.block_depth = frame.depth
            _hold(&frame.path, <tuple>(<object>parent.path) + (serial,))
        frame.marks = parent.marks | mark
        if t.heading:
            frame.heading = t.heading
        frame.in_list = parent.in_list or t.item
        frame.in_table = parent.in_table or t.cell
        frame.in_pre = parent.in_pre or t.pre
        frame.concealed = parent.concealed | t.noscript | hidden
        if t.is_list:
            frame.list_id = serial
        frame.line = _sourceline(node)
        return 0

    cdef long tail_line(self, Node* node) except -1:
        """The reference's ``_tail_line``: where the text after ``node`` (read) starts, 0: unknown."""
        cdef long breaks = 0, steps, line
        cdef Node* last = node
        cdef Node* child
        for steps in range(self.max_depth):
            child = last.last
            while child != NULL and not _is_element_like(child):
                child = child.prev
            if child == NULL:
                break
            last = child
            breaks += self.newlines(last.next)
        line = _sourceline(last)
        if line == 0:
            return 0
        tail = self.decoded()
        breaks += self.newlines(last.children) + tail[: len(tail) - len(tail.lstrip())].count("\n")
        return line + breaks

    cdef long newlines(self, Node* node) noexcept:
        """Line breaks in lxml's text / tail starting at ``node``."""
        cdef long n = 0
        cdef const unsigned char* p
        node = _text_node(node)
        while node != NULL:
            p = node.content
            if p != NULL:
                while p[0]:
                    if p[0] == 10:
                        n += 1
                    p += 1
            node = _text_node(node.next)
        return n

    cdef int tail(self, Node* node) except -1:
        """The text after an element that ends: the reference's end event, after the pop."""
        cdef Open* parent = &self.stack[self.size - 1]
        cdef long line = 0
        if self.gather(node.next) > 0 and (self.open_block or not self.blank()):
            if not self.open_block:
                line = self.tail_line(node)
            self.add(&parent.frame, parent.in_link, line)
        return 0

    cdef long long walk(self, Node* top, long long serial) except -1:
        """The reference's ``_walk`` of the tree under ``top``; returns the last serial used."""
        cdef Open* entry
        cdef Open* parent
        cdef Node* node
        cdef Node* up = top
        cdef const Traits* t
        cdef Traits slow
        cdef Py_ssize_t length
        cdef bint in_link, ends_block
        serial += 1
        entry = self.push()
        _hold(&entry.frame.tag, "html")
        entry.frame.list_id = -1
        _hold(&entry.frame.attrs, "")
        _hold(&entry.frame.own, "")
        entry.frame.line = _sourceline(top)
        _hold(&entry.frame.label, _value(top, LABEL_NAME))
        _hold(&entry.frame.path, (serial,))
        if self.gather(top.children) > 0:
            self.add(&entry.frame, False, 0)
        node = _next_element(top.children)
        while True:
            if node == NULL:  # the end of ``up``
                if up == top:
                    break
                ends_block = self.stack[self.size - 1].ends_block
                node = up
                up = up.parent
                self.pop()
                if ends_block:
                    self.break_block()
                self.tail(node)
                node = _next_element(node.next)
                continue
            if _plain_name(node, &length):
                t = _lookup(node.name, length)
            else:
                written = _written_tag(node)
                tag = written.lower()
                slow = _traits(written, tag)
                t = &slow
            if t.skip:  # the subtree is skipped; its end event adds its tail
                self.tail(node)
                node = _next_element(node.next)
                continue
            serial += 1
            parent = &self.stack[self.size - 1]
            in_link = parent.in_link or t.link
            entry = self.push()
            parent = &self.stack[self.size - 2]  # the stack may have moved
            if parent.frame.depth >= self.max_depth:
                _copy_frame(&entry.frame, &parent.frame)
            else:
                self.child_frame(&entry.frame, node, t, &parent.frame, serial)
            entry.in_link = in_link
            entry.ends_block = t.ends_block
            if t.block:
                self.break_block()
            if t.link and _attribute(node, b"href") != NULL:
                self.n_links += 1
            if self.gather(node.children) > 0 and (self.open_block or not self.blank()):
                self.add(&entry.frame, in_link, 0)
            up = node
            node = _next_element(node.children)
        self.pop()
        return serial


def columns(root, limits):
    """The block columns of the tree of ``root`` (``html_blocks._parse``; None: no blocks), as
    ``html_blocks.python_columns`` gives them."""
    cdef _Walk walk
    cdef Node* top
    cdef long long serial = 0
    if _REF is None:
        _setup()
    walk = _Walk(limits)
    if root is not None:
        if not isinstance(root, cetree._Element):
            raise TypeError(f"root must be an lxml element, not {type(root).__name__}")
        top = <Node*>(<cetree._Element>root)._c_node
        while top != NULL:
            if top.type == ELEMENT_NODE:
                serial = walk.walk(top, serial)
            top = top.next
        walk.flush()
    return walk.columns()
