"""Segment an HTML page into text blocks, keeping the markup evidence of each block.

One walk over the DOM (lxml's libxml2 parser, which copes with any tag soup).  A new block starts
at every block-level element and at ``<br>``; inline markup stays inside its block.  Script, style,
templates, embedded objects and form controls are dropped with their subtree.

Hidden elements and ``<noscript>`` are *kept*, flagged in the ``concealed`` column: on WCXB dev,
forum software (Discourse) serves its posts inside ``<noscript>`` and streamed React pages keep
the article in a ``<div hidden>`` until a script reveals it; dropping them loses the main text
of whole pages.  The model learns from the flag when concealed text is boilerplate.

Hostile pages cost time linear in their size: nesting deeper than ``Limits.max_depth`` adds no
evidence (and no cost) per level, and a page nested deeper than libxml2 parses (2,048 levels,
where it stops and drops the rest of the page) is read again flat, block tags as line breaks,
so that none of its text is lost; an element's attributes past the first 1,000 are cut before
parsing (``attribute_cap``).
"""

from __future__ import annotations

import re

import pandas as pd
from lxml import etree

from . import compiled
from .attribute_cap import cap_attributes
from .blocks import LANDMARKS, blocks_frame, too_many_blocks
from .decode import DEFAULT_LIMITS, Limits, check_limits

BLOCK_TAGS = frozenset("""
    address article aside blockquote body caption center dd details dialog dir div dl dt fieldset
    figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main
    menu nav ol p pre section summary table tbody thead tfoot tr td th ul br
""".split())
SKIP_TAGS = frozenset("""
    script style template head svg math iframe object embed canvas select textarea
    option datalist audio video picture source track map
""".split())
HIDDEN, NOSCRIPT = 1, 2  # bits of the ``concealed`` column
LABEL_ATTRIBUTE = "data-label"
_LANDMARK_BIT = {name: 1 << i for i, name in enumerate(LANDMARKS)}
_ROLE_LANDMARK = {
    "navigation": "nav", "banner": "header", "contentinfo": "footer", "complementary": "aside",
    "main": "main", "article": "article", "search": "form", "form": "form",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# libxml2 rejects these code points in text; they carry nothing readable.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BAD_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")  # the ASCII ones of _BAD_CHARS, in UTF-8
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_MAX_ATTR_CHARS = 300
# Flat reading of pages too deep for libxml2: tags and comments (a tag ends at the next < or >,
# so that a stray < costs nothing), and the elements whose content is not page text.
_FLAT_TOKEN = re.compile(r"<!--|<(/?)([A-Za-z][^\s/<>]*)[^<>]*>")
_FLAT_SKIP = frozenset("""
    script style title template textarea svg math iframe object select datalist audio video canvas
""".split())

# A frame is the evidence of one open element, as a tuple (cheap to build for every element):
(TAG, BLOCK_DEPTH, MARKS, HEADING, IN_LIST, IN_TABLE, IN_PRE, CONCEALED, LIST_ID, ATTRS, OWN,
 LINE, LABEL, DEPTH, PATH) = range(15)
#   TAG / BLOCK_DEPTH: innermost block-level element and its depth; DEPTH: this element's depth;
#   LIST_ID: serial of the innermost list; PATH: serials of the enclosing block-level elements.
_EVIDENCE = ("tag", "depth", "landmarks", "heading", "in_list", "in_table", "in_pre", "concealed",
             "attrs", "own_attrs", "path")
_EVIDENCE_AT = (TAG, BLOCK_DEPTH, MARKS, HEADING, IN_LIST, IN_TABLE, IN_PRE, CONCEALED, ATTRS, OWN, PATH)


def _is_hidden(attrib) -> bool:
    if "hidden" in attrib:
        return True
    style = attrib.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style) is not None


