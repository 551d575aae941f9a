# The two commands of the README: `make generate` and `make test`.
# Both create .venv and install everything the project needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed

.PHONY: generate test check fuzz clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

generate: $(INSTALLED)
	$(BIN)/specgen generate

check: $(INSTALLED)
	$(BIN)/specgen check

test: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/specgen check
	$(BIN)/black --check --quiet generated/ tests/golden/ generator/runtime/
	$(BIN)/mypy --strict --no-incremental generated/ $(wildcard tests/golden/*/expected/)
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache
