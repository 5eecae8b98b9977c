"""What a column's name says about its values, when the schema does not: a small skewed code
set for categorical columns (status, priority, segment, flag, mode, type, ...), a range for
numbers whose name implies one (month 1–12, hour 0–23, tax, discount, UTC offset, ...), and a
default share of NULLs for nullable columns. Everything inferred is written into the schema
(`values`/`weights`, `min_value`/`max_value`, `null_ratio`), so `show` prints it and the user
can change it; anything the schema states wins."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from dwsim.schema.domains import string_length
from dwsim.schema.model import Column
from dwsim.schema.rules import FIXED_WIDTH_RULES, infer_rule
from dwsim.schema.types import INTEGER_TYPES, NUMERIC_TYPES, STRING_TYPES, DataType

# Categorical vocabularies, tried in order against the column name's trailing words. The first
# values are the most common (weights fall off as a power law); the longest forms come first
# and forms that do not fit the column's length are dropped.
_CATEGORIES: list[tuple[str, list[list[str]]]] = [
    (r"order_?status|orderstatus", [["F", "O", "P"]]),
    (r"(order_?)?priority|orderpriority",
     [["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"],
      ["high", "medium", "low", "urgent"], ["H", "M", "L", "U"]]),
    (r"mkt_?segment|market_?segment",
     [["BUILDING", "AUTOMOBILE", "MACHINERY", "HOUSEHOLD", "FURNITURE"]]),
    (r"segment", [["consumer", "corporate", "small_business", "enterprise", "public_sector"],
                  ["C", "B", "S", "E", "P"]]),
    (r"return_?flag|returnflag", [["N", "R", "A"]]),
    (r"line_?status|linestatus", [["O", "F"]]),
    (r"ship_?mode|shipmode", [["TRUCK", "MAIL", "SHIP", "AIR", "RAIL", "REG AIR", "FOB"]]),
    (r"ship_?instruct(ions?)?|shipinstruct",
     [["DELIVER IN PERSON", "NONE", "TAKE BACK RETURN", "COLLECT COD"]]),
    (r"[a-z]*status(_?(code|cd))?|lifecycle(_?stage)?",
     [["active", "inactive", "pending", "suspended", "closed", "deleted"],
      ["A", "I", "P", "S", "C", "D"]]),
    (r"gender|sex", [["female", "male", "non-binary", "unknown"], ["F", "M", "X", "U"]]),
    (r"(payment_?)?method|payment_?type", [["card", "bank_transfer", "paypal", "cash", "voucher"],
                                          ["C", "B", "P", "H", "V"]]),
    (r"channel|source|medium", [["web", "mobile_app", "store", "partner", "phone"],
                                ["W", "M", "S", "P", "T"]]),
    (r"(ship_?|delivery_?|transport_?)?mode", [["standard", "express", "pickup", "freight"],
                                               ["S", "E", "P", "F"]]),
    (r"category|department|genre",
     [["electronics", "home", "clothing", "grocery", "beauty", "sports", "toys", "books",
       "garden", "automotive"], ["E", "H", "C", "G", "B", "S", "T", "K", "D", "A"]]),
    (r"(plan|subscription|account|customer|membership)_?(type|tier|level)|tier|plan",
     [["free", "basic", "pro", "enterprise"], ["F", "B", "P", "E"]]),
    (r"(day_?of_?week|weekday|dow)(_name)?|day_name",
     [["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
      ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]]),
    (r"month(_name)?",
     [["January", "February", "March", "April", "May", "June", "July", "August", "September",
       "October", "November", "December"],
      ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]]),
    (r"quarter|qtr", [["Q1", "Q2", "Q3", "Q4"]]),
    (r"region(_name)?",
     [["EUROPE", "AMERICA", "ASIA", "AFRICA", "MIDDLE EAST"], ["EU", "AM", "AS", "AF", "ME"]]),
    (r"(is|has)_[a-z_]+|[a-z_]*flag|active|enabled|deleted", [["Y", "N"]]),
]
# Tried only when no Faker rule fits the name (postal_code and currency_code keep theirs).
_GENERIC_CATEGORIES: list[tuple[str, list[list[str]]]] = [
    (r"[a-z_]*(type|kind|class|level)",
     [["standard", "premium", "basic", "trial", "internal"], ["STD", "PRM", "BSC", "TRL", "INT"],
      ["S", "P", "B", "T", "I"]]),
]
# Short CHAR columns with no better rule are codes.
_SHORT_CODES = [["A", "B", "C", "D", "E", "F"], ["AA", "AB", "BA", "BB", "CA", "CB"],
                ["AAA", "AAB", "ABA", "BAA", "BBB", "CCC"]]
SHORT_CODE_LENGTH = 3

# Number names that imply a range: (pattern, integer range, decimal range for scale > 0).
_RANGES: list[tuple[str, tuple[int, int] | None, tuple[str, str] | None]] = [
    (r"(birth_?)?month|mon|mm", (1, 12), None),
    (r"day_?of_?month|dom|day|dd", (1, 31), None),
    (r"day_?of_?week|dow|weekday", (1, 7), None),
    (r"day_?of_?year|doy", (1, 366), None),
    (r"week(_?of_?year)?|wk", (1, 53), None),
    (r"quarter|qtr", (1, 4), None),
    (r"hour|hh|hr", (0, 23), None),
    (r"minute|min|second|sec", (0, 59), None),
    (r"age", (0, 120), None),
    (r"(utc_?|tz_?|timezone_?|time_?zone_?)offset(_?hours)?", (-12, 14), ("-12", "14")),
    (r"tax(_?rate)?", (0, 25), ("0", "0.08")),
    (r"discount(_?rate)?", (0, 50), ("0", "0.10")),
    (r"(pct|percent(age)?|ratio|rate|share)", (0, 100), ("0", "1")),
]

# Default NULL shares of nullable non-key columns, by what the name says they hold.
DEFAULT_NULL_RATIO = 0.03
_NULL_RATIOS: list[tuple[str, float]] = [
    (r"(middle_?name|address_?(line_?)?2|suffix|apt|suite|fax|nickname)", 0.6),
    (r"(deleted|cancell?ed|closed|ended|returned|refunded|archived)(_at|_on|_date)?", 0.8),
    (r"(comments?|notes?|remarks?|memo|description)", 0.2),
    (r"(updated|modified|last_(login|seen|active|visit|modified|updated|order)[a-z_]*)(_at|_on|_date)?", 0.1),
    (r"(phone|mobile|website|url)(_[a-z]+)?", 0.1),
]


def _words(name: str) -> list[str]:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower().strip("_").split("_")
    return ["_".join(words[i:]) for i in range(len(words))]


def _first_match(name: str, patterns: list[tuple]) -> tuple | None:
    """The first pattern (in the table's order) that the name or its trailing words match."""
    index = _first_index(name, id(patterns), patterns)
    return None if index is None else patterns[index]


_MATCHED: dict[tuple[str, int], int | None] = {}
_COMPILED: dict[int, list] = {}  # each pattern table's patterns, compiled once


def _first_index(name: str, key: int, patterns: list[tuple]) -> int | None:
    # Memoised: a warehouse repeats its column names across thousands of tables, and the
    # pattern tables are module constants (so their id is a stable key).
    found = _MATCHED.get((name, key), -1)
    if found != -1:
        return found
    candidates = _words(name)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = [re.compile(entry[0]).fullmatch for entry in patterns]
    found = next((i for i, matches in enumerate(compiled)
                  if any(matches(candidate) for candidate in candidates)), None)
    if len(_MATCHED) > 100_000:
        _MATCHED.clear()
    _MATCHED[(name, key)] = found
    return found


def _strip_prefix(name: str) -> list[str]:
    """The name, and without a TPC-H style one-letter table prefix (o_orderstatus → orderstatus)."""
    return [name] + ([name[2:]] if re.fullmatch(r"[a-zA-Z]_.+", name) else [])


# Rules whose values have a short standard form, and the length at which to use it.
SHORT_FORMS = {"state": (3, "state_abbr"), "country": (3, "country_code"),
               "currency_name": (3, "currency_code")}


def infer_column(column: Column, table: str, *, keyed: bool, referencing: bool) -> None:
    """Fill in what the column's name and type imply and the schema leaves open. Key columns
    keep their full domain (no code sets or ranges, no NULLs); foreign key columns get no
    NULLs unless asked (joins stay complete)."""
    # Memoised on everything _inferred reads: warehouses repeat their columns thousands of
    # times. The table counts only for names that may say "name" (region.r_name).
    values = column.values
    key = (column.name, column.data_type, column.varchar_length, column.scale,
           values if values is None else bool(values), column.faker_rule is None,
           column.min_value is None and column.max_value is None, column.null_ratio is None,
           column.required, keyed, referencing,
           table.lower() if "name" in column.name.lower() else None)
    found = _INFERRED.get(key)
    if found is None:
        if len(_INFERRED) > _INFERRED_MAX:
            _INFERRED.clear()
        found = _INFERRED[key] = _inferred(column, table, keyed, referencing)
    for field, value in found.items():
        setattr(column, field, list(value) if field == "weights" else value)


_INFERRED: dict[tuple, dict[str, Any]] = {}
_INFERRED_MAX = 32_768  # entries: a 5 MiB pg_dump export has ~13,500 distinct columns


def _inferred(column: Column, table: str, keyed: bool, referencing: bool) -> dict[str, Any]:
    """The fields infer_column sets, and their values."""
    out: dict[str, Any] = {}
    values = column.values
    if not keyed and not referencing and values is None and column.faker_rule is None:
        codes = categorical_values(column, table, _CATEGORIES)
        if codes is None and infer_rule(column.name, column.data_type, table) is None:
            codes = categorical_values(column, table, _GENERIC_CATEGORIES, short_codes=True)
        if codes is not None:
            values = codes[0]
            out.update(values=codes[0], weights=codes[1], rule_inferred=True)
    if column.faker_rule is None and not values:
        rule = infer_rule(column.name, column.data_type, table)
        if rule in FIXED_WIDTH_RULES and string_length(column) < FIXED_WIDTH_RULES[rule]:
            rule = None  # an order_guid CHAR(16) is not a UUID: leave it to the generic text
        short = SHORT_FORMS.get(rule or "")
        if short and string_length(column) <= short[0]:
            rule = short[1]  # a CHAR(2) state holds "NY", not "Ne"
        if rule:
            out.update(faker_rule=rule, rule_inferred=True)
    if not keyed and column.min_value is None and column.max_value is None and not values:
        bounds = implied_range(column)
        if bounds is not None:
            out["min_value"], out["max_value"] = bounds
    if column.null_ratio is None and not (column.required or keyed or referencing):
        out["null_ratio"] = default_null_ratio(column)
    return out


def categorical_values(column: Column, table: str, patterns: list[tuple[str, list[list[str]]]],
                       short_codes: bool = False) -> tuple[list[str], list[float]] | None:
    """A small skewed code set for a categorical text column, or None."""
    if column.data_type not in STRING_TYPES:
        return None
    length = column.varchar_length or (1 if column.data_type is DataType.CHAR else 256)
    names = _strip_prefix(column.name)
    if re.fullmatch(r"([a-z]_)?name", column.name.lower()):
        names.append(f"{table.lower()}_name")  # region.r_name is a region's name
    for name in names:
        match = _first_match(name, patterns)
        if match:
            return _fitting(match[1], length)
    if short_codes and length <= SHORT_CODE_LENGTH:  # CHAR(n) codes are n characters long
        codes = _SHORT_CODES[length - 1]
        return codes, skewed_weights(len(codes))
    return None


def _fitting(forms: list[list[str]], length: int) -> tuple[list[str], list[float]] | None:
    for values in forms:
        if all(len(v) <= length for v in values):
            return values, skewed_weights(len(values))
    return None


def skewed_weights(n: int) -> list[float]:
    """Power-law shares, most common first, rounded to 3 places and summing to 1."""
    raw = [1 / (i + 1) ** 1.1 for i in range(n)]
    total = sum(raw)
    weights = [round(w / total, 3) for w in raw]
    weights[0] = round(1 - sum(weights[1:]), 3)
    return weights


def implied_range(column: Column) -> tuple[int | Decimal, int | Decimal] | None:
    """The range a numeric column's name implies, in the column's own units, or None."""
    if column.data_type not in NUMERIC_TYPES:
        return None
    for name in _strip_prefix(column.name):
        match = _first_match(name, _RANGES)
        if match is None:
            continue
        _, whole, fraction = match
        scaled = column.data_type is DataType.DECIMAL and (column.scale or 0) > 0
        if (scaled or column.data_type not in INTEGER_TYPES | {DataType.DECIMAL}) and fraction:
            return Decimal(fraction[0]), Decimal(fraction[1])
        return whole
    return None


def default_null_ratio(column: Column) -> float:
    for name in _strip_prefix(column.name):
        match = _first_match(name, _NULL_RATIOS)
        if match:
            return match[1]
    return DEFAULT_NULL_RATIO


# The shortest column a rule's values fit without being cut (shorter forms included: a last
# name for a full name, the local part shortened for an email, the street for an address).
FITS_FROM = {"name": 6, "first_name": 5, "last_name": 6, "email": 14, "street_address": 10,
             "address": 10, "company": 6, "city": 8, "job": 12, "catch_phrase": 20, "url": 20,
             "user_name": 6, "country": 4, "state": 4, "ipv4": 15, "iban": 34}


def cut_warning(column: Column) -> str | None:
    """Why values of this text column will be cut to its length, or None when they fit."""
    if column.data_type not in STRING_TYPES or column.values or not column.faker_rule:
        return None
    need, length = FITS_FROM.get(column.faker_rule), string_length(column)
    if need is None or length >= need:
        return None
    return (f"{column.faker_rule} values need about {need} characters; this column holds "
            f"{length}, so some values are cut to fit")
