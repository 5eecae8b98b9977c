"""Turn Redshift / Snowflake / PostgreSQL CREATE TABLE DDL into an experiment schema.

The importer is stricter than sqlglot: empty, binary and non-UTF-8 input, unterminated
strings, CREATE TABLE statements sqlglot could only keep as raw commands, duplicate tables and
columns are all errors with a line and column. Whole warehouse exports import as they are
(Snowflake GET_DDL, Redshift's generated DDL, pg_dump --schema-only): besides tables, their
keys (also added later by ALTER TABLE), comments (COMMENT ON TABLE/COLUMN) and the sequences
that number a column (OWNED BY, DEFAULT nextval(...)/seq.NEXTVAL, Redshift's "identity"(...))
are read; every other statement is skipped and listed in the warnings by its kind; what
cannot be honoured exactly is a warning saying what dw-sim does instead.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from dwsim.ddl.dialects import DIALECTS, parser_tokens, record_source_types, source_type
from dwsim.ddl.revalidate import revalidated
from dwsim.ddl.scan import check_text, unterminated_quote
from dwsim.ddl.split import split_items, split_statements, syntax_of
from dwsim.ddl.types import Mapped, UnsupportedType, map_type
from dwsim.errors import InvalidInput, Problem, SchemaInvalid, SqlSyntaxError
from dwsim.gcpause import collector_paused
from dwsim.limits import DDL_SIZE_LIMIT, MAX_COLUMNS, MAX_TABLE_ROWS, MAX_TABLES, over
from dwsim.schema.model import Column, Experiment, ForeignKey, ImportWarning, Table
from dwsim.schema.names import fold, reserved_in
from dwsim.schema.problems import where
from dwsim.schema.types import INTEGER_TYPES, DataType
from dwsim.schema.validate import prepare

# sqlglot logs a warning when it falls back to a raw Command; the importer reports those itself.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

DEFAULT_TARGET_ROWS = 1000

# Column attributes that describe storage, not data: accepted and ignored for generation.
_STORAGE_CONSTRAINTS = (
    exp.EncodeColumnConstraint,
    exp.CollateColumnConstraint,
    exp.CharacterSetColumnConstraint,
    exp.CaseSpecificColumnConstraint,
)


# Column constraints whose effect is the column's own fields alone (see _Tail.fields).
_OWN_CONSTRAINTS = (exp.NotNullColumnConstraint, exp.CommentColumnConstraint,
                    exp.UniqueColumnConstraint, exp.DefaultColumnConstraint,
                    exp.GeneratedAsIdentityColumnConstraint, exp.AutoIncrementColumnConstraint,
                    *_STORAGE_CONSTRAINTS)

_PENDING = "_sequence_default"  # a column's DEFAULT expression, written out later
# Every column starts as a copy of this one (a third of the cost of model_construct; the
# experiment is validated as a whole once read).
_COLUMN = Column.model_construct(name="column", data_type=DataType.INT)

# The fast CREATE TABLE reading (see _Reader._fast_create_table) starts where these match.
_CREATE_TABLE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?"
    r"(?:(?:TEMP|TEMPORARY|TRANSIENT|VOLATILE|UNLOGGED)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)){0,2}',
    re.IGNORECASE)
_WHAT_IS_IMPORTED = ("dw-sim imports tables, their keys and comments, and the sequences that "
                     "number their columns")
_CLUSTER_BY = re.compile(r"\s+CLUSTER\s+BY\s*\(", re.IGNORECASE)
_OPEN = re.compile(r"\s*\(")
_NAME = re.compile(r'("(?:[^"]|"")+")|([A-Za-z_][A-Za-z0-9_$]*)(?![\w$])')
_NONSPACE = re.compile(r"\S")
_QUALIFIED = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))*'
_NAME_PART = re.compile(r'"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*')
_OWNER_TO = re.compile(
    r"ALTER\s+(TABLE|SEQUENCE|TYPE|FUNCTION|PROCEDURE|VIEW|SCHEMA|DATABASE|MATERIALIZED)\s+"
    r"(?:(VIEW)\s+)?(?:ONLY\s+)?" + _QUALIFIED + r"(?:\s*\([^'\";$]*?\))?\s+OWNER\s+TO\s+"
    r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*', re.IGNORECASE)
_COMMENT_ON = re.compile(r"COMMENT\s+ON\s+(TABLE|COLUMN)\s+(" + _QUALIFIED
                         + r")\s+IS\s+'((?:[^'\\]|'')*)'\s*", re.IGNORECASE)


@dataclass
class _Statement:
    tokens: list[Token]
    line: int
    col: int  # where its first token starts

    @classmethod
    def of(cls, tokens: list[Token]) -> _Statement:
        return cls(tokens, tokens[0].line, _start_col(tokens[0]))


class _Fallback(Exception):
    """The fast CREATE TABLE reading is unsure: read the statement the ordinary way."""


# pg_dump's and v_generate_tbl_ddl's keys added after the tables, and pg_dump's serial
# defaults and plain indexes: read by their text when the names are plain (_fast_alter).
_PLAIN = r"[A-Za-z_][A-Za-z0-9_$]*"
_NAMES = rf"\s*\(\s*({_PLAIN}(?:\s*,\s*{_PLAIN})*)\s*\)"
_ADD_KEY = re.compile(
    rf"ALTER\s+TABLE\s+(?:ONLY\s+)?({_QUALIFIED})\s+ADD\s+CONSTRAINT\s+{_PLAIN}\s+"
    rf"(PRIMARY\s+KEY|UNIQUE|FOREIGN\s+KEY){_NAMES}"
    rf"(?:\s+REFERENCES\s+({_QUALIFIED}){_NAMES})?\s*", re.IGNORECASE)
_SET_NEXTVAL = re.compile(
    rf"ALTER\s+TABLE\s+(?:ONLY\s+)?({_QUALIFIED})\s+ALTER\s+COLUMN\s+({_PLAIN})\s+SET\s+"
    rf"DEFAULT\s+nextval\('({_PLAIN}(?:\.{_PLAIN})?)'::regclass\)\s*", re.IGNORECASE)
_PLAIN_INDEX = re.compile(
    rf"CREATE\s+INDEX\s+{_PLAIN}\s+ON\s+(?:ONLY\s+)?{_QUALIFIED}\s+USING\s+{_PLAIN}"
    rf"{_NAMES}\s*", re.IGNORECASE)


# A column definition's last part, a COMMENT of plain text (no quote, backslash or `$`).
_LAST_COMMENT = re.compile(r"\s+COMMENT\s+'([^'\\$]*)'\s*$", re.IGNORECASE)


@dataclass
class _Tail:
    """A column definition after its name (`VARCHAR(40) NOT NULL ENCODE lzo`), parsed once
    however many columns repeat it; its nodes are shared and only read."""

    kind: exp.DataType
    constraints: list[exp.ColumnConstraint]
    # What a column with this definition holds, when that depends on the definition alone
    # (no key, reference, CHECK or warning): the column's fields and type text.
    fields: dict[str, Any] | None = None
    source: str = ""


@dataclass(slots=True)
class _Named:
    """A column the fast reading found: its name, where it starts, and its shared definition
    (no sqlglot nodes per column: they cost time to build and to collect)."""

    name: str
    quoted: bool
    line: int
    col: int
    tail: _Tail | None


@dataclass
class _Identity:
    """A column numbered by a sequence, applied once every table is read."""

    table: str
    column: str
    line: int
    sequence: str | None = None  # its name (unqualified, lower case), if it has one
    start: int | None = None
    step: int | None = None


@dataclass
class _Comment:
    """COMMENT ON TABLE / COLUMN, applied once every table is read."""

    table: str
    column: str | None
    text: str | None
    line: int


@dataclass
class _Draft:
    """A table while its DDL is read; constraints may arrive later through ALTER TABLE."""

    table: Table
    line: int
    column_lines: dict[str, int] = field(default_factory=dict)


@collector_paused()  # see gcpause.py: a third of an export's import time otherwise
def import_ddl(
    sql: str | bytes,
    name: str,
    dialect: str,
    target_rows: int | None = None,
    description: str | None = None,
    table_rows: dict[str, int] | None = None,
) -> Experiment:
    """Parse DDL into a validated Experiment (raises SqlSyntaxError, InvalidInput, SchemaInvalid).

    Every table gets `target_rows` rows (default 1000) unless `table_rows` names it."""
    if dialect not in DIALECTS:
        raise InvalidInput(f"unknown dialect '{dialect}'; use one of {', '.join(DIALECTS)}")
    table_rows = table_rows or {}
    for label, count in [("target rows", target_rows), *table_rows.items()]:
        if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
            raise InvalidInput(f"rows for {label} must be a whole number ≥ 0, not {count!r}")
        if count is not None and count > MAX_TABLE_ROWS:
            raise InvalidInput(f"rows for {label}: {over(count, MAX_TABLE_ROWS, 'rows')}")
    text = check_text(sql, DDL_SIZE_LIMIT)
    reader = _Reader(text, dialect)
    reader.read()
    names = {d.table.name for d in reader.drafts.values()}
    unknown = sorted(set(table_rows) - names)
    if unknown:
        raise InvalidInput(f"rows given for unknown table(s) {', '.join(unknown)}; the DDL defines "
                           f"{', '.join(sorted(names))}")
    rows = DEFAULT_TARGET_ROWS if target_rows is None else target_rows
    tables = []
    for draft in reader.drafts.values():
        draft.table.target_rows = table_rows.get(draft.table.name, rows)
        tables.append(draft.table)
    experiment = Experiment.model_construct(
        name=name, description=description, dialect=dialect, tables=tables,
        warnings=reader.warnings,
    )
    # Validated as if written out and read back, so an imported schema obeys the same rules
    # as JSON.
    return prepare(revalidated(experiment))


def _enum_values(create: exp.Create) -> list[str]:
    """The labels of `CREATE TYPE name AS ENUM ('a', 'b')`, or [] for other types."""
    body = create.args.get("expression")
    if not isinstance(body, exp.DataType) or body.this != exp.DType.ENUM:
        return []
    return [label.name for label in body.expressions]


class _Reader:
    def __init__(self, text: str, dialect: str):
        self.text = text
        self.dialect_name = dialect
        self.dialect = DIALECTS[dialect]()
        # One tokenizer and one parser for the whole text: each resets itself per call, and
        # making them takes longer than reading a short statement.
        self.tokenizer = self.dialect.tokenizer()
        self.parser = self.dialect.parser()
        self.drafts: dict[str, _Draft] = {}
        self.warnings: list[ImportWarning] = []
        self.skipped = 0
        self.queries: list[str] = []  # tables defined by a query (CREATE TABLE ... AS SELECT)
        self.enums: dict[str, list[str]] = {}  # PostgreSQL CREATE TYPE ... AS ENUM, by name
        # CREATE SEQUENCE by name: (start, step), and the skip warning withdrawn once a
        # column turns out to be numbered by it.
        self.sequences: dict[str, tuple[int | None, int | None]] = {}
        self.sequence_warnings: dict[str, ImportWarning] = {}
        self.identities: list[_Identity] = []
        self.comments: list[_Comment] = []
        # ALTER TABLE parent ATTACH PARTITION child: (child, quoted, parent, line)
        self.partitions: list[tuple[str, bool, str, int]] = []
        self.syntax = syntax_of(self.dialect.tokenizer_class)
        self._line, self._cursor = 1, 0  # _position's running count
        self._tails: dict[str, _Tail] = {}  # column definition text → its parse
        self._names: dict[str, tuple[TokenType, str]] = {}  # column name text → its token
        self._types: dict[str, Mapped] = {}  # a type's source text → what it maps to
        # Words that open a table element other than a column (kept as written).
        self.item_words = {w.split()[0] for w in self.dialect.parser_class.SCHEMA_UNNAMED_CONSTRAINTS} \
            | {"CONSTRAINT", "INDEX", "KEY", "FULLTEXT", "SPATIAL"}
        self._texts: dict[int, tuple[exp.Expr, str]] = {}  # see _sql
        self._pending: dict[int, tuple[Column, exp.Expr]] = {}  # defaults not written yet

    # -- statements ---------------------------------------------------------------------
    def _check_sizes(self, spans: list[tuple[int, int]]) -> None:
        """Tables and columns counted before any statement is parsed (parsing and checking
        grow with them): tables from the statements' openings; columns from the tokens of
        the CREATE TABLEs long enough to hold more than the limit (a column takes at least
        MIN_COLUMN_CHARS characters), so ordinary files tokenize nothing twice."""
        creates = [(start, end) for start, end in spans if _CREATE_TABLE.match(self.text, start, end)]
        too_many = over(len(creates), MAX_TABLES, "CREATE TABLE statements")
        if too_many:
            raise SchemaInvalid([Problem("", "limit", f"the DDL has {too_many}")])
        for start, end in creates:
            if end - start < MIN_COLUMN_CHARS * MAX_COLUMNS:
                continue
            try:
                tokens = self.tokenizer.tokenize(self.text[start:end])
            except TokenError:
                continue  # reading the statement reports it, with its position
            line = self.text.count("\n", 0, start) + 1
            _check_sizes([_Statement(tokens, line, 1)])

    def read(self) -> None:
        spans = split_statements(self.text, self.syntax)
        if spans is None:  # a quote or comment left open: sqlglot says where, exactly
            statements = self._statements()
            if not statements:
                raise SqlSyntaxError("the input holds no SQL statements (only comments or "
                                     "whitespace)")
            _check_sizes(statements)
            for statement in statements:
                self._read(statement)
        elif not spans:
            raise SqlSyntaxError("the input holds no SQL statements (only comments or whitespace)")
        else:
            self._check_sizes(spans)
        for start, end in spans or ():
            line, col = self._position(start)
            if not (_CREATE_TABLE.match(self.text, start, end) and self._fast_create_table(
                    start, end, line, col)) and not self._fast_other(start, end, line, col) \
                    and not self._fast_alter(start, end, line):
                tokens = self._tokenize(start, end)
                if tokens:
                    self._read(_Statement(tokens, line, col))
        if not self.drafts:
            defined = ""
            if self.queries:
                defined = (f"; {', '.join(self.queries)} "
                           f"{'is' if len(self.queries) == 1 else 'are'} defined by a query "
                           "(CREATE TABLE ... AS SELECT): write the columns out to import it")
            raise SqlSyntaxError(
                f"no CREATE TABLE statement with columns found ({self.skipped} other "
                f"statement(s) skipped){defined}" if self.queries else
                f"no CREATE TABLE statement found ({self.skipped} other statement(s) skipped)"
            )
        self._finish_identities()
        self._finish_comments()
        self._finish_partitions()
        self._finish_references()

    def _statements(self) -> list[_Statement]:
        try:
            tokens = self.tokenizer.tokenize(self.text)
        except TokenError as exc:
            raise self._token_error(exc) from None
        statements, current = [], []
        for token in tokens:
            if token.token_type == TokenType.SEMICOLON:
                if current:
                    statements.append(_Statement.of(current))
                current = []
            else:
                current.append(token)
        if current:
            statements.append(_Statement.of(current))
        return statements

    def _read(self, statement: _Statement) -> None:
        try:
            expression = self._parse(statement)
        except SqlSyntaxError as exc:
            if _defines_tables(statement.tokens):
                raise
            # Statements dw-sim does not read (policies, semantic views, ...) need not parse.
            where = f" at line {exc.line}, column {exc.column}" if exc.line else ""
            self._skip(statement, _statement_kind(statement.tokens),
                       f"dw-sim's SQL parser cannot read it{where}; it defines no table")
            return
        if expression is not None:
            self._dispatch(expression, statement)
            _unlink(expression)

    def _position(self, offset: int) -> tuple[int, int]:
        """Line and column of `offset`; offsets are asked for in increasing order."""
        self._line += self.text.count("\n", self._cursor, offset)
        self._cursor = offset
        return self._line, offset - self.text.rfind("\n", 0, offset)

    def _tokenize(self, start: int, end: int) -> list[Token]:
        """sqlglot's tokens of text[start:end], placed where they are in the whole text."""
        line, col = self._position(start)
        try:
            tokens = self.tokenizer.tokenize(self.text[start:end])
        except TokenError as exc:
            raise self._token_error(exc) from None
        for token in tokens:
            if token.line == 1:
                token.col += col - 1
            token.line += line - 1
            token.start += start
            token.end += start
        return tokens

    def _token_error(self, exc: TokenError) -> SqlSyntaxError:
        where = unterminated_quote(self.text)
        if where:
            return SqlSyntaxError(f"unterminated {where[2]} starting here", line=where[0],
                                  column=where[1])
        return SqlSyntaxError(f"cannot read the SQL: {exc}")

    # -- CREATE TABLE, read fast ---------------------------------------------------------
    def _fast_create_table(self, start: int, end: int, line: int, col: int) -> bool:
        """Read a CREATE TABLE without tokenizing every column definition: sqlglot parses
        the statement without its columns (keys, options and columns named by a keyword
        stay as written), and each distinct column definition text once (`_tail`). False,
        with nothing changed, whenever this is unsure; the caller then reads the statement
        the ordinary way, which also reports any error exactly as it always has."""
        marks = (len(self.warnings), len(self.identities), len(self.queries), self._line,
                 self._cursor)
        try:
            create, items = self._skeleton(start, end)
            self._create_table(create, items, statement=_Statement([], line, col))
            _unlink(create)
        except (_Fallback, ParseError, TokenError, SqlSyntaxError):
            del self.warnings[marks[0]:], self.identities[marks[1]:], self.queries[marks[2]:]
            self._line, self._cursor = marks[3], marks[4]
            return False
        return True

    def _fast_alter(self, start: int, end: int, line: int) -> bool:
        """`ALTER TABLE [ONLY] t ADD CONSTRAINT k PRIMARY KEY|UNIQUE|FOREIGN KEY (...)
        [REFERENCES p (...)]`, `... ALTER COLUMN c SET DEFAULT nextval('s'::regclass)` and
        `CREATE INDEX i ON t USING m (...)` with plain names, by their text: an export holds
        thousands. False, with nothing changed, for anything the ordinary reading must
        judge (another form, an unknown table or column, a second primary key)."""
        text = self.text
        if _PLAIN_INDEX.fullmatch(text, start, end):
            self._skip(_Statement([], line, 1), "CREATE INDEX")
            return True
        key = _ADD_KEY.fullmatch(text, start, end)
        numbered = _SET_NEXTVAL.fullmatch(text, start, end) if key is None else None
        found = key or numbered
        if found is None:
            return False
        parts = _NAME_PART.findall(found.group(1))
        if len(parts) > 3 or parts[-1].startswith('"'):
            return False
        draft = self.drafts.get(parts[-1].lower())
        if draft is None:
            return False
        if numbered is not None:
            sequence = numbered.group(3).split(".")[-1].lower()
            self.identities.append(_Identity(parts[-1], numbered.group(2), line, sequence))
            return True
        kind, names, parent, parent_names = key.group(2, 3, 4, 5)
        kind = kind.split()[0].upper()
        if (kind == "FOREIGN") != (parent is not None):
            return False
        table = draft.table
        try:
            columns = self._resolve_columns(draft, re.split(r"\s*,\s*", names), kind)
        except SqlSyntaxError:  # an unknown column: the ordinary reading says where
            return False
        if kind == "PRIMARY":
            if table.primary_key and table.primary_key != columns:
                return False
            table.primary_key = columns
        elif kind == "UNIQUE":
            self._add_unique(draft, columns)
        else:
            target = _NAME_PART.findall(parent)
            if len(target) > 3 or target[-1].startswith('"'):
                return False
            table.foreign_keys.append(ForeignKey.model_construct(
                columns=columns, ref_table=target[-1],
                ref_columns=re.split(r"\s*,\s*", parent_names)))
        return True

    def _fast_other(self, start: int, end: int, line: int, col: int) -> bool:
        """`ALTER ... OWNER TO` (skipped) and `COMMENT ON TABLE/COLUMN name IS 'text'`
        (kept), by their plain text: exports hold one or more of each per table. False
        for any other form (the ordinary reading handles it)."""
        owner = _OWNER_TO.fullmatch(self.text, start, end)
        if owner:
            kind = owner.group(1).upper()
            if kind in _TWO_WORD_KINDS and owner.group(2):
                kind = f"{kind} {owner.group(2).upper()}"
            self._skip(_Statement([], line, col), f"ALTER {kind} ... OWNER TO")
            return True
        comment = _COMMENT_ON.fullmatch(self.text, start, end)
        if comment is None:
            return False
        names = [n[1:-1].replace('""', '"') if n.startswith('"') else n
                 for n in _NAME_PART.findall(comment.group(2))]
        text = comment.group(3).replace("''", "'")
        if len(names) > (3 if comment.group(1).upper() == "TABLE" else 4):
            return False  # catalog.schema.table(.column) at most; sqlglot reads the rest
        if comment.group(1).upper() == "TABLE":
            self.comments.append(_Comment(names[-1], None, text, line))
        elif len(names) >= 2:
            self.comments.append(_Comment(names[-2], names[-1], text, line))
        else:
            return False
        return True

    def _skeleton(self, start: int, end: int) -> tuple[exp.Create, list]:
        text = self.text
        pos = _CREATE_TABLE.match(text, start, end).end()
        cluster = _CLUSTER_BY.match(text, pos, end)
        if cluster:  # Snowflake GET_DDL: `cluster by (...)` before the columns
            found = split_items(text, cluster.end() - 1, end, self.syntax)
            if found is None:
                raise _Fallback
            pos = found[1] + 1
        opening = _OPEN.match(text, pos, end)
        found = split_items(text, opening.end() - 1, end, self.syntax) if opening else None
        if found is None:
            raise _Fallback
        items, close = found
        tokens = self._tokenize(start, opening.end())
        # Per item: a column read here, or None for the next item sqlglot parsed.
        built: list[_Named | _Tail | None] = []
        written = 0  # items given to sqlglot
        for a, b in items:
            if a == b:
                raise _Fallback
            name = _NAME.match(text, a, b)
            if name is None or not name.group(1) and name.group(2).upper() in self.item_words:
                parsed = self._tokenize(a, b)  # a key, CHECK or LIKE: as written
                built.append(None)
            else:
                tail = _NONSPACE.search(text, name.end(), b)
                if tail is None or "\n" in name.group():
                    raise _Fallback
                named, parsed = self._name(name)
                definition = self._tail(tail.start(), b)
                if named is None:  # a keyword as a name: sqlglot reads `name INT`
                    built.append(definition)
                else:
                    named.tail = definition
                    built.append(named)
            if parsed:
                if written:
                    tokens.append(Token(TokenType.COMMA, ",", *self._position(a), a - 1, a - 1))
                tokens.extend(parsed)
                written += 1
        tokens.append(Token(TokenType.R_PAREN, ")", *self._position(close), close, close))
        if _NONSPACE.search(text, close + 1, end):
            tokens.extend(self._tokenize(close + 1, end))
        expressions = self.parser.parse(parser_tokens(self.dialect_name, tokens), text)
        create = expressions[0] if len(expressions) == 1 else None
        if not isinstance(create, exp.Create) or not isinstance(create.this, exp.Schema) \
                or create.args.get("expression") is not None \
                or str(create.args.get("kind", "")).upper() != "TABLE":
            raise _Fallback
        parsed_items = iter(create.this.expressions)
        merged = []
        for item in built:
            if isinstance(item, _Named):
                merged.append(item)
                continue
            node = next(parsed_items, None)
            if node is None or (item is None) == isinstance(node, exp.ColumnDef):
                raise _Fallback
            if item is not None:  # the column named by a keyword gets its real definition
                node.args["kind"], node.args["constraints"] = item.kind, item.constraints
            merged.append(node)
        if next(parsed_items, None) is not None:
            raise _Fallback
        return create, merged

    def _name(self, name: re.Match) -> tuple[_Named | None, list[Token]]:
        """A column's name (its definition still to be set) when sqlglot reads the word as a
        name anywhere, else (a keyword such as DATE or COMMENT) its token and an INT for
        sqlglot to parse."""
        text = name.group()
        kind = self._names.get(text)
        if kind is None:
            tokens = self.tokenizer.tokenize(text)
            if len(tokens) != 1:
                raise _Fallback
            kind = self._names[text] = (tokens[0].token_type, tokens[0].text)
        line, col = self._position(name.start())
        last = col + len(text) - 1
        if kind[0] in (TokenType.VAR, TokenType.IDENTIFIER):
            quoted = kind[0] == TokenType.IDENTIFIER
            # Where the name starts, as _col_of works it out for an Identifier.
            first = max(1, last - len(kind[1]) + 1 - (2 if quoted else 0))
            return _Named(kind[1], quoted, line, first, None), []
        return None, [Token(kind[0], kind[1], line, last, name.start(), name.end() - 1),
                      Token(TokenType.INT, "INT", line, last, name.start(), name.end() - 1)]

    def _tail(self, start: int, end: int) -> _Tail:
        key = self.text[start:end]
        tail = self._tails.get(key)
        if tail is not None:
            return tail
        # GET_DDL ends a column with its COMMENT, the one part that differs from column to
        # column: the rest is parsed once, and a comment of plain text becomes its node here.
        comment = _LAST_COMMENT.search(key)
        if comment is not None and comment.start() > 0:
            before = self._tail(start, start + comment.start())
            note = exp.ColumnConstraint(kind=exp.CommentColumnConstraint(
                this=exp.Literal.string(comment.group(1))))
            tail = self._tails[key] = _Tail(before.kind, [*before.constraints, note])
            return tail
        tokens = parser_tokens(self.dialect_name,
                               [Token(TokenType.VAR, "c"), *self._tokenize(start, end)])
        parsed = self.parser.parse_into(exp.ColumnDef, tokens, self.text)
        definition = parsed[0] if len(parsed) == 1 else None
        if not isinstance(definition, exp.ColumnDef) or definition.args.get("kind") is None:
            raise _Fallback
        kind = definition.args["kind"]
        written = source_type(self.parser, tokens, 1, self.text, kind)
        if written is not None:
            kind.meta["source_type"] = written
        tail = self._tails[key] = _Tail(kind, list(definition.constraints))
        _unlink(definition)
        return tail

    def _parse(self, statement: _Statement) -> exp.Expr | None:
        parser = self.parser
        tokens = parser_tokens(self.dialect_name, statement.tokens)
        try:
            expressions = parser.parse(tokens, self.text)
        except ParseError as exc:
            err = exc.errors[0] if exc.errors else {}
            message = err.get("description") or str(exc).splitlines()[0]
            highlight = err.get("highlight")
            if highlight:
                message = f"{message} near '{highlight}'"
                message += self._reserved_hint(highlight)
            raise SqlSyntaxError(message, line=err.get("line"), column=err.get("col")) from None
        expression = expressions[0] if expressions else None
        if expression is not None:
            record_source_types(self.parser, expression, tokens, self.text)
        return expression

    def _dispatch(self, expression: exp.Expr, statement: _Statement) -> None:
        kind = str(expression.args.get("kind", "")).upper()
        if isinstance(expression, exp.Create) and kind == "TABLE":
            properties = expression.args.get("properties")
            options = properties.expressions if properties is not None else []
            partition_of = next((o for o in options if isinstance(o, exp.PartitionedOfProperty)), None)
            if partition_of is not None:
                self._partition_of(expression, partition_of, statement)
            elif any(isinstance(o, exp.ExternalProperty) for o in options):
                self._skip(statement, "CREATE EXTERNAL TABLE", "an external table reads files "
                           "where they lie; dw-sim generates the tables a warehouse loads")
            elif any(isinstance(o, exp.DynamicProperty) for o in options):
                self._skip(statement, "CREATE DYNAMIC TABLE", "a dynamic table is filled by its "
                           "query; dw-sim generates the tables it reads from")
            elif not isinstance(expression.this, exp.Schema) and (
                    expression.args.get("clone") is not None
                    or any(isinstance(o, exp.LikeProperty) for o in options)):
                self._copy_table(expression, statement)
            else:
                self._create_table(expression, statement=statement)
        elif isinstance(expression, exp.Create) and kind == "INDEX" and expression.args.get("unique"):
            self._unique_index(expression, statement)
        elif isinstance(expression, exp.Create) and kind == "TYPE" and _enum_values(expression):
            self.enums[expression.this.name.lower()] = _enum_values(expression)
        elif isinstance(expression, exp.Create) and kind == "SEQUENCE":
            self._create_sequence(expression, statement)
        elif isinstance(expression, exp.Alter) and str(expression.args.get("kind", "")).upper() == "TABLE":
            self._alter_table(expression, statement)
        elif isinstance(expression, exp.Comment) and kind in ("TABLE", "COLUMN"):
            self._comment(expression, kind, statement)
        elif isinstance(expression, exp.Command):
            words = _command_words(statement.tokens)
            if words == ["CREATE", "TABLE"]:
                raise SqlSyntaxError(
                    "this CREATE TABLE uses syntax dw-sim's SQL parser does not support; "
                    "simplify the table options (the columns and keys are what matter)",
                    line=statement.line, column=statement.col)
            if words == ["ALTER", "SEQUENCE"] and self._sequence_owned_by(statement):
                return
            if words == ["ALTER", "TABLE"] and self._attach_partition(statement):
                return
            owner = " ... OWNER TO" if _has_words(statement.tokens, "OWNER", "TO") else ""
            self._skip(statement, _statement_kind(statement.tokens) + owner)
        else:
            self._skip(statement, _phrase_kind(statement.tokens) or _describe(expression))

    def _reserved_hint(self, word: str, bare: bool = False) -> str:
        """Why a parse failed at `word` when the dialect reserves it (rule reserved_word)."""
        warehouses = reserved_in(word, self.dialect_name)
        if not warehouses:
            return " (a reserved word?)" if bare else ""
        lead = "" if bare else f": '{word}' is a reserved word"
        return (f"{lead} in {warehouses[0]} (rule reserved_word), refused unquoted; quote it "
                f"(\"{word}\") to keep the name")

    def _skip(self, statement: _Statement, what: str, why: str = _WHAT_IS_IMPORTED) -> ImportWarning:
        self.skipped += 1
        warning = ImportWarning(code="statement_skipped",
                                message=f"line {statement.line}: {what} statement skipped ({why})")
        self.warnings.append(warning)
        return warning

    def warn(self, table: str | None, column: str | None, code: str, message: str) -> None:
        self.warnings.append(ImportWarning(table=table, column=column, code=code, message=message))

    # -- CREATE TABLE -------------------------------------------------------------------
    def _create_table(self, create: exp.Create, items: list | None = None, *,
                      statement: _Statement) -> None:
        """A table from its CREATE TABLE; `items` are its columns and keys when the fast
        reading found them (else the schema's expressions)."""
        schema = create.this
        table_expr = schema.this if isinstance(schema, exp.Schema) else schema
        name, quoted, qualified = _table_name(table_expr)
        line = _line_of(table_expr.this) or statement.line
        if create.args.get("expression") is not None:
            if not any(t.token_type == TokenType.ALIAS or t.text.upper() == "AS"
                       for t in statement.tokens):
                # `CREATE TABLE t (select INT)`: sqlglot reads a reserved first column name
                # as the start of a query.
                opening = next(i for i, t in enumerate(statement.tokens)
                               if t.token_type == TokenType.L_PAREN)
                word = statement.tokens[opening + 1]
                raise SqlSyntaxError(
                    f"column name '{word.text}' of table '{name}' is a reserved word"
                    f"{self._reserved_hint(word.text, bare=True)}", line=word.line,
                    column=_start_col(word))
            self.queries.append(name)
            self.warn(name, None, "create_table_as_skipped",
                      f"line {line}: table {name} is defined by a query (CREATE TABLE {name} AS "
                      "SELECT ...): its columns come from the query, so it was skipped (write "
                      "its columns out to import it)")
            return
        key = fold(name, quoted)
        if key in self.drafts:
            first = self.drafts[key]
            where = first.table.qualified_name or first.table.name
            if where.lower() != qualified.lower():  # the same name in another schema
                raise SqlSyntaxError(
                    f"table '{name}' is defined in two schemas ({where} at line {first.line}, "
                    f"{qualified} here); an experiment names each table once: import each "
                    "schema's DDL as an experiment of its own", line=line,
                    column=_col_of(table_expr.this))
            raise SqlSyntaxError(f"table '{name}' is defined twice (first at line "
                                 f"{first.line})", line=line, column=_col_of(table_expr.this))
        table = Table.model_construct(
            name=name, quoted=quoted, qualified_name=qualified if qualified != name else None,
            target_rows=0, columns=[], primary_key=[], unique=[], foreign_keys=[])
        draft = _Draft(table, line)
        if items is None:
            items = schema.expressions if isinstance(schema, exp.Schema) else []
        for item in items:
            if isinstance(item, _Named):
                self._add_column(draft, item.name, item.quoted, item.line, item.col,
                                 item.tail.kind, item.tail.constraints, item.tail)
            elif isinstance(item, exp.ColumnDef):
                self._column(draft, item)
            elif isinstance(item, exp.LikeProperty):
                self._like(draft, item, line)
            else:
                self._table_constraint(draft, item, line)
        # Table options only (walking every column's shared definition would cost more).
        options = create.args.get("properties")
        comment = next(options.find_all(exp.SchemaCommentProperty), None) if options else None
        if comment is not None:
            table.description = comment.this.name
        if not table.columns:
            raise SqlSyntaxError(f"table '{name}' has no columns", line=line, column=_col_of(table_expr.this))
        self.drafts[key] = draft

    def _column(self, draft: _Draft, definition: exp.ColumnDef) -> None:
        ident = definition.this
        self._add_column(draft, ident.name, bool(ident.args.get("quoted")), _line_of(ident),
                         _col_of(ident), definition.args.get("kind"), definition.constraints)

    def _add_column(self, draft: _Draft, name: str, quoted: bool, line: int | None,
                    col: int | None, kind: exp.DataType | None,
                    constraints: list[exp.ColumnConstraint], tail: _Tail | None = None) -> None:
        table = draft.table
        if fold(name, quoted) in draft.column_lines:
            raise SqlSyntaxError(
                f"column '{name}' is defined twice in table '{table.name}' (first at line "
                f"{draft.column_lines[fold(name, quoted)]})", line=line, column=col)
        if tail is not None and tail.fields is not None:  # worked out for an earlier column
            self._append_column(draft, name, quoted, line, tail.source, dict(tail.fields))
            return
        if kind is None:
            raise SqlSyntaxError(f"column '{name}' of table '{table.name}' has no data type",
                                 line=line, column=col)
        source = kind.meta.get("source_type") or kind.sql(self.dialect)
        enum = self._enum_of(kind)
        try:
            mapped = enum or self._types.get(source) or map_type(kind, source, self.dialect_name)
        except UnsupportedType as exc:
            raise SqlSyntaxError(f"column '{name}' of table '{table.name}': {exc}", line=line,
                                 column=col) from None
        if enum is None and kind.meta.get("source_type"):
            self._types[source] = mapped
        values: dict[str, Any] = dict(mapped.fields)
        if mapped.warning:
            self.warn(table.name, name, mapped.warning[0], mapped.warning[1])
        checks = [c.kind for c in constraints if isinstance(c.kind, exp.CheckColumnConstraint)]
        for constraint in constraints:
            if not isinstance(constraint.kind, exp.CheckColumnConstraint):
                self._column_constraint(draft, name, constraint.kind, values, line)
        if tail is not None and kind.this != exp.DType.USERDEFINED and not mapped.warning \
                and _PENDING not in values and all(isinstance(c.kind, _OWN_CONSTRAINTS)
                                                   for c in constraints):
            tail.fields, tail.source = dict(values), source
        self._append_column(draft, name, quoted, line, source, values)
        for check in checks:
            self._check(draft, check, name)

    def _append_column(self, draft: _Draft, name: str, quoted: bool, line: int | None,
                       source: str, values: dict[str, Any]) -> None:
        table = draft.table
        pending = values.pop(_PENDING, None)
        column = _COLUMN.model_copy(update={"name": name, "quoted": quoted,
                                            "source_type": source, **values})
        if pending is not None:
            self._pending[id(column)] = (column, pending)
        table.columns.append(column)
        draft.column_lines[fold(name, quoted)] = line or 0

    def _write_default(self, column: Column) -> None:
        pending = self._pending.pop(id(column), None)
        if pending is not None:
            column.default = self._sql(pending[1])

    def _sql(self, node: exp.Expr) -> str:
        """node.sql(dialect), once per node: column definitions share theirs (_Tail)."""
        known = self._texts.get(id(node))
        if known is None or known[0] is not node:
            known = self._texts[id(node)] = (node, node.sql(self.dialect))
        return known[1]

    def _enum_of(self, kind: exp.DataType):
        """A column of a PostgreSQL enum type: text holding exactly the enum's labels."""
        if kind.this != exp.DType.USERDEFINED:
            return None
        named = kind.args.get("kind")
        labels = self.enums.get((named.name if named is not None else "").lower())
        if labels is None:
            return None
        return Mapped({"data_type": DataType.VARCHAR, "values": labels,
                       "varchar_length": max(map(len, labels))})

    def _column_constraint(self, draft: _Draft, name: str, kind: exp.Expr, values: dict,
                           line: int | None) -> None:
        table = draft.table
        if isinstance(kind, exp.NotNullColumnConstraint):
            if not kind.args.get("allow_null"):
                values["required"] = True
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            if table.primary_key:
                raise SqlSyntaxError(f"table '{table.name}' declares a second primary key on "
                                     f"column '{name}'", line=line)
            table.primary_key = [name]
        elif isinstance(kind, exp.UniqueColumnConstraint):
            values["is_unique"] = True
        elif isinstance(kind, exp.Reference):
            table.foreign_keys.append(self._reference([name], kind))
        elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint | exp.AutoIncrementColumnConstraint):
            values["identity"] = True
            start, step = kind.args.get("start"), kind.args.get("increment")
            if start is not None:
                values["min_value"] = int(start.name)
            if step is not None:
                values["identity_step"] = int(step.name)
        elif isinstance(kind, exp.DefaultColumnConstraint):
            numbered = _sequence_default(kind.this, table.name, name, line or draft.line)
            if numbered is not None:
                # Written out only if the column keeps it (see _finish_identities): each
                # of Redshift's "identity"(oid, ...) defaults is different text.
                values["default"], values[_PENDING] = None, kind.this
                self.identities.append(numbered)
            else:
                values["default"] = self._sql(kind.this) if kind.this else None
        elif isinstance(kind, exp.CommentColumnConstraint):
            values["comment"] = kind.this.name if kind.this else None
        elif isinstance(kind, exp.ComputedColumnConstraint):
            self.warn(table.name, name, "computed_column",
                      "computed column: generated as independent data of its type")
        elif not isinstance(kind, _STORAGE_CONSTRAINTS):
            self.warn(table.name, name, "constraint_ignored",
                      f"column attribute {kind.sql(self.dialect) or type(kind).__name__} ignored")

    def _table_constraint(self, draft: _Draft, item: exp.Expr, line: int) -> None:
        if isinstance(item, exp.Constraint):
            for inner in item.expressions:
                self._table_constraint(draft, inner, line)
            return
        table = draft.table
        if isinstance(item, exp.PrimaryKey):
            columns = self._resolve_columns(draft, [e.name for e in item.expressions], "PRIMARY KEY")
            if table.primary_key and table.primary_key != columns:
                raise SqlSyntaxError(f"table '{table.name}' declares more than one primary key",
                                     line=_line_of(item) or line)
            table.primary_key = columns
        elif isinstance(item, exp.UniqueColumnConstraint):
            target = item.this
            names = [e.name for e in target.expressions] if isinstance(target, exp.Schema) else []
            self._add_unique(draft, self._resolve_columns(draft, names, "UNIQUE"))
        elif isinstance(item, exp.ForeignKey):
            columns = self._resolve_columns(draft, [e.name for e in item.expressions], "FOREIGN KEY")
            table.foreign_keys.append(self._reference(columns, item.args["reference"]))
        elif isinstance(item, exp.CheckColumnConstraint):
            self._check(draft, item, None)
        else:
            self.warn(table.name, None, "constraint_ignored",
                      f"table element {item.sql(self.dialect)[:80]} ignored")

    @staticmethod
    def _add_unique(draft: _Draft, columns: list[str]) -> None:
        if len(columns) == 1:
            draft.table.column(columns[0]).is_unique = True
        elif columns and columns not in draft.table.unique:
            draft.table.unique.append(columns)

    def _check(self, draft: _Draft, check: exp.CheckColumnConstraint, column: str | None) -> None:
        """A CHECK that lists values or bounds one column becomes its `values` or
        `min_value`/`max_value`; any other CHECK is reported as not enforced."""
        table = draft.table
        found = _check_rule(check.this)
        target = None
        if found is not None:
            names = {c.name.lower(): c for c in table.columns}
            target = table.column(found[0]) or names.get(found[0].lower())
        if target is not None and _apply_check(target, found[1]):
            return
        self.warn(table.name, column, "check_not_enforced",
                  f"CHECK ({check.this.sql(self.dialect)}) is not enforced; set min_value/"
                  "max_value or values on the column to constrain generated data")

    def _resolve_columns(self, draft: _Draft, names: list[str], what: str) -> list[str]:
        """Key column names as the table spells them (unquoted references are case-insensitive)."""
        by_fold = {c.name.lower(): c.name for c in draft.table.columns}
        exact = {c.name for c in draft.table.columns}
        out = []
        for name in names:
            if name in exact:
                out.append(name)
            elif name.lower() in by_fold:
                out.append(by_fold[name.lower()])
            else:
                raise SqlSyntaxError(f"{what} of table '{draft.table.name}' names unknown column "
                                     f"'{name}'", line=draft.line)
        return out

    def _reference(self, columns: list[str], reference: exp.Reference) -> ForeignKey:
        target = reference.this
        ref_columns: list[str] = []
        if isinstance(target, exp.Schema):
            ref_columns = [e.name for e in target.expressions]
            target = target.this
        ref_name, _, _ = _table_name(target)
        return ForeignKey.model_construct(columns=list(columns), ref_table=ref_name,
                                          ref_columns=ref_columns)

    def _like(self, draft: _Draft, like: exp.LikeProperty, line: int) -> None:
        source, quoted, _ = _table_name(like.this)
        other = self.drafts.get(fold(source, quoted))
        if other is None:
            raise SqlSyntaxError(f"table '{draft.table.name}' is declared LIKE '{source}', which "
                                 "is not defined earlier in this DDL; include its CREATE TABLE first",
                                 line=line)
        for column in other.table.columns:
            self._write_default(column)
            draft.table.columns.append(column.model_copy(deep=True))
            draft.column_lines[fold(column.name, column.quoted)] = line
        self.warn(draft.table.name, None, "like_copied",
                  f"columns copied from '{source}' (LIKE); its keys are not copied")

    def _copy_table(self, create: exp.Create, statement: _Statement) -> None:
        """Snowflake `CREATE TABLE t LIKE s` / `CLONE s`: t gets the columns of s when s is
        defined earlier in the DDL (as `(LIKE s)` does); otherwise it is skipped, saying so."""
        clone = create.args.get("clone")
        like = next((o for o in create.args["properties"].expressions
                     if isinstance(o, exp.LikeProperty)), None) if clone is None else None
        source = clone.this if clone is not None else like.this
        how = "CLONE" if clone is not None else "LIKE"
        name, quoted, _ = _table_name(create.this)
        if self.drafts.get(fold(*_table_name(source)[:2])) is None:
            self._skip(statement, f"CREATE TABLE ... {how}",
                       f"table '{name}' copies '{_table_name(source)[0]}', which this DDL does "
                       "not define; include its CREATE TABLE to import both")
            return
        copy = exp.Create(this=exp.Schema(this=create.this,
                                          expressions=[exp.LikeProperty(this=source)]),
                          kind="TABLE")
        self._create_table(copy, statement=statement)

    # -- ALTER TABLE ... ADD CONSTRAINT -------------------------------------------------
    def _alter_table(self, alter: exp.Alter, statement: _Statement) -> None:
        """ALTER TABLE [ONLY] t ADD CONSTRAINT ... and ALTER COLUMN c SET DEFAULT
        nextval(...) (pg_dump numbers serial columns this way); anything else is skipped."""
        name, quoted, _ = _table_name(alter.this)
        draft = self.drafts.get(fold(name, quoted))
        actions = alter.args.get("actions") or []
        numbered = [_sequence_default(a.args.get("default"), name, a.this.name, statement.line)
                    if isinstance(a, exp.AlterColumn) else None for a in actions]
        if draft is None or not actions or not all(
                isinstance(a, exp.AddConstraint | exp.ColumnDef) or n is not None
                for a, n in zip(actions, numbered, strict=True)):
            what = "ALTER TABLE ... ALTER COLUMN" if any(
                isinstance(a, exp.AlterColumn) for a in actions) else "ALTER TABLE"
            self._skip(statement, what)
            return
        for action, identity in zip(actions, numbered, strict=True):
            if identity is not None:
                self.identities.append(identity)
                continue
            if isinstance(action, exp.ColumnDef):  # ALTER TABLE t ADD [COLUMN] c type ...
                self._column(draft, action)
                continue
            for item in action.expressions:
                self._table_constraint(draft, item, statement.line)

    # -- PostgreSQL unique indexes and partitions ------------------------------------------
    def _unique_index(self, create: exp.Create, statement: _Statement) -> None:
        """CREATE UNIQUE INDEX on columns (how pg_dump writes a unique index that is not a
        constraint): a unique key of its table, enforced on every row even when the index is
        partial (WHERE ...), which is stricter. On an expression it is reported instead."""
        index = create.this
        table = index.args.get("table") if isinstance(index, exp.Index) else None
        params = index.args.get("params") if table is not None else None
        parts = [o.this if isinstance(o, exp.Ordered) else o
                 for o in (params.args.get("columns") or [])] if params is not None else []
        draft = self.drafts.get(fold(*_table_name(table)[:2])) if table is not None else None
        if draft is None or not parts:
            self._skip(statement, "CREATE INDEX")
            return
        columns = [_indexed_column(part) for part in parts]
        if None in columns:
            self.skipped += 1
            self.warn(draft.table.name, None, "unique_index_ignored",
                      f"line {statement.line}: unique index {index.name} on "
                      f"({', '.join(p.sql(self.dialect) for p in parts)[:120]}) is not "
                      "enforced: dw-sim keeps unique keys on columns, not on expressions")
            return
        self._add_unique(draft, self._resolve_columns(draft, columns, "UNIQUE INDEX"))

    def _partition_of(self, create: exp.Create, of: exp.PartitionedOfProperty,
                      statement: _Statement) -> None:
        """CREATE TABLE p PARTITION OF t ...: PostgreSQL stores t's rows in p, so p is not
        generated on its own (its rows would have to fall within its bounds)."""
        target = create.this.this if isinstance(create.this, exp.Schema) else create.this
        self._partition_skipped(_table_name(target)[0], _table_name(of.this)[0], statement.line,
                                "PARTITION OF")

    def _attach_partition(self, statement: _Statement) -> bool:
        """ALTER TABLE [ONLY] t ATTACH PARTITION p ... (how pg_dump writes partitions): p is
        dropped once every table is read (_finish_partitions). False for other ALTER TABLEs."""
        tokens = statement.tokens
        upper = [t.text.upper() for t in tokens]
        at = next((i for i in range(len(upper) - 1)
                   if upper[i] == "ATTACH" and upper[i + 1] == "PARTITION"), None)
        if at is None:
            return False
        start = 2 + (upper[2:3] == ["ONLY"]) + 2 * (upper[2:4] == ["IF", "EXISTS"])
        end = next((i for i in range(at + 2, len(upper)) if upper[i] in ("FOR", "DEFAULT")),
                   len(upper))
        try:
            parent = self.parser.parse_into(exp.Table, tokens[start:at], self.text)[0]
            child = self.parser.parse_into(exp.Table, tokens[at + 2:end], self.text)[0]
        except ParseError:
            return False
        name, quoted, _ = _table_name(child)
        self.partitions.append((name, quoted, _table_name(parent)[0], statement.line))
        return True

    def _partition_skipped(self, name: str, parent: str, line: int, how: str) -> None:
        self.skipped += 1
        self.warn(name, None, "partition_skipped",
                  f"line {line}: table '{name}' is a partition of '{parent}' ({how}): its rows "
                  f"are generated as rows of '{parent}', so load '{parent}' only")

    def _finish_partitions(self) -> None:
        """Drop the tables attached as partitions; keys that pointed at one point at its parent."""
        renamed = {}
        for name, quoted, parent, line in self.partitions:
            if self.drafts.pop(fold(name, quoted), None) is not None:
                self._partition_skipped(name, parent, line, "ATTACH PARTITION")
                renamed[name.lower()] = parent
        for draft in self.drafts.values():
            for fk in draft.table.foreign_keys:
                fk.ref_table = renamed.get(fk.ref_table.lower(), fk.ref_table)

    # -- sequences: a column numbered by a sequence is an identity -----------------------
    def _create_sequence(self, create: exp.Create, statement: _Statement) -> None:
        name = create.this.name.lower()
        props = next(create.find_all(exp.SequenceProperties), None)
        start = step = owned = None
        if props is not None:
            start = _whole(props.args.get("start"))
            step = _whole(props.args.get("increment"))
            owned = props.args.get("owned")
        self.sequences[name] = (start, step)
        if isinstance(owned, exp.Column) and owned.table:
            self.identities.append(_Identity(owned.table, owned.name, statement.line, name))
            return
        self.sequence_warnings[name] = self._skip(statement, "CREATE SEQUENCE")

    def _sequence_owned_by(self, statement: _Statement) -> bool:
        """ALTER SEQUENCE s OWNED BY t.c (pg_dump's form): column c of t is an identity."""
        texts = [t.text for t in statement.tokens]
        upper = [t.upper() for t in texts]
        if "OWNED" not in upper or len(upper) < 3:
            return False
        at = upper.index("OWNED")
        if at + 1 >= len(upper) or upper[at + 1] != "BY":
            return False
        sequence = [t for t in texts[2:at] if t != "."]
        target = [t for t in texts[at + 2:] if t != "."]
        if not sequence or len(target) < 2:
            return False  # OWNED BY NONE
        self.identities.append(_Identity(target[-2], target[-1], statement.line, sequence[-1].lower()))
        return True

    def _tables_by_name(self) -> tuple[dict[str, Table], dict[str, Table]]:
        """Tables by their name (the first of a spelling) and by its lower case (the last)."""
        exact: dict[str, Table] = {}
        for draft in self.drafts.values():
            exact.setdefault(draft.table.name, draft.table)
        return exact, {d.table.name.lower(): d.table for d in self.drafts.values()}

    def _finish_identities(self) -> None:
        exact, by_lower = self._tables_by_name()
        used: set[str] = set()
        for identity in self.identities:
            table = exact.get(identity.table) or by_lower.get(identity.table.lower())
            column = None
            if table is not None:
                column = table.column(identity.column) or next(
                    (c for c in table.columns if c.name.lower() == identity.column.lower()), None)
            where = f"line {identity.line}: the sequence" + (
                f" {identity.sequence}" if identity.sequence else "")
            if column is None:
                self.warn(identity.table, identity.column, "sequence_ignored",
                          f"{where} numbers {identity.table}.{identity.column}, which is not a "
                          "column of a table in this DDL; ignored")
                continue
            if column.data_type not in INTEGER_TYPES and not (
                    column.data_type is DataType.DECIMAL and not column.scale):
                self.warn(table.name, column.name, "sequence_ignored",
                          f"{where} numbers {table.name}.{column.name}, a "
                          f"{column.source_type or column.data_type.value} column; only integer "
                          "columns are generated as identities, so it is generated as data")
                continue
            if identity.sequence:
                used.add(identity.sequence)
            start, step = identity.start, identity.step
            if identity.sequence in self.sequences:
                known = self.sequences[identity.sequence]
                start = known[0] if start is None else start
                step = known[1] if step is None else step
            column.identity = True
            column.default = None  # the sequence call itself: the identity says it all
            self._pending.pop(id(column), None)
            if start is not None and column.min_value is None:
                column.min_value = start
            if step:
                column.identity_step = step
        for column, _ in list(self._pending.values()):
            self._write_default(column)
        withdrawn = {id(w) for name, w in self.sequence_warnings.items() if name in used}
        if withdrawn:
            self.warnings = [w for w in self.warnings if id(w) not in withdrawn]
            self.skipped -= len(withdrawn)

    # -- COMMENT ON TABLE / COLUMN ----------------------------------------------------------
    def _comment(self, comment: exp.Comment, kind: str, statement: _Statement) -> None:
        target = comment.this
        text = comment.args.get("expression")
        text = text.name if isinstance(text, exp.Literal) else None
        if kind == "TABLE":
            name, _, _ = _table_name(target)
            self.comments.append(_Comment(name, None, text, statement.line))
        elif isinstance(target, exp.Column) and target.table:
            self.comments.append(_Comment(target.table, target.name, text, statement.line))
        else:
            self._skip(statement, f"COMMENT ON {kind}")

    def _finish_comments(self) -> None:
        exact, by_lower = self._tables_by_name()
        for comment in self.comments:
            table = exact.get(comment.table) or by_lower.get(comment.table.lower())
            if table is not None and comment.column is None:
                table.description = comment.text
                continue
            column = None
            if table is not None:
                column = table.column(comment.column) or next(
                    (c for c in table.columns if c.name.lower() == comment.column.lower()), None)
            if column is not None:
                column.comment = comment.text
                continue
            what = comment.table + (f".{comment.column}" if comment.column else "")
            self.warn(comment.table, comment.column, "comment_ignored",
                      f"line {comment.line}: COMMENT ON {'COLUMN' if comment.column else 'TABLE'} "
                      f"{what} names no table or column in this DDL; ignored")

    def _finish_references(self) -> None:
        """Point each foreign key at its parent's declared spelling (unquoted names are
        case-insensitive), so `REFERENCES Orders(O_ID)` finds `orders.o_id`."""
        exact, by_lower = self._tables_by_name()
        for draft in self.drafts.values():
            for fk in draft.table.foreign_keys:
                parent = exact.get(fk.ref_table) or by_lower.get(fk.ref_table.lower())
                if parent is None:
                    continue
                fk.ref_table = parent.name
                spelled = {c.name.lower(): c.name for c in parent.columns}
                fk.ref_columns = [c if parent.column(c) else spelled.get(c.lower(), c)
                                  for c in fk.ref_columns]


