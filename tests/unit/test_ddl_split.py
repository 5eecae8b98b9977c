"""The cheap statement splitter agrees with sqlglot on where statements end, and gives up
(None) on anything left open so that sqlglot reports it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dwsim.ddl.dialects import DIALECTS
from dwsim.ddl.split import _split_items, split_items, split_statements, syntax_of


def statements(text: str, dialect: str = "postgres") -> list[str] | None:
    spans = split_statements(text, syntax_of(DIALECTS[dialect].tokenizer_class))
    return None if spans is None else [text[a:b].strip() for a, b in spans]


def test_semicolons_inside_strings_names_comments_and_bodies_do_not_split():
    text = ("-- a; comment\nCREATE TABLE \"a;b\" (x VARCHAR(5) DEFAULT 'p;q''r');\n"
            "/* one /* nested; */ still; */ SET x = 1;\n"
            "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN; END; $body$;\n"
            "SELECT $$ ; $$;;  -- trailing\n")
    assert statements(text) == ["CREATE TABLE \"a;b\" (x VARCHAR(5) DEFAULT 'p;q''r')",
                                "SET x = 1",
                                "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN; END; $body$",
                                "SELECT $$ ; $$"]


def test_dialect_rules_for_slash_comments_and_backslash_escapes():
    assert statements("SELECT 1 // not; a comment here\n;", "postgres") == ["SELECT 1 // not",
                                                                          "a comment here"]
    assert statements("SELECT 1 // a; comment\n;", "snowflake") == ["SELECT 1 // a; comment"]
    assert statements(r"SELECT 'it\'s; fine';", "snowflake") == [r"SELECT 'it\'s; fine'"]


@pytest.mark.parametrize("text", ["SELECT 'open;", 'CREATE TABLE "open (x INT);',
                                  "/* never closed; SELECT 1;", "SELECT $$ body;"])
def test_anything_left_open_gives_up(text):
    assert statements(text) is None


def test_only_comments_is_no_statement():
    assert statements("-- nothing\n/* here */\n;\n") == []


def test_items_split_at_top_level_commas_only():
    text = "t (a NUMERIC(10,2) DEFAULT 'x,)' , -- c, d\n b INT, CHECK (a IN (1, 2)))"
    items, close = split_items(text, 2, len(text), syntax_of(DIALECTS["redshift"].tokenizer_class))
    assert [text[a:b] for a, b in items] == ["a NUMERIC(10,2) DEFAULT 'x,)'", "b INT",
                                             "CHECK (a IN (1, 2))"]
    assert close == len(text) - 1


_PIECES = ["a", " ", "\n", "NUMBER(38,0)", "(1, (2))", ",", ")", "(", "'x,)'", "'it''s'",
           r"'b\'c'", '"q,"', '"a""b"', "-- c, d\n", "--", "/* x, ) */", "/*", "// y,\n", "/",
           "-", "-1", "$$ a, b $$", "$", "$t$ ; $t$", ";", "DEFAULT 'open", "-- a ) b,\n"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=14),
       dialect=st.sampled_from(["redshift", "snowflake", "postgres"]))
def test_items_found_by_the_one_match_per_item_path_are_the_scanners(pieces, dialect):
    """split_items reads ordinary items with one regular expression each and hands anything
    else to the token-by-token scanner: both must find the same items in any text."""
    text = "t (" + "".join(pieces) + ") tail"
    syntax = syntax_of(DIALECTS[dialect].tokenizer_class)
    assert split_items(text, 2, len(text), syntax) == _split_items(text, 2, len(text), syntax)


@pytest.mark.parametrize("inside", [
    "(-- a ) b,\n)", "(/* ) , */ x)", "(// ) ,\n y)", "('a)', \"b,(\")", "(x) -- ,\n y",
    "'it\\'s, ok', b", "(1, (2, 3))", "$$ , $$, b", "a -1, b / 2", "DEFAULT 'open"])
@pytest.mark.parametrize("dialect", ["redshift", "snowflake", "postgres"])
def test_tricky_items_agree_with_the_scanner(inside, dialect):
    text = f"t ({inside}) tail"
    syntax = syntax_of(DIALECTS[dialect].tokenizer_class)
    assert split_items(text, 2, len(text), syntax) == _split_items(text, 2, len(text), syntax)
