# dw-sim: `make demo` runs the main job on the embedded default; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_HOME := .dwsim/demo

# Every dependency, all extras, pinned for Python 3.11-3.13 on any platform: `make install` and
# the deps layer's build (layers/deps/Makefile) install within these pins.
LOCK := requirements.lock

.PHONY: install tools demo test lint bench openapi build clean lock

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e ".[test,dev,aws,infra]"
	touch $@

# Re-pin after editing pyproject.toml's dependencies (uv resolves for every platform at once;
# one version per package across Python versions).
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv; }
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --fork-strategy fewest \
		--python-version 3.11 --custom-compile-command "make lock" --quiet -o $(LOCK)

# Node tools for the infrastructure checks (asl-validator), kept out of the repository.
tools: .tools/node_modules/.bin/asl-validator

.tools/node_modules/.bin/asl-validator:
	mkdir -p .tools
	cd .tools && npm install --silent --no-audit --no-fund asl-validator@4

demo: install
	DWSIM_HOME=$(DEMO_HOME) $(BIN)/python examples/demo.py

# Parallel on every core (pytest-xdist); a module's tests stay on one worker, so each e2e
# module starts one server. `make test PYTEST_ARGS="-m unit"` runs one kind of test.
test: install tools
	$(BIN)/pytest -q -n auto --dist loadscope $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check layers functions tests bench examples

bench: install
	$(BIN)/python bench/engine_bench.py

openapi: install
	$(BIN)/python -c "import json; from dwsim.api.app import openapi_document; \
	print(json.dumps(json.loads(openapi_document()), indent=2))" > docs/openapi.json

# sam build needs a python3.12 on PATH; pyenv's is used when none is.
build: install
	PATH="$$(dirname $$(command -v python3.12 || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3.12 | tail -1)):$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/sam build

clean:
	rm -rf $(VENV) .dwsim .pytest_cache .ruff_cache tests/artifacts