def _parse(html: str):
    html = _XML_DECLARATION.sub("", html, count=1)
    data = html.encode("utf-8", errors="replace")
    if len(data.translate(None, _BAD_BYTES)) != len(data) or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:
        html = _BAD_CHARS.sub(" ", html)  # rare; a byte scan finds them three times faster than this
        data = None
    capped = cap_attributes(html)  # after the spaces above, which would part a name in two
    if capped is not html or data is None:
        html = capped
        data = html.encode("utf-8", errors="replace")
    root, halted = _parse_tree(data)
    if halted:
        root, _ = _parse_tree(flatten(html).encode("utf-8", errors="replace"))
    return root


def _parse_tree(data: bytes):
    """``(root or None, whether libxml2 stopped early at its nesting limit)``."""
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None, False
    error = parser.error_log.last_error
    return root, error is not None and "Excessive depth" in error.message


def flatten(html: str) -> str:
    """``html`` without its nesting: block-level tags become ``<br>``; other tags, comments and
    the content of script-like elements go; line breaks stay, so line numbers stay right.  One
    pass, linear in the page: for pages nested deeper than libxml2 parses."""
    out, pos, n = [], 0, len(html)
    while pos < n:
        match = _FLAT_TOKEN.search(html, pos)
        if match is None:
            out.append(html[pos:])
            break
        out.append(html[pos:match.start()])
        name = (match.group(2) or "").lower()
        if match.group(0) == "<!--":
            end = html.find("-->", match.end())
            end = n if end < 0 else end + 3
        elif name in _FLAT_SKIP and not match.group(1):
            close = re.compile(rf"</{name}\s*>", re.I).search(html, match.end())
            end = n if close is None else close.end()
        else:
            end = match.end()
            if name in BLOCK_TAGS:
                out.append("<br>")
        out.append("\n" * html.count("\n", match.start(), end))
        pos = end
    return "".join(out)


def _tail_line(el, max_steps: int) -> int | None:
    """Source line where the text after ``el`` starts, approximately: lxml records only where
    elements start, so take the line of the last element inside ``el`` (at most ``max_steps``
    levels down) and add the line breaks that follow it up to the tail's first word."""
    breaks = 0
    last = el
    for _ in range(max_steps):
        try:
            last = last[-1]
        except IndexError:
            break
        breaks += (last.tail or "").count("\n")
    if last.sourceline is None:
        return None
    tail = el.tail or ""
    breaks += (last.text or "").count("\n") + tail[: len(tail) - len(tail.lstrip())].count("\n")
    return last.sourceline + breaks


