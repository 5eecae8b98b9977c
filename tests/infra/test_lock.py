"""One lock file pins every dependency: `make install` and the deps layer's build both install
within it, and it satisfies what pyproject.toml and the layer's requirements ask for (re-pin
with `make lock` after changing either)."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.template import ROOT

LOCK = ROOT / "requirements.lock"


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (spec,) = requirement.specifier  # every line is name==version
            assert spec.operator == "==", line
            pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def _wanted() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    layer = (ROOT / "layers" / "deps" / "requirements.txt").read_text().splitlines()
    return [*project["dependencies"], *(r for extra in project["optional-dependencies"].values()
                                        for r in extra),
            *(line.strip() for line in layer if line.strip() and not line.startswith("#"))]


def test_the_lock_pins_every_dependency_within_what_is_asked():
    pins = _pins()
    for text in _wanted():
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"requirements.lock pins {name}=={pins[name]}, outside {text}: run `make lock`"


def test_install_and_the_layer_build_use_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install --quiet -c \$\(LOCK\) -e", makefile)
    assert "$(VENV)/.installed: pyproject.toml $(LOCK)" in makefile
    layer = (ROOT / "layers" / "deps" / "Makefile").read_text()
    assert '-r requirements.txt -c "$(LOCK)"' in layer and "../../requirements.lock" in layer
