"""Checks on raw DDL text that sqlglot does not make: encoding, binary data, size, and where
an unterminated string or quoted identifier starts."""

from __future__ import annotations

from dwsim.errors import InputTooLarge, SqlSyntaxError


def check_text(sql: str | bytes, limit: int) -> str:
    """The DDL as text, or a clear error for empty, oversized, binary or non-UTF-8 input."""
    size = len(sql.encode("utf-8", "surrogatepass")) if isinstance(sql, str) else len(sql)
    if size > limit:
        raise InputTooLarge(f"the SQL is {size:,} bytes; the limit is {limit:,} bytes "
                            "(split the DDL into several experiments)")
    if isinstance(sql, bytes):
        if b"\x00" in sql:
            raise SqlSyntaxError("the input is binary data (it contains NUL bytes), not SQL text")
        try:
            text = sql.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = sql[: exc.start].count(b"\n") + 1
            column = exc.start - (sql.rfind(b"\n", 0, exc.start) + 1) + 1
            raise SqlSyntaxError(
                f"the input is not UTF-8 text: byte 0x{sql[exc.start]:02x} at offset {exc.start}; "
                "save the file as UTF-8", line=line, column=column) from None
    else:
        text = sql
        if "\x00" in text:
            raise SqlSyntaxError("the input is binary data (it contains NUL bytes), not SQL text")
    if not text.strip():
        raise SqlSyntaxError("the input is empty")
    return text


def unterminated_quote(text: str) -> tuple[int, int, str] | None:
    """(line, column, what) of a string, quoted identifier or block comment left open."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                return (*_position(text, i), "block comment")
            i = end + 2
            continue
        if ch == "$" and text.startswith("$$", i):
            end = text.find("$$", i + 2)
            if end < 0:
                return (*_position(text, i), "$$ string")
            i = end + 2
            continue
        if ch in ("'", '"', "`"):
            j = i + 1
            while True:
                j = text.find(ch, j)
                if j < 0:
                    what = "string" if ch == "'" else "quoted identifier"
                    return (*_position(text, i), what)
                if text.startswith(ch * 2, j):  # doubled quote is an escaped quote
                    j += 2
                    continue
                if ch == "'" and text[j - 1] == "\\" and not text.startswith("\\\\", j - 2):
                    j += 1
                    continue
                break
            i = j + 1
            continue
        i += 1
    return None


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