class _Segmenter:
    """Accumulates text into the current block and flushes it at block boundaries."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows: list[tuple] = []  # (text, gap_before, link_chars, n_links, line, frame) per block
        self.parts: list[str] = []
        self.link_chars = 0
        self.n_links = 0
        self.frame = None  # evidence of the element where the block's first text appeared
        self.line = None
        self.last_list = None

    def starts_block(self, text) -> bool:
        return self.frame is None and bool(text) and not text.isspace()

    def add(self, text, frame, in_link, line=None):
        if not text:
            return
        if self.frame is None:
            if text.isspace():
                return
            self.frame = frame
            self.line = frame[LINE] if line is None else line
        self.parts.append(text)
        if in_link:
            self.link_chars += len(text) - sum(map(text.count, " \n\t\r\xa0"))

    def flush(self):
        frame = self.frame
        if frame is not None:
            raw = "".join(self.parts)
            if frame[TAG] == "pre":
                # Code and verse keep their lines, as a browser shows them; not their indentation,
                # so that the text has the characters it would have on one line.
                text = "\n".join(" ".join(line.split()) for line in raw.splitlines() if line.strip())
            else:
                text = " ".join(raw.split())
            if text:
                rows = self.rows
                if len(rows) == self.limits.max_blocks:
                    raise too_many_blocks(self.limits)
                list_id = frame[LIST_ID]
                gap = bool(rows) and not (list_id is not None and list_id == self.last_list)
                rows.append((text, gap, min(self.link_chars, len(text)), self.n_links, self.line, frame))
                self.last_list = list_id
        self.parts = []
        self.link_chars = 0
        self.n_links = 0
        self.frame = None

    def columns(self) -> dict:
        """The blocks so far as columns of a block table (plus ``label``)."""
        texts, gaps, link_chars, n_links, lines, frames = zip(*self.rows) if self.rows else ((),) * 6
        cols = {"text": texts, "gap_before": gaps, "link_chars": link_chars, "n_links": n_links, "line": lines,
                "label": [f[LABEL] for f in frames], "indent": [0] * len(texts)}
        for name, at in zip(_EVIDENCE, _EVIDENCE_AT):
            cols[name] = [f[at] for f in frames]
        return cols


_PLAIN_INLINE_CHANGES = frozenset(("code", "noscript"))  # inline tags that change evidence by themselves


_LIST_ITEMS, _CELLS, _PREFORMATTED, _LISTS = ("li", "dt", "dd"), ("td", "th"), ("pre", "code"), ("ul", "ol", "dl", "menu")


def _tag_traits(tag: str) -> tuple:
    """What a tag by itself adds to the evidence of the elements inside it."""
    return (
        tag in BLOCK_TAGS,
        tag not in BLOCK_TAGS and tag not in _PLAIN_INLINE_CHANGES,  # bare, it changes nothing
        _LANDMARK_BIT.get(tag, 0),
        _HEADINGS.get(tag),
        tag in _LIST_ITEMS,
        tag in _CELLS,
        tag in _PREFORMATTED,
        NOSCRIPT if tag == "noscript" else 0,
        tag in _LISTS,
    )


# What each tag that adds anything adds; every other tag (<span>, <em>, custom elements...) adds
# what <span> does.  A fixed table: one filled as tags are met would grow with a hostile page's
# invented tags (<x0> ... <x99999>) for the life of the process.
_TRAITS = {tag: _tag_traits(tag) for tag in (BLOCK_TAGS | _PLAIN_INLINE_CHANGES | set(_LANDMARK_BIT) | set(_HEADINGS)
                                             | set(_LIST_ITEMS + _CELLS + _PREFORMATTED + _LISTS))}
_OTHER_TRAITS = _tag_traits("span")


def _child_frame(el, tag, parent, serial):
    """Evidence of ``el`` given its parent's frame."""
    is_block, plain, mark, heading, is_item, is_cell, is_pre, noscript, is_list = _TRAITS.get(tag, _OTHER_TRAITS)
    attrib = el.attrib
    attrs, own, label, hidden = parent[ATTRS], parent[OWN], parent[LABEL], 0
    if attrib:
        get = attrib.get
        tokens = " ".join(filter(None, (get("class"), get("id")))).lower()
        if tokens:
            tokens = " ".join(tokens.split())
            attrs = (tokens + " " + attrs)[:_MAX_ATTR_CHARS] if attrs else tokens[:_MAX_ATTR_CHARS]
            own = tokens[:_MAX_ATTR_CHARS]
        role = get("role")
        if role:
            mark |= _LANDMARK_BIT.get(_ROLE_LANDMARK.get(role.lower().strip(), ""), 0)
        if _is_hidden(attrib):
            hidden = HIDDEN
        label = get(LABEL_ATTRIBUTE, label)
    elif plain:
        # A bare inline element (most <span>, <em>, <a> without attributes...) changes nothing
        # but its depth and line: a shortcut for the commonest case of the walk.
        return parent[:LINE] + (el.sourceline, label, parent[DEPTH] + 1, parent[PATH])
    depth = parent[DEPTH] + 1
    if is_block:
        return (tag, depth, parent[MARKS] | mark, parent[HEADING] if heading is None else heading,
                parent[IN_LIST] or is_item, parent[IN_TABLE] or is_cell, parent[IN_PRE] or is_pre,
                parent[CONCEALED] | noscript | hidden, serial if is_list else parent[LIST_ID],
                attrs, own, el.sourceline, label, depth, parent[PATH] + (serial,))
    return (parent[TAG], parent[BLOCK_DEPTH], parent[MARKS] | mark, parent[HEADING] if heading is None else heading,
            parent[IN_LIST] or is_item, parent[IN_TABLE] or is_cell, parent[IN_PRE] or is_pre,
            parent[CONCEALED] | noscript | hidden, serial if is_list else parent[LIST_ID],
            attrs, own, el.sourceline, label, depth, parent[PATH])


