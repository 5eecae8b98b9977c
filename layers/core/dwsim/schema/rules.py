"""Generation rules: the names a column's `faker_rule` may take, and the rule inferred from a
column's name and type when the schema gives none (so DDL gives realistic data unannotated)."""

from __future__ import annotations

import datetime as dt
import difflib
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
    # Memoised: a warehouse repeats its column names across thousands of tables, and the
    # pattern tables are module constants (so their id is a stable key).
    key = (name, id(patterns))
    if key not in _MATCHED:
        if len(_MATCHED) > 100_000:
            _MATCHED.clear()
        _MATCHED[key] = _match_once(name, patterns)
    return _MATCHED[key]


_MATCHED: dict[tuple[str, int], str | None] = {}


def _match_once(name: str, patterns: list[tuple[str, str]]) -> str | None:
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


# The Faker providers a `faker_rule` may name: en_US methods that take no arguments and return
# one short text or number quickly. Anything else Faker has is refused: generators of files and
# documents (binary, image, zip, tar, json, xml, csv, dsv, fixed_width, profile, ...), methods
# that change the generator (seed_instance, add_provider, ...), helpers that need arguments or
# return lists and objects (random_*, py*, words, sentences, date_time, ...). Listed in the
# README ("Faker rules"); tests/unit/test_faker_rules.py runs every one.
FAKER_RULES: dict[str, tuple[str, ...]] = {
    "person": (
        "name", "name_female", "name_male", "name_nonbinary", "first_name",
        "first_name_female", "first_name_male", "first_name_nonbinary", "last_name",
        "last_name_female", "last_name_male", "last_name_nonbinary", "prefix", "prefix_female",
        "prefix_male", "prefix_nonbinary", "suffix", "suffix_female", "suffix_male",
        "suffix_nonbinary", "ssn", "ein", "itin", "passport_number", "language_name",
        "language_code", "locale"),
    "address": (
        "address", "street_address", "street_name", "street_suffix", "building_number",
        "secondary_address", "city", "city_prefix", "city_suffix", "state", "state_abbr",
        "administrative_unit", "postcode", "postalcode", "postalcode_plus4", "zipcode",
        "zipcode_plus4", "country", "country_code", "current_country", "current_country_code",
        "military_apo", "military_dpo", "military_ship", "military_state", "license_plate",
        "vin", "timezone"),
    "internet": (
        "email", "safe_email", "free_email", "company_email", "ascii_email",
        "ascii_safe_email", "ascii_free_email", "ascii_company_email", "free_email_domain",
        "user_name", "password", "domain_name", "domain_word", "safe_domain_name", "tld",
        "hostname", "url", "uri", "uri_path", "uri_page", "uri_extension", "slug", "ipv4",
        "ipv4_private", "ipv4_public", "ipv6", "mac_address", "port_number", "http_method",
        "http_status_code", "user_agent", "chrome", "firefox", "safari", "opera",
        "internet_explorer", "mime_type", "emoji"),
    "company and job": ("company", "company_suffix", "catch_phrase", "bs", "job", "job_female",
                        "job_male"),
    "phone": ("phone_number", "basic_phone_number", "country_calling_code", "msisdn"),
    "date and time (text)": (
        "date", "time", "iso8601", "month", "month_name", "day_of_month", "day_of_week",
        "am_pm", "century", "unix_time"),
    "lorem": ("word", "sentence", "text", "paragraph"),
    "color": ("color", "color_name", "safe_color_name", "hex_color", "safe_hex_color",
              "rgb_color", "rgb_css_color"),
    "money and banking": (
        "currency_code", "currency_name", "currency_symbol", "cryptocurrency_code",
        "cryptocurrency_name", "pricetag", "credit_card_number", "credit_card_provider",
        "credit_card_expire", "credit_card_security_code", "iban", "bban", "swift", "swift8",
        "swift11", "aba", "bank"),
    "files": ("file_name", "file_extension", "file_path", "unix_device", "unix_partition"),
    "codes and hashes": ("uuid4", "md5", "sha1", "sha256", "ean", "ean8", "ean13", "isbn10",
                         "isbn13", "upc_a", "upc_e"),
}
ALLOWED_FAKER_RULES = frozenset(rule for rules in FAKER_RULES.values() for rule in rules)


def is_faker_rule(rule: str) -> bool:
    """Whether `rule` is one of the allowed value-producing Faker providers."""
    return rule in ALLOWED_FAKER_RULES


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
    close = difflib.get_close_matches(rule, [*ALLOWED_FAKER_RULES, *BUILTIN_RULES], n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return (f"unknown faker_rule '{rule}'{hint}: use one of the {len(ALLOWED_FAKER_RULES)} "
            "value-producing Faker providers on dw-sim's Faker allowlist (listed in the README "
            "under \"Faker rules\": email, city, first_name, company, sentence, uuid4, ...) "
            f"or one of dw-sim's rules: {', '.join(BUILTIN_RULES)}")
