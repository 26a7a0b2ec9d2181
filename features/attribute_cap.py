"""At most ``MAX_ATTRIBUTES`` attributes per HTML element, before libxml2 parses the page.

libxml2 appends each attribute of an element to a list it walks to the end: its time is
quadratic in the attributes of one element (a tag of 100,000 took 36 s, 200,000 took 244 s).
Real elements have few (the most on WCXB dev's pages: 136).  Past the limit, the attributes of
a start tag are cut from the page's text before it is parsed (a space takes their place).

Where a tag starts and ends depends on what comes before it: inside a comment, a ``<script>`` or
a ``<textarea>``, ``<p a b c>`` is text, and a quoted attribute value may hold ``>``.  So the page
is read as libxml2 (2.14, which follows the HTML5 tokenizer) reads it: comments, bogus comments
and doctypes, end tags (whose attributes are read and dropped), raw text elements (script,
style, xmp, iframe, noembed, noframes, textarea, title, plaintext; but not when their tag closes
itself, ``<script/>``) and start tags, attribute by attribute.  One ``findall`` reads a page, in
C; only a tag past the limit, or a script holding ``<!--`` (whose escaped states are read
here), sends the page through a slower path, a regular expression call per token.  A page
shorter than ``_SMALL`` is not read at all: its worst case costs libxml2 under half a second.
"""

from __future__ import annotations

import re

MAX_ATTRIBUTES = 1_000  # elements of this many cost libxml2 under 4 s for 20 MB of them
_SMALL = 65_536  # characters: one element of 16,000 distinct attributes, 0.4 s of parsing
_RAW = ("style", "xmp", "iframe", "noembed", "noframes", "textarea", "title")  # to their end tag
_SPECIAL = _RAW + ("script", "plaintext")
# ASCII letters only, as HTML's.  Every repetition is possessive ("*+": Python 3.11): it never
# gives back what it read, so a failing match never reads a tag's text as other attributes, and
# no repetition keeps a backtracking point per token (memory as large as the page otherwise).
_FLAGS = re.A | re.I | re.S | re.X
_WS = r"\t\n\f\r\x20"  # HTML's whitespace: a no-break space is part of a name

# An attribute as the HTML5 tokenizer reads it: after whitespace or "/" (or right after a quoted
# value), a name, then perhaps "=" and a value.  A quoted value open at the end of the page runs
# to the end; "a= >" has an empty value.
_ATTRIBUTE = rf"""(?:[{_WS}/]++|(?<=["']))
                  (?>[^{_WS}/>][^{_WS}/>=]*+
                     (?:[{_WS}]*+=[{_WS}]*+(?:"[^"]*+(?:"|\Z)|'[^']*+(?:'|\Z)|[^{_WS}>"'][^{_WS}>]*+)?)?)"""
_NAME = rf"[a-z][^{_WS}/>]*+"  # a tag's
_TAG_END = rf"[{_WS}/]*+(?:>|\Z)"
_OPENING_TAG_END = rf"(?:[{_WS}/]*[{_WS}])?(?:>|\Z)"  # not "/>": a raw text element's text follows
_ENDS_NAME = rf"(?=[{_WS}/>]|\Z)"


def _named(names) -> str:
    return rf"(?:{'|'.join(names)}){_ENDS_NAME}"


def _tokens(limit: int) -> re.Pattern:
    """Every markup token of a page, each read whole.  The group ``stop`` holds "<" where a
    start tag has more than ``limit`` attributes or a script holds ``<!--``, and takes the rest of
    the page: ``cap_attributes`` reads a page with a stop again, token by token."""
    most = f"(?:{_ATTRIBUTE}){{0,{limit}}}+"
    raw = "".join(rf"""
      | <{_named([name])}{most}{_OPENING_TAG_END}[^<]*+(?:<(?!/{name}{_ENDS_NAME})[^<]*+)*+"""
                  for name in _RAW)
    return re.compile(rf"""
        <(?!{_named(_SPECIAL)}){_NAME}{most}{_TAG_END}              # start tag
      | </{_NAME}(?:{_ATTRIBUTE})*+{_TAG_END}                      # end tag, attributes and all
      | <!--(?:-?>|.*?--!?>|.*)                                   # comment, <!--> and <!---> too
      | <[!?][^>]*+>?                                             # doctype, CDATA, bogus comment
      | </(?:>|[^a-z>][^>]*+>?|\Z)                                # </>, or a bogus comment
      {raw}
      | <{_named(["script"])}{most}{_OPENING_TAG_END}              # a script without escapes
            [^<]*+(?:<(?!!--|/script{_ENDS_NAME})[^<]*+)*+(?=</script{_ENDS_NAME}|\Z)
      | <{_named(["plaintext"])}{most}{_OPENING_TAG_END}.*
      | <(?![a-z!/?])                                             # "<" as text
      | (?P<stop><).*
      """, _FLAGS)


