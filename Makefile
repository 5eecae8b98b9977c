# dw-sim: `make demo` runs the main job on the embedded default; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_HOME := .dwsim/demo

.PHONY: install demo test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,dev,aws]"
	touch $@

demo: install
	DWSIM_HOME=$(DEMO_HOME) $(BIN)/python examples/demo.py

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check layers functions tests bench examples

bench: install
	$(BIN)/python bench/engine_bench.py

clean:
	rm -rf $(VENV) .dwsim .pytest_cache .ruff_cache tests/artifacts