# -- CHECK constraints as rules ----------------------------------------------------------------
_BOUNDS = {exp.GTE: "ge", exp.GT: "gt", exp.LTE: "le", exp.LT: "lt"}
_FLIPPED = {"ge": "le", "gt": "lt", "le": "ge", "lt": "gt"}


def _bare(node: exp.Expr) -> exp.Expr:
    """The node without parentheses and casts (pg_dump writes `((role)::text = ...)`)."""
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return node


def _indexed_column(part: exp.Expr) -> str | None:
    """The column a unique index part keys: `email`, `(email)::text`, or `lower(email)` /
    `upper(email)` (dw-sim's unique text values differ in a code of one letter case, so they
    stay distinct when case is folded); None for any other expression."""
    part = _bare(part)
    if isinstance(part, exp.Lower | exp.Upper):
        part = _bare(part.this)
    return part.name if isinstance(part, exp.Column) else None


def _literal(node: exp.Expr) -> str | int | Decimal | None:
    node = _bare(node)
    if isinstance(node, exp.Neg):
        inner = _literal(node.this)
        return -inner if isinstance(inner, int | Decimal) else None
    if not isinstance(node, exp.Literal):
        return None
    if node.is_string:
        return node.this
    number = Decimal(node.this)
    return int(number) if number == number.to_integral_value() and "." not in node.this else number