_PATTERNS: dict[int, tuple[re.Pattern, re.Pattern]] = {}  # limit: (tokens, its first attributes)
_TAG_NAME = re.compile(f"<({_NAME})", _FLAGS)
_EVERY_ATTRIBUTE = re.compile(f"(?:{_ATTRIBUTE})*+", _FLAGS)
_END_OF_TAG = re.compile(_TAG_END, _FLAGS)
_ESCAPE_CLOSED = re.compile("-*+>")
_SCRIPT = {
    "plain": re.compile(f"<!--|</script{_ENDS_NAME}", _FLAGS),
    "escaped": re.compile(f"-{{2,}}>|</script{_ENDS_NAME}|<script{_ENDS_NAME}", _FLAGS),
    "double": re.compile(f"-{{2,}}>|</script{_ENDS_NAME}", _FLAGS),
}
_RAW_END = {name: re.compile(f"</{name}{_ENDS_NAME}", _FLAGS) for name in _RAW}


def cap_attributes(html: str, limit: int = MAX_ATTRIBUTES) -> str:
    """``html`` with every start tag cut to its first ``limit`` attributes (the same object when
    no tag has more, or the page is shorter than ``_SMALL``)."""
    if len(html) < _SMALL:
        return html
    if limit not in _PATTERNS:
        _PATTERNS[limit] = _tokens(limit), re.compile(f"(?:{_ATTRIBUTE}){{{limit}}}+", _FLAGS)
    tokens, first = _PATTERNS[limit]
    if "<" not in tokens.findall(html):  # "" for each token, "<" for a stop
        return html
    cuts, pos = [], 0
    while pos is not None:
        start, pos = pos, None
        for token in tokens.finditer(html, start):
            if token.group("stop"):
                pos = _read_tag(html, token.start(), first, cuts)
                break
    if not cuts:
        return html
    pieces, last = [], 0
    for start, stop in cuts:  # a space where attributes were cut: "a=b c/>" must not become "a=b/>"
        pieces.append(html[last:start])
        last = stop
    pieces.append(html[last:])
    return " ".join(pieces)


def _read_tag(html: str, pos: int, first: re.Pattern, cuts: list) -> int:
    """Read the start tag at ``pos`` (and the text of a raw text element): add the span of its
    attributes past the limit to ``cuts``; return where reading goes on."""
    name = _TAG_NAME.match(html, pos)
    kept = first.match(html, name.end())
    start = name.end() if kept is None else kept.end()
    attributes_end = _EVERY_ATTRIBUTE.match(html, start).end()
    if kept is not None and attributes_end > start:  # more attributes than the limit
        cuts.append((start, attributes_end))
    tail = _END_OF_TAG.match(html, attributes_end).group()
    pos = attributes_end + len(tail)
    tag = name.group(1).lower()
    if tail.endswith("/>") or tag not in _SPECIAL:  # "/>": libxml2 reads on as markup
        return pos
    if tag == "script":
        return _script_end(html, pos)
    if tag == "plaintext":
        return len(html)
    found = _RAW_END[tag].search(html, pos)
    return len(html) if found is None else found.start()


def _script_end(html: str, pos: int) -> int:
    """Where the text of a script starting at ``pos`` ends (its ``</script``, or the end of the
    page), through the HTML5 script states: ``<!--`` escapes it, and in an escaped script
    ``<script`` escapes it twice, so that a ``</script`` then does not end it."""
    state = "plain"
    while True:
        found = _SCRIPT[state].search(html, pos)
        if found is None:
            return len(html)
        token = found.group().lower()
        pos = found.end()
        if token == "<!--":
            closed = _ESCAPE_CLOSED.match(html, pos)  # <!--> and <!---> close the escape at once
            state, pos = ("escaped", pos) if closed is None else ("plain", closed.end())
        elif token.endswith(">"):  # -->
            state = "plain"
        elif token == "<script":
            state = "double"
        elif state == "double":  # </script in a doubly escaped script: escaped once again
            state = "escaped"
        else:  # </script ends it
            return found.start()
