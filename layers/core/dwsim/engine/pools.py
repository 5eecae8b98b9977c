"""Seeded vocabularies: Faker fills a pool of values once per (seed, table, column); rows
sample the pool by index. Faker never runs per row."""

from __future__ import annotations

import functools
import json
import random

import numpy as np
import pyarrow as pa

DEFAULT_POOL_SIZE = 1024


@functools.lru_cache(maxsize=1)
def _faker_class():
    from faker import Faker

    return Faker


def _faker(seed: int):
    fake = _faker_class()("en_US")
    fake.seed_instance(seed)
    return fake


def _clip(text: str, length: int | None) -> str:
    return text if length is None else text[:length]


@functools.lru_cache(maxsize=512)
def faker_pool(rule: str, seed: int, size: int, length: int | None) -> tuple[str, ...]:
    """`size` values of a Faker provider, as text no longer than `length`: values that do not
    fit are drawn again (a country column of 25 characters gets the countries that fit), and
    only when too few fit are values cut."""
    fake = _faker(seed)
    method = getattr(fake, rule)
    values = [str(method()) for _ in range(size)]
    if length is None or all(len(v) <= length for v in values):
        return tuple(values)
    fitting = [v for v in values if len(v) <= length]
    for _ in range(3 * size):
        if len(fitting) >= size:
            break
        value = str(method())
        if len(value) <= length:
            fitting.append(value)
    if len(fitting) >= size // 8:
        return tuple(fitting[i % len(fitting)] for i in range(size))
    return tuple(_clip(v, length) for v in values)


@functools.lru_cache(maxsize=512)
def filler_pool(seed: int, size: int, length: int) -> tuple[str, ...]:
    """Text for string columns without a rule: short codes for tiny lengths, words otherwise."""
    rng = random.Random(seed)
    if length <= 4:
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        width = min(length, 2)
        return tuple("".join(rng.choice(letters) for _ in range(rng.randint(1, width)))
                     for _ in range(min(size, 26 ** width)))
    fake = _faker(seed)
    top = max(5, min(length, 60))
    return tuple(_clip(fake.text(max_nb_chars=top).rstrip("."), length) for _ in range(size))


@functools.lru_cache(maxsize=512)
def email_parts(seed: int, size: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Local parts and domains, for unique emails built as local.<unique>@domain."""
    fake = _faker(seed)
    locals_ = tuple(fake.user_name() for _ in range(size))
    domains = tuple(fake.free_email_domain() for _ in range(max(8, size // 64)))
    return locals_, domains


# Semi-structured columns: the keys an object of this name plausibly has.
_OBJECT_KEYS: list[tuple[str, tuple[str, ...]]] = [
    (r"address|location|geo", ("street", "city", "postcode", "country")),
    (r"attribute|propert|spec|feature", ("color", "size", "material", "weight_kg")),
    (r"meta|context|header|info", ("source", "version", "ip", "user_agent")),
    (r"pref|setting|config|option", ("language", "currency", "newsletter", "theme")),
    (r"payload|event|data|body|detail|raw|json|variant", ("id", "type", "status", "created_at",
                                                          "tags")),
]
_DEFAULT_KEYS = ("id", "type", "status", "created_at", "tags")


def _json_value(fake, key: str):
    makers = {
        "street": fake.street_address, "city": fake.city, "postcode": fake.postcode,
        "country": fake.country_code, "color": fake.color_name,
        "size": lambda: fake.random_element(("XS", "S", "M", "L", "XL")),
        "material": lambda: fake.random_element(("cotton", "steel", "wood", "leather", "plastic")),
        "weight_kg": lambda: fake.random_int(5, 5000) / 100,
        "source": lambda: fake.random_element(("web", "ios", "android", "api", "batch")),
        "version": lambda: f"{fake.random_int(1, 5)}.{fake.random_int(0, 20)}",
        "ip": fake.ipv4_public, "user_agent": fake.user_agent,
        "language": fake.language_code, "currency": fake.currency_code,
        "newsletter": fake.boolean, "theme": lambda: fake.random_element(("light", "dark")),
        "id": lambda: fake.random_int(1, 10**6),
        "type": lambda: fake.random_element(("click", "view", "purchase", "signup", "refund")),
        "status": lambda: fake.random_element(("ok", "pending", "failed")),
        "created_at": lambda: fake.date_time_between("-3y").isoformat(timespec="seconds"),
        "tags": lambda: fake.words(fake.random_int(0, 3)),
    }
    return makers[key]()


@functools.lru_cache(maxsize=512)
def json_pool(seed: int, size: int, name: str = "", shape: str = "object") -> tuple[str, ...]:
    """Semi-structured text: JSON arrays for ARRAY columns, objects whose keys suit the
    column's name otherwise (attributes → color, size, ...; address → street, city, ...)."""
    import re

    fake = _faker(seed)
    if shape == "array":
        def make():
            return [fake.word() for _ in range(fake.random_int(0, 4))]
    else:
        keys = next((k for pattern, k in _OBJECT_KEYS if re.search(pattern, name.lower())),
                    _DEFAULT_KEYS)

        def make():
            return {key: _json_value(fake, key) for key in keys}
    return tuple(json.dumps(make(), separators=(",", ":")) for _ in range(size))


@functools.lru_cache(maxsize=512)
def dictionary(values: tuple[str, ...]) -> tuple[pa.Array, np.ndarray]:
    """The pool's distinct values, and each pool position's index among them. Rows keep the
    pool's frequencies (Faker repeats common names) while Parquet gets a proper dictionary."""
    distinct = list(dict.fromkeys(values))
    where = {value: i for i, value in enumerate(distinct)}
    remap = np.fromiter((where[v] for v in values), dtype=np.int32, count=len(values))
    return pa.array(distinct, type=pa.string()), remap


@functools.lru_cache(maxsize=512)
def as_arrow(values: tuple[str, ...]) -> pa.Array:
    return pa.array(values, type=pa.string())