def _check_rule(node: exp.Expr) -> tuple[str, dict] | None:
    """(column, {"values": [...]} or {"bounds": [(op, number), ...]}) for the CHECK forms
    dw-sim can honour: IN, = ANY (ARRAY[...]), BETWEEN, comparisons with a literal and ANDs
    of those on one column; None for anything else."""
    node = _bare(node)
    if isinstance(node, exp.And):
        left, right = _check_rule(node.this), _check_rule(node.expression)
        if left and right and left[0] == right[0] and "bounds" in left[1] and "bounds" in right[1]:
            return left[0], {"bounds": left[1]["bounds"] + right[1]["bounds"]}
        return None
    if isinstance(node, exp.In) and isinstance(_bare(node.this), exp.Column) \
            and not node.args.get("query"):
        values = [_literal(e) for e in node.expressions]
        return (_bare(node.this).name, {"values": values}) if None not in values else None
    if isinstance(node, exp.EQ) and isinstance(_bare(node.this), exp.Column) \
            and isinstance(node.expression, exp.Any):
        array = _bare(node.expression.this)
        if isinstance(array, exp.Array):
            values = [_literal(e) for e in array.expressions]
            return (_bare(node.this).name, {"values": values}) if None not in values else None
        return None
    if isinstance(node, exp.Between) and isinstance(_bare(node.this), exp.Column):
        low, high = _literal(node.args["low"]), _literal(node.args["high"])
        if isinstance(low, int | Decimal) and isinstance(high, int | Decimal):
            return _bare(node.this).name, {"bounds": [("ge", low), ("le", high)]}
        return None
    op = _BOUNDS.get(type(node))
    if op is None:
        return None
    left, right = _bare(node.this), _bare(node.expression)
    if isinstance(left, exp.Column) and isinstance(_literal(right), int | Decimal):
        return left.name, {"bounds": [(op, _literal(right))]}
    if isinstance(right, exp.Column) and isinstance(_literal(left), int | Decimal):
        return right.name, {"bounds": [(_FLIPPED[op], _literal(left))]}
    return None


