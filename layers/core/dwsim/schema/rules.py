"""Generation rules: the names a column's `faker_rule` may take, and the rule inferred from a
column's name and type when the schema gives none (so DDL gives realistic data unannotated)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from dwsim.schema.types import (
    FLOAT_TYPES,
    INTEGER_TYPES,
    NUMERIC_TYPES,
    STRING_TYPES,
    TEMPORAL_TYPES,
    DataType,
)


@dataclass(frozen=True)
class BuiltinRule:
    """A dw-sim rule for numbers and dates: a distribution plus a default range."""

    types: frozenset[DataType]
    defaults: dict[str, Any] = field(default_factory=dict)
    about: str = ""


_NUM = frozenset(NUMERIC_TYPES)
_TIME = frozenset(TEMPORAL_TYPES)
_TEXT = frozenset(STRING_TYPES)

BUILTIN_RULES: dict[str, BuiltinRule] = {
    "amount": BuiltinRule(_NUM, {"min_value": 0, "max_value": 10_000}, "money, skewed to small values"),
    "quantity": BuiltinRule(_NUM, {"min_value": 1, "max_value": 100}, "small counts, skewed low"),
    "percentage": BuiltinRule(_NUM, {"min_value": 0, "max_value": 1}, "uniform fraction"),
    "age": BuiltinRule(_NUM, {"min_value": 18, "max_value": 90}, "ages of adults"),
    "year": BuiltinRule(_NUM, {"min_value": 1990, "max_value": 2030}, "calendar years"),
    "rating": BuiltinRule(_NUM, {"min_value": 1, "max_value": 5}, "ratings"),
    "latitude": BuiltinRule(_NUM, {"min_value": -90, "max_value": 90}, "latitudes"),
    "longitude": BuiltinRule(_NUM, {"min_value": -180, "max_value": 180}, "longitudes"),
    "event_time": BuiltinRule(_TIME, {}, "uniform over the date range"),
    "birth_date": BuiltinRule(
        _TIME, {"date_start": dt.date(1950, 1, 1), "date_end": dt.date(2005, 12, 31)}, "birth dates"
    ),
    "wkt_point": BuiltinRule(_TEXT, {}, "'POINT(lon lat)' text for spatial columns"),
}

# Rules whose values have one width and cannot be shortened without breaking them.
FIXED_WIDTH_RULES = {"uuid4": 36}

# Name patterns, tried in order against the whole name and then its last words.
_STRING_PATTERNS: list[tuple[str, str]] = [
    (r"e_?mail(_address)?", "email"),
    (r"(first|given|f)_?name|fname", "first_name"),
    (r"(last|family|sur)_?name|lname|surname", "last_name"),
    (r"user_?name|login|handle", "user_name"),
    (r"(company|employer|organi[sz]ation|vendor|supplier|merchant)(_name)?", "company"),
    (r"country_?code|iso_?country", "country_code"),
    (r"country(_name)?|nation(_name)?", "country"),
    (r"(state|province)(_name)?", "state"),
    (r"city|town", "city"),
    (r"(zip|postal|post)_?(code)?|postcode", "postcode"),
    (r"(phone|mobile|telephone|fax)(_?(number|no|num))?", "phone_number"),
    (r"(street_?)?address(_?(line)?_?1)?|street|addr", "street_address"),
    (r"url|website|homepage|link", "url"),
    (r"domain(_name)?", "domain_name"),
    (r"ip(_?v4)?(_address)?", "ipv4"),
    (r"uuid|guid", "uuid4"),
    (r"currency(_code)?", "currency_code"),
    (r"colou?r", "color_name"),
    (r"job(_title)?|occupation|position", "job"),
    (r"iban", "iban"),
    (r"(full_?|customer_?|contact_?|person_?)?name", "name"),
    (r"comments?|notes?|description|remarks?|summary|text|message|body", "sentence"),
]
_NUMBER_PATTERNS: list[tuple[str, str]] = [
    (r"lat(itude)?", "latitude"),
    (r"lng|lon|long(itude)?", "longitude"),
    (r"(birth_?)?year|yr", "year"),
    (r"age", "age"),
    (r"rating|stars|score|[a-z]*priority|rank|tier|level", "rating"),
    (r"discount|tax(_rate)?|pct|percent(age)?|ratio", "percentage"),
    (r"[a-z]*qty|quantity|units|count|num_items|size", "quantity"),
    (r"amount|amt|price|total|cost|balance|acctbal|revenue|salary|fee|payment|"
     r"subtotal|spend|value|extendedprice|totalprice|retailprice|supplycost", "amount"),
]
_TIME_PATTERNS: list[tuple[str, str]] = [
    (r"(date_of_)?birth(_?date)?|dob|birthday", "birth_date"),
    (r".*_at|.*_(date|time|ts|timestamp)|created|updated|modified|timestamp|date|time",
     "event_time"),
]


def _match(name: str, patterns: list[tuple[str, str]]) -> str | None:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower().strip("_").split("_")
    # The whole name, then its trailing words ("c_phone" → "phone", "customer_email" → "email").
    candidates = ["_".join(words[i:]) for i in range(len(words))]
    for candidate in candidates:
        for pattern, rule in patterns:
            if re.fullmatch(pattern, candidate):
                return rule
    return None


# A bare "name" column means different things in different tables.
_NAME_BY_TABLE: list[tuple[str, str]] = [
    (r".*(nation|country).*", "country"),
    (r".*(region|state|province).*", "state"),
    (r".*(city|town).*", "city"),
    (r".*(supplier|vendor|company|manufacturer|merchant|brand|org|account).*", "company"),
    (r".*(product|part|item|sku|article).*", "catch_phrase"),
]


def infer_rule(name: str, data_type: DataType, table: str | None = None) -> str | None:
    """The rule a column gets from its name (and its table's) and type when none is named."""
    if data_type in STRING_TYPES:
        rule = _match(name, _STRING_PATTERNS)
        if rule == "name" and table:
            for pattern, by_table in _NAME_BY_TABLE:
                if re.fullmatch(pattern, table.lower()):
                    return by_table
        return rule
    if data_type in INTEGER_TYPES or data_type in FLOAT_TYPES or data_type is DataType.DECIMAL:
        return _match(name, _NUMBER_PATTERNS)
    if data_type in TEMPORAL_TYPES:
        return _match(name, _TIME_PATTERNS)
    return None


@functools.lru_cache(maxsize=1)
def _faker():
    from faker import Faker

    return Faker("en_US")


@functools.lru_cache(maxsize=4096)
def is_faker_rule(rule: str) -> bool:
    if rule.startswith("_") or not re.fullmatch(r"[a-z_][a-z0-9_]*", rule):
        return False
    try:
        return callable(getattr(_faker(), rule))
    except AttributeError:
        return False


def rule_problem(rule: str, data_type: DataType) -> str | None:
    """Why `rule` cannot be used on a column of `data_type`, or None when it can."""
    builtin = BUILTIN_RULES.get(rule)
    if builtin is not None:
        if data_type not in builtin.types:
            kinds = {_NUM: "numeric", _TIME: "date and timestamp", _TEXT: "text"}[builtin.types]
            return f"rule '{rule}' applies to {kinds} columns, not {data_type.value}"
        return None
    if is_faker_rule(rule):
        return None
    return (f"unknown faker_rule '{rule}': use a Faker provider method (email, city, "
            f"first_name, ...) or one of dw-sim's rules: {', '.join(BUILTIN_RULES)}")
