"""faker_rule is limited to an allowlist of value-producing Faker providers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from dwsim.engine import pools
from dwsim.schema import rules
from dwsim.schema.rules import ALLOWED_FAKER_RULES, BUILTIN_RULES, infer_rule, rule_problem
from dwsim.schema.types import DataType

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("rule", ["binary", "add_provider", "seed_instance", "seed", "image",
                                  "zip", "tar", "json", "xml", "csv", "dsv", "fixed_width",
                                  "profile", "simple_profile", "random_int", "random_element",
                                  "pystr", "date_time", "words", "__class__", "_faker"])
def test_generators_and_helpers_are_refused_naming_the_allowlist(rule):
    problem = rule_problem(rule, DataType.VARCHAR)
    assert problem is not None and problem.startswith(f"unknown faker_rule '{rule}'")
    assert "Faker allowlist" in problem and "README" in problem and "email" in problem


def test_a_near_miss_gets_a_suggestion():
    assert "did you mean email" in rule_problem("emial", DataType.VARCHAR)


def test_every_allowed_rule_makes_a_short_value_quickly():
    fake = pools._faker(7)
    slow, empty = [], []
    for rule in sorted(ALLOWED_FAKER_RULES):
        start = time.perf_counter()
        value = getattr(fake, rule)()
        elapsed = time.perf_counter() - start
        if elapsed >= 0.1:
            slow.append((rule, elapsed))
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value):
            empty.append((rule, value))
        assert rule_problem(rule, DataType.VARCHAR) is None
    assert slow == [] and empty == []


def test_every_inferred_and_suggested_rule_is_allowed():
    names = ["email", "first_name", "surname", "login", "vendor", "country_code", "nation",
             "province", "town", "zip", "mobile", "street", "website", "domain", "ip", "guid",
             "currency", "colour", "occupation", "iban", "customer_name", "comment"]
    for name in names:
        rule = infer_rule(name, DataType.VARCHAR)
        assert rule in ALLOWED_FAKER_RULES or rule in BUILTIN_RULES, (name, rule)
    for pattern_rule in {r for _, r in rules._NAME_BY_TABLE}:
        assert pattern_rule in ALLOWED_FAKER_RULES


def test_the_readme_lists_the_allowlist():
    readme = README.read_text()
    section = readme.split("### Faker rules", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z0-9_]+)`", section))
    assert ALLOWED_FAKER_RULES <= listed