def _apply_check(column: Column, rule: dict) -> bool:
    """Write the CHECK's rule into the column; False when the column cannot take it."""
    if "values" in rule:
        values = rule["values"]
        texts = column.data_type in (DataType.VARCHAR, DataType.CHAR)
        if texts != all(isinstance(v, str) for v in values):
            return False
        column.values = list(dict.fromkeys(values))
        return True
    if column.data_type not in INTEGER_TYPES | {DataType.DECIMAL}:
        return False  # a strict bound on a float has no next value; dates are not numbers here
    # A strict bound moves to the next value the column holds: +1 on integers, one unit of the
    # scale on decimals (CHECK (qty > 0) on an INT is min_value 1).
    step = 1 if column.data_type in INTEGER_TYPES else Decimal(1).scaleb(-(column.scale or 0))
    for op, value in rule["bounds"]:
        if op in ("gt", "lt") and column.data_type in INTEGER_TYPES and not isinstance(value, int):
            return False
        if op in ("ge", "gt"):
            low = value + step if op == "gt" else value
            column.min_value = low if column.min_value is None else max(column.min_value, low)
        else:
            high = value - step if op == "lt" else value
            column.max_value = high if column.max_value is None else min(column.max_value, high)
    return True


# -- sequences and statement kinds ---------------------------------------------------------
def _whole(node: exp.Expr | None) -> int | None:
    value = _literal(node) if node is not None else None
    return value if isinstance(value, int) else None


