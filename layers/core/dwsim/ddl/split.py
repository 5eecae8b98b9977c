"""Cheap, exact-enough splitting of DDL text, so sqlglot only tokenizes what the importer reads.

sqlglot's tokenizer walks every character in Python (about a second per MiB); a warehouse
export is mostly column definitions that repeat and statements the importer skips. These
regular-expression scanners find statement boundaries and a CREATE TABLE's top-level items
while honouring what can hide a `;`, `,` or parenthesis: strings (with the dialect's
escapes), quoted identifiers, `--`/`//` and (nested) block comments, `$$` and `$tag$` bodies.
Whenever they meet something they are unsure of (an unterminated quote or comment), they
return None and the caller falls back to tokenizing the whole text with sqlglot, which
reports the problem exactly as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Syntax:
    """What a dialect's tokenizer treats as strings, identifiers and comments."""

    backslash: bool  # a backslash escapes the next character inside strings
    slash_comments: bool  # `// ...` is a line comment (Snowflake)
    nested_comments: bool  # `/* /* */ */` nests
    dollar_tags: bool  # `$tag$ ... $tag$` bodies (PostgreSQL); `$$ ... $$` everywhere


@lru_cache(maxsize=8)
def syntax_of(tokenizer_class: type) -> Syntax:
    return Syntax(backslash="\\" in tokenizer_class.STRING_ESCAPES,
                  slash_comments="//" in tokenizer_class.COMMENTS,
                  nested_comments=bool(getattr(tokenizer_class, "NESTED_COMMENTS", True)),
                  dollar_tags=bool(getattr(tokenizer_class, "HEREDOC_TAG_IS_IDENTIFIER", False)))


_SPECIAL = {True: re.compile(r"--|//|/\*|['\"$;(),]"), False: re.compile(r"--|/\*|['\"$;(),]")}
_STRING = {True: re.compile(r"'(?:[^'\\]|\\.|'')*'", re.S), False: re.compile(r"'(?:[^']|'')*'")}
_IDENT = re.compile(r'"(?:[^"]|"")*"')
_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
_COMMENT_EDGE = re.compile(r"/\*|\*/")
_NONSPACE = re.compile(r"\S")


def _skip(text: str, at: int, syntax: Syntax) -> int | None:
    """The offset just past the quoted part or comment starting at `at`, None if it is left
    open, or `at` itself when nothing special starts there."""
    ch = text[at]
    if ch == "'":
        m = _STRING[syntax.backslash].match(text, at)
        return m.end() if m else None
    if ch == '"':
        m = _IDENT.match(text, at)
        return m.end() if m else None
    if ch == "-" or ch == "/" and text.startswith("//", at):
        end = text.find("\n", at)
        return len(text) if end < 0 else end + 1
    if ch == "/":  # /* ... */
        if not syntax.nested_comments:
            end = text.find("*/", at + 2)
            return None if end < 0 else end + 2
        depth, pos = 1, at + 2
        while depth:
            m = _COMMENT_EDGE.search(text, pos)
            if m is None:
                return None
            depth += 1 if m.group() == "/*" else -1
            pos = m.end()
        return pos
    if ch == "$":
        m = _TAG.match(text, at)
        if m is None or (m.group(1) and not syntax.dollar_tags):
            return at
        end = text.find(m.group(), m.end())
        return None if end < 0 else end + len(m.group())
    return at


def split_statements(text: str, syntax: Syntax) -> list[tuple[int, int]] | None:
    """(start, end) of each statement: from its first character that is not a comment or
    white space to its `;` (excluded). None when a quote or comment is left open."""
    special = _SPECIAL[syntax.slash_comments]
    spans: list[tuple[int, int]] = []
    start = None  # where the current statement's first token starts
    pos, n = 0, len(text)
    while pos < n:
        m = special.search(text, pos)
        stop = m.start() if m else n
        if start is None:
            found = _NONSPACE.search(text, pos, stop)
            if found:
                start = found.start()
        if m is None:
            break
        token = m.group()
        if token == ";":
            if start is not None:
                spans.append((start, stop))
            start, pos = None, stop + 1
            continue
        if token in "(),":
            start = stop if start is None else start
            pos = stop + 1
            continue
        after = _skip(text, stop, syntax)
        if after is None:
            return None
        if after == stop:  # a lone `$`: ordinary text
            start = stop if start is None else start
            pos = stop + 1
            continue
        if start is None and token not in ("--", "//", "/*"):
            start = stop
        pos = after
    if start is not None:
        spans.append((start, n))
    return spans


@lru_cache(maxsize=8)
def _plain_item(syntax: Syntax) -> re.Pattern:
    """One list item that holds no comment, `$`, `;` and no parentheses nested deeper than
    one level (`NUMBER(38,0) NOT NULL COMMENT 'a, b'`): what nearly every column is."""
    string = _STRING[syntax.backslash].pattern
    slash = r"/(?![*/])" if syntax.slash_comments else r"/(?!\*)"
    inner = rf"""[^()'"$;/\-]|{string}|"(?:[^"]|"")*"|-(?!-)|{slash}"""
    return re.compile(rf"""(?:[^,()'"$;/\-]|{string}|"(?:[^"]|"")*"|-(?!-)|{slash}"""
                      rf"""|\((?:{inner})*+\))*+""", re.S)


def split_items(text: str, open_at: int, end: int, syntax: Syntax
                ) -> tuple[list[tuple[int, int]], int] | None:
    """The top-level comma-separated items of the parenthesised list opening at `open_at`
    (each as (start, end), stripped of surrounding white space and comments), and the offset
    of its closing parenthesis; None when the list is not closed before `end`."""
    plain, items, pos = _plain_item(syntax), [], open_at + 1
    while True:  # one regular-expression match per ordinary item
        stop = plain.match(text, pos, end).end()
        if stop >= end or text[stop] not in ",)":
            return _split_items(text, open_at, end, syntax)  # anything else: scan it all
        items.append((pos, stop))
        if text[stop] == ")":
            return [_strip(text, a, b, syntax) for a, b in items], stop
        pos = stop + 1


def _split_items(text: str, open_at: int, end: int, syntax: Syntax
                 ) -> tuple[list[tuple[int, int]], int] | None:
    """split_items, token by token: comments, `$` bodies and deeper nesting included."""
    special = _SPECIAL[syntax.slash_comments]
    items: list[tuple[int, int]] = []
    depth, pos, item = 0, open_at + 1, open_at + 1
    while pos < end:
        m = special.search(text, pos, end)
        if m is None:
            return None
        token, at = m.group(), m.start()
        if token == "(":
            depth += 1
        elif token == ")":
            if depth == 0:
                items.append((item, at))
                return [_strip(text, a, b, syntax) for a, b in items], at
            depth -= 1
        elif token == "," and depth == 0:
            items.append((item, at))
            item = at + 1
        elif token == ";":
            return None
        elif token != "$" or _TAG.match(text, at):
            after = _skip(text, at, syntax)
            if after is None:
                return None
            pos = max(after, at + 1)
            continue
        pos = at + 1
    return None


def _strip(text: str, start: int, end: int, syntax: Syntax) -> tuple[int, int]:
    """The span without leading white space and comments, nor trailing white space."""
    while True:
        found = _NONSPACE.search(text, start, end)
        if found is None:
            return end, end
        start = found.start()
        if text.startswith("--", start) or text.startswith("/*", start) or (
                syntax.slash_comments and text.startswith("//", start)):
            after = _skip(text, start, syntax)
            if after is None or after >= end:
                return end, end
            start = after
            continue
        break
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
