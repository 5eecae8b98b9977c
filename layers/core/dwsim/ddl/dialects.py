"""sqlglot's own dialects, with the two things the importer needs that they do not do, done
around the parser rather than inside it: sqlglot's compiled build (sqlglotc, ~1.4x faster)
refuses parser subclasses ("interpreted classes cannot inherit from compiled").

- Redshift DDL that sqlglot 30.x cannot parse is rewritten at the token level before parsing:
  the column attributes DISTKEY and SORTKEY (`id INT NOT NULL DISTKEY SORTKEY`), table-level
  `SORTKEY AUTO`, `INTERLEAVED SORTKEY (...)` and `ENCODE AUTO`. None of them matters for
  generation, so each is dropped (INTERLEAVED SORTKEY is read as a plain SORTKEY).
- Snowflake: `CREATE HYBRID TABLE` is read as a CREATE TABLE, without its INDEX items and the
  ENFORCED of its keys.
- PostgreSQL: `CREATE INDEX ... ON ONLY t` (pg_dump, for partitioned tables) is read without
  ONLY, which sqlglot 30.x does not parse there.
- Every dialect: the data type's source text is recorded as written (sqlglot normalises INT4
  to INTEGER), so the experiment keeps what the engineer wrote: `record_source_types` finds
  each column's type tokens after parsing and keeps their text only when sqlglot reads that
  text alone as the same type.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.redshift import Redshift
from sqlglot.dialects.snowflake import Snowflake
from sqlglot.errors import ParseError
from sqlglot.parser import Parser
from sqlglot.tokens import Token, TokenType

DIALECTS: dict[str, type[Dialect]] = {"redshift": Redshift, "snowflake": Snowflake,
                                      "postgres": Postgres}

_OPEN = {TokenType.L_PAREN, TokenType.L_BRACKET}
_CLOSE = {TokenType.R_PAREN, TokenType.R_BRACKET}
_WORDS_NOT_NAMES = {TokenType.STRING, TokenType.IDENTIFIER, TokenType.NUMBER}


def parser_tokens(dialect: str, tokens: list[Token]) -> list[Token]:
    """The tokens sqlglot's parser is given: for Redshift, without the storage attributes it
    cannot parse (see the module's docstring); for the other dialects, as they are."""
    if dialect == "postgres":
        return _index_on_only(tokens)
    if dialect == "snowflake":
        return _hybrid_table(tokens)
    if dialect != "redshift":
        return tokens
    kept: list[Token] = []
    depth, i, n = 0, 0, len(tokens)
    while i < n:
        token = tokens[i]
        kind = token.token_type
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            depth -= 1
        elif kind == TokenType.VAR:
            word = token.text.upper()
            after = tokens[i + 1] if i + 1 < n else None
            following = after.text.upper() if after is not None and after.token_type == TokenType.VAR else ""
            if word in ("DISTKEY", "SORTKEY"):
                if following == "AUTO":  # SORTKEY AUTO
                    i += 2
                    continue
                named = not kept or kept[-1].token_type in (TokenType.COMMA, TokenType.L_PAREN)
                if not named and (after is None or after.token_type != TokenType.L_PAREN):
                    i += 1  # a column attribute: `id INT DISTKEY SORTKEY`
                    continue
            elif word == "INTERLEAVED" and following == "SORTKEY":
                i += 1
                continue
            elif word == "ENCODE" and following == "AUTO" and depth == 0:
                i += 2
                continue
        kept.append(token)
        i += 1
    return kept


def _index_on_only(tokens: list[Token]) -> list[Token]:
    """`CREATE [UNIQUE] INDEX ... ON ONLY t` (pg_dump's form for a partitioned table) without
    ONLY, which sqlglot does not parse there; the index is the same to dw-sim."""
    if not tokens or tokens[0].token_type != TokenType.CREATE:
        return tokens
    for i, token in enumerate(tokens[:12]):
        if token.token_type == TokenType.ON:
            indexed = any(t.token_type == TokenType.INDEX for t in tokens[:i])
            if indexed and i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.ONLY:
                return tokens[:i + 1] + tokens[i + 2:]
            return tokens
    return tokens


def _hybrid_table(tokens: list[Token]) -> list[Token]:
    """Snowflake's `CREATE HYBRID TABLE` read as a CREATE TABLE: without HYBRID, its INDEX
    items (`INDEX name (cols) [INCLUDE (cols)]`) and the ENFORCED of its keys, none of which
    sqlglot 30.x parses and none of which changes the rows (its keys are kept)."""
    head = [t.text.upper() for t in tokens[:6]]
    if not head or head[0] != "CREATE" or "HYBRID" not in head:
        return tokens
    kept: list[Token] = []
    depth, i, n = 0, 0, len(tokens)
    while i < n:
        token = tokens[i]
        word = token.text.upper() if token.token_type != TokenType.STRING else ""
        if word == "HYBRID" and i + 1 < n and tokens[i + 1].text.upper() == "TABLE" and depth == 0:
            i += 1
            continue
        if depth == 1 and word == "INDEX" and kept and kept[-1].token_type == TokenType.COMMA:
            kept.pop()  # the comma before the item
            i = _skip_index_item(tokens, i)
            continue
        if word == "ENFORCED" and not (kept and kept[-1].text.upper() == "NOT"):
            i += 1
            continue
        if token.token_type in _OPEN:
            depth += 1
        elif token.token_type in _CLOSE:
            depth -= 1
        kept.append(token)
        i += 1
    return kept


def _skip_index_item(tokens: list[Token], i: int) -> int:
    """The index just past `INDEX name (cols) [INCLUDE (cols)]` starting at tokens[i]."""
    depth, n = 0, len(tokens)
    while i < n:
        kind = tokens[i].token_type
        if kind in _OPEN:
            depth += 1
        elif kind in _CLOSE:
            if depth == 0:
                return i  # the table's closing parenthesis
            depth -= 1
        elif kind == TokenType.COMMA and depth == 0:
            return i  # the next item's comma
        i += 1
    return n


def _stop_words(parser: Parser) -> frozenset[str]:
    """Words that end a column's data type: those that open a column constraint."""
    words = {key.split()[0] for key in parser.CONSTRAINT_PARSERS}
    return frozenset(words | {"CONSTRAINT", "AS", "DISTKEY", "SORTKEY"})


_STOPS: dict[type[Parser], frozenset[str]] = {}


def type_end(parser: Parser, tokens: list[Token], start: int) -> int:
    """Where the data type starting at tokens[start] ends (exclusive): at the first word,
    outside brackets, that opens a column constraint (`WITH` only when not `WITH [LOCAL]
    TIME ZONE`), or at a comma or closing bracket of the enclosing list."""
    stops = _STOPS.get(type(parser))
    if stops is None:
        stops = _STOPS[type(parser)] = _stop_words(parser)
    depth, i, n = 0, start, len(tokens)
    while i < n:
        token = tokens[i]
        kind = token.token_type
        if kind in _OPEN or kind == TokenType.LT:
            depth += 1
        elif kind in _CLOSE or kind == TokenType.GT:
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and i > start:
            if kind == TokenType.COMMA:
                return i
            word = token.text.upper() if kind not in _WORDS_NOT_NAMES else ""
            if word in stops:
                ahead = tokens[i + 1].text.upper() if i + 1 < n else ""
                if not (word == "WITH" and ahead in ("TIME", "LOCAL")):
                    return i
        i += 1
    return n


def source_type(parser: Parser, tokens: list[Token], start: int, text: str,
                kind: exp.DataType) -> str | None:
    """The text of the data type whose tokens start at tokens[start], if sqlglot reads it
    alone as `kind`; None when the scan and the parse disagree (the caller then writes the
    type out in sqlglot's words)."""
    end = type_end(parser, tokens, start)
    if end <= start:
        return None
    try:
        alone = parser.parse_into(exp.DataType, tokens[start:end], text)
    except ParseError:
        return None
    if len(alone) != 1 or alone[0] != kind:
        return None
    return text[tokens[start].start:tokens[end - 1].end + 1]


def record_source_types(parser: Parser, expression: exp.Expr, tokens: list[Token],
                        text: str) -> None:
    """Set DataType.meta['source_type'] on every column definition in a parsed statement."""
    after_name: dict[int, int] | None = None
    for definition in expression.find_all(exp.ColumnDef):
        kind = definition.args.get("kind")
        end = definition.this.meta.get("end") if isinstance(definition.this, exp.Identifier) else None
        if not isinstance(kind, exp.DataType) or "source_type" in kind.meta or end is None:
            continue
        if after_name is None:
            after_name = {token.end: i + 1 for i, token in enumerate(tokens)}
        start = after_name.get(end)
        if start is not None and start < len(tokens):
            found = source_type(parser, tokens, start, text, kind)
            if found is not None:
                kind.meta["source_type"] = found