def _sequence_default(default: exp.Expr | None, table: str, column: str,
                      line: int) -> _Identity | None:
    """The sequence a column default draws from: PostgreSQL `nextval('s'::regclass)`,
    Snowflake `s.NEXTVAL`, Redshift's generated `"identity"(oid, 0, 'start,step'::text)`."""
    node = _bare(default) if default is not None else None
    if isinstance(node, exp.Column) and node.name.upper() == "NEXTVAL" and node.table:
        return _Identity(table, column, line, node.table.lower())
    if not isinstance(node, exp.Anonymous | exp.Func):
        return None
    function = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
    args = node.expressions if isinstance(node, exp.Anonymous) else [node.this]
    if function == "nextval" and args:
        name = _literal(args[0])
        if isinstance(name, str) and name:
            return _Identity(table, column, line, name.split(".")[-1].strip('"').lower())
    if function == "identity" and len(args) == 3:
        spec = _literal(args[2])
        parts = spec.split(",") if isinstance(spec, str) else []
        try:
            start, step = (int(parts[0]), int(parts[1])) if len(parts) == 2 else (None, None)
        except ValueError:
            start, step = None, None
        return _Identity(table, column, line, None, start, step)
    return None


_CREATE_MODIFIERS = {"OR", "REPLACE", "SECURE", "TRANSIENT", "TEMPORARY", "TEMP", "VOLATILE",
                     "GLOBAL", "LOCAL", "UNLOGGED", "RECURSIVE", "IF", "NOT", "EXISTS"}