def blocks_from_html(html: str, with_labels: bool = False, limits: Limits | None = DEFAULT_LIMITS):
    """Parse ``html`` and return its block table (see ``features.blocks``).

    ``with_labels`` adds a ``label`` column: the ``data-label`` attribute of the nearest element
    that has one (how hand-labelled HTML pages mark content and boilerplate), else None.
    ``limits``: ``max_blocks`` (raises ``PageError`` past it) and ``max_depth``.
    """
    cols = html_columns(html, check_limits(limits))
    frame = blocks_frame(cols)
    if with_labels:
        frame["label"] = pd.Series(cols["label"], dtype=object)
    return frame


def html_columns(html: str, limits: Limits = DEFAULT_LIMITS) -> dict:
    """``blocks_from_html`` as a dict of column lists, with ``label`` (``blocks_frame`` builds the table)."""
    return (python_columns if _compiled is None else _compiled.columns)(_parse(html), limits)


def python_columns(root, limits: Limits) -> dict:
    """The block columns of the tree of ``root`` (from ``_parse``; None: no blocks): the walk in
    Python, the reference of the compiled one (``features/_walk.pyx``), which gives the same."""
    seg = _Segmenter(limits)
    if root is not None:
        serial = 0
        # Text after a stray </html> lands in sibling trees of the root; it is still page text.
        for top in (root, *root.itersiblings()):
            if isinstance(top.tag, str):
                serial = _walk(top, seg, serial, limits.max_depth)
        seg.flush()
    return seg.columns()


def _walk(top, seg: _Segmenter, serial: int, max_depth: int) -> int:
    """Depth-first walk (lxml's iterwalk: pages can nest deeper than Python recursion).

    An element deeper than ``max_depth`` shares its parent's evidence: its text and block breaks
    count, but the evidence (and its cost, such as ``path``) grows no further.
    Returns the last element serial used, so that serials stay unique across sibling trees."""
    serial += 1
    root_frame = ("html", 0, 0, 0, False, False, False, 0, None, "", "", top.sourceline,
                  top.get(LABEL_ATTRIBUTE), 0, (serial,))
    frames = [root_frame]
    links = [False]
    add = seg.add
    add(top.text, root_frame, False)
    walker = etree.iterwalk(top, events=("start", "end"))
    next(walker)  # the start of ``top``
    for event, el in walker:
        tag = el.tag
        if event == "end":
            if el is top:
                break
            if tag in SKIP_TAGS:  # its subtree was skipped: it has no frame of its own
                pass
            else:
                frames.pop()
                links.pop()
                if tag in BLOCK_TAGS:
                    if seg.frame is not None:
                        seg.flush()
                    else:
                        seg.n_links = 0
            tail = el.tail
            if tail and (seg.frame is not None or not tail.isspace()):
                add(tail, frames[-1], links[-1], _tail_line(el, max_depth) if seg.frame is None else None)
            continue
        if tag in SKIP_TAGS:
            walker.skip_subtree()
            continue
        tag = tag.lower()
        serial += 1
        parent = frames[-1]
        frame = parent if parent[DEPTH] >= max_depth else _child_frame(el, tag, parent, serial)
        in_link = links[-1] or tag == "a"
        if tag in BLOCK_TAGS:
            if seg.frame is not None:
                seg.flush()
            else:
                seg.n_links = 0
        if tag == "a" and "href" in el.attrib:
            seg.n_links += 1
        frames.append(frame)
        links.append(in_link)
        text = el.text
        if text and (seg.frame is not None or not text.isspace()):
            add(text, frame, in_link)
    return serial


_compiled = compiled.extension("features._walk")  # None: python_columns walks every page