_TWO_WORD_KINDS = {"FILE", "MATERIALIZED", "EXTERNAL", "DYNAMIC", "EVENT", "NETWORK", "STORAGE",
                   "NOTIFICATION", "API", "ROW", "MASKING", "RESOURCE", "FOREIGN", "HYBRID",
                   "ICEBERG", "DEFAULT", "TEXT", "ACCESS", "PASSWORD", "SESSION", "AUTHENTICATION"}


# Statements the importer reads: a parse failure in one of these is an error; any other
# statement that sqlglot cannot parse is skipped with a warning.
_READ_KINDS = {("CREATE", "TABLE"), ("CREATE", "HYBRID TABLE"), ("CREATE", "TYPE"),
               ("CREATE", "SEQUENCE"), ("ALTER", "TABLE"), ("ALTER", "SEQUENCE")}
# Object kinds of more than one word, as warehouses name them (longest first).
_KIND_PHRASES = sorted({
    "ROW ACCESS POLICY", "MASKING POLICY", "PROJECTION POLICY", "AGGREGATION POLICY",
    "JOIN POLICY", "PRIVACY POLICY", "AUTHENTICATION POLICY", "PASSWORD POLICY",
    "SESSION POLICY", "NETWORK POLICY", "PACKAGES POLICY", "DATA METRIC FUNCTION",
    "EXTERNAL ACCESS INTEGRATION", "API INTEGRATION", "STORAGE INTEGRATION",
    "NOTIFICATION INTEGRATION", "SECURITY INTEGRATION", "CATALOG INTEGRATION",
    "CORTEX SEARCH SERVICE", "GIT REPOSITORY", "IMAGE REPOSITORY", "COMPUTE POOL",
    "DBT PROJECT", "SEMANTIC VIEW", "MATERIALIZED VIEW", "FILE FORMAT", "NETWORK RULE",
    "RESOURCE MONITOR", "EXTERNAL VOLUME", "DEFAULT PRIVILEGES"}, key=lambda p: -len(p.split()))


def _statement_kind(tokens: list[Token]) -> str:
    """What a statement makes, in its own words: `CREATE ROW ACCESS POLICY`, `COMMENT ON
    CONSTRAINT`, `ALTER SESSION`, `ANALYZE`."""
    return _phrase_kind(tokens) or " ".join(_command_words(tokens)) or "statement"


def _phrase_kind(tokens: list[Token]) -> str | None:
    """`COMMENT ON <kind>`, or a verb and an object kind of several words; None otherwise."""
    words = [t.text.upper() for t in tokens[:3]]
    if words[:2] == ["COMMENT", "ON"] and len(words) > 2:
        return f"COMMENT ON {words[2]}"
    kind = _command_words(tokens)
    return " ".join(kind) if kind[1:] and kind[1] in _KIND_PHRASES else None


def _defines_tables(tokens: list[Token]) -> bool:
    """Whether the importer reads this kind of statement (so it must parse)."""
    words = [t.text.upper() for t in tokens[:4]]
    if words[:2] == ["COMMENT", "ON"]:
        return words[2:3] in (["TABLE"], ["COLUMN"])
    kind = tuple(_command_words(tokens)[:2])
    return kind in _READ_KINDS or (kind[:1] == ("CREATE",) and "UNIQUE" in words[:3])


_NOT_A_COLUMN = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "LIKE", "EXCLUDE"}


MIN_COLUMN_CHARS = 4  # "a b," : the shortest column definition and its comma


def _check_sizes(statements: list[_Statement]) -> None:
    """Tables and columns counted in the tokens, before any statement is parsed: parsing and
    checking grow with them (a 1 MiB table of 100,000 columns would take minutes)."""
    creates = [s for s in statements if _command_words(s.tokens) == ["CREATE", "TABLE"]]
    too_many = over(len(creates), MAX_TABLES, "CREATE TABLE statements")
    if too_many:
        raise SchemaInvalid([Problem("", "limit", f"the DDL has {too_many}")])
    for statement in creates:
        name, columns = _column_count(statement.tokens)
        too_many = over(columns, MAX_COLUMNS, "columns")
        if too_many:
            raise SchemaInvalid([Problem(where(name), "limit", f"table '{name}' (line "
                                         f"{statement.line}) has {too_many}")])


def _column_count(tokens: list[Token]) -> tuple[str, int]:
    """The table's name (as written) and the entries of its first parenthesised list that
    are not constraints."""
    depth, name, count, entry_start = 0, "", 0, False
    for token in tokens:
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            depth += 1
            entry_start = depth == 1
            continue
        if kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                break
            continue
        if depth == 0:
            name = token.text
        elif depth == 1 and kind == TokenType.COMMA:
            entry_start = True
        elif entry_start:
            # "PRIMARY KEY" is one token; a quoted name is never a keyword
            count += (kind == TokenType.IDENTIFIER
                      or token.text.split(" ")[0].upper() not in _NOT_A_COLUMN)
            entry_start = False
    return name, count


def _command_words(tokens: list[Token]) -> list[str]:
    """A raw statement's verb and object kind: ["CREATE", "STREAM"], ["ALTER", "TABLE"],
    ["CREATE", "FILE FORMAT"], ["SET"]; TEMPORARY, OR REPLACE, IF NOT EXISTS are left out."""
    words = [t.text.upper() for t in tokens[:10]]
    if not words:
        return []
    verb, rest = words[0], words[1:]
    if verb not in ("CREATE", "ALTER", "DROP"):
        return [verb]
    rest = [w for w in rest if w not in _CREATE_MODIFIERS] if verb == "CREATE" else rest
    if not rest:
        return [verb]
    for phrase in _KIND_PHRASES:
        if rest[:len(phrase.split())] == phrase.split():
            return [verb, phrase]
    if rest[0] in _TWO_WORD_KINDS and len(rest) > 1:
        return [verb, f"{rest[0]} {rest[1]}"]
    return [verb, rest[0]]


def _has_words(tokens: list[Token], *words: str) -> bool:
    upper = [t.text.upper() for t in tokens]
    return any(upper[i:i + len(words)] == list(words) for i in range(len(upper)))


def _table_name(table: exp.Expr) -> tuple[str, bool, str]:
    ident = table.this if isinstance(table, exp.Table) else table
    name = ident.name
    quoted = bool(getattr(ident, "args", {}).get("quoted"))
    parts = [_identifier_sql(p) for p in (table.args.get("catalog"), table.args.get("db"))
             if p is not None] if isinstance(table, exp.Table) else []
    qualified = ".".join([*parts, _identifier_sql(ident)]) if parts else name
    return name, quoted, qualified


def _identifier_sql(node: exp.Expr) -> str:
    """`node.sql()` for a plain identifier, without the generator's copy of the tree."""
    if isinstance(node, exp.Identifier) and isinstance(node.this, str):
        return f'"{node.this.replace(chr(34), chr(34) * 2)}"' if node.args.get("quoted") \
            else node.this
    return node.sql()


def _describe(expression: exp.Expr) -> str:
    kind = expression.args.get("kind") if isinstance(expression, exp.Create | exp.Comment) else None
    base = type(expression).__name__.upper()
    return f"{base} {str(kind).upper()}" if kind else base


def _unlink(tree: exp.Expr) -> None:
    """Drop the links from each node of a tree the importer is done with to its parent, so
    reference counting frees the tree at once: with the collector paused (gcpause.py),
    cyclic trees would pile up until the import ends, then cost a collection to free."""
    for node in tree.walk():
        node.parent = None


def _line_of(node: exp.Expr | None) -> int | None:
    return node.meta.get("line") if node is not None and hasattr(node, "meta") else None


def _col_of(node: exp.Expr | None) -> int | None:
    if node is None or not node.meta.get("line"):
        return None
    # sqlglot records the column where the token ends; report where it starts.
    return max(1, node.meta["col"] - len(node.name) + 1 - (2 if node.args.get("quoted") else 0))


def _start_col(token: Token) -> int:
    return max(1, token.col - len(token.text) + 1)
