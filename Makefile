# The two commands of the README: `make generate` and `make test`.
# Both create .venv and install everything the project needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
BENCH_VENV := bench/.venv
BENCH_INSTALLED := $(BENCH_VENV)/.installed
BENCH_ARGS ?=
ORACLE_VENV := .venv-oracle
ORACLE_INSTALLED := $(ORACLE_VENV)/.installed

.PHONY: generate test test-quick check lint fuzz coverage clean bench

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

lint: $(INSTALLED)
	$(BIN)/specgen lint

# The oracle of tests/test_oracle.py (openapi-core, pinned): its own venv, as
# it needs an openapi-spec-validator older than the generator's.
$(ORACLE_INSTALLED): tests/oracle/requirements.txt
	test -x $(ORACLE_VENV)/bin/python || $(PYTHON) -m venv $(ORACLE_VENV)
	$(ORACLE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/oracle/requirements.txt
	touch $@

test: $(INSTALLED) $(NODE_INSTALLED) $(ORACLE_INSTALLED)
	$(BIN)/specgen check
	$(BIN)/black --check --quiet generated/ tests/golden/ generator/runtime/
	goldens=$$(mktemp -d) && $(BIN)/python tests/golden_runtime.py $$goldens \
	  && $(BIN)/mypy --strict --no-incremental generated/ $$goldens/*/; \
	  status=$$?; rm -rf $$goldens; exit $$status
	$(BIN)/mypy --strict --no-incremental generator/
	$(BIN)/pytest -q

# The generator's own tests, for contributors: no Prism, no corpora, no
# oracle, no pyright, not the tests inside generated/ (`make test` runs them
# all; tests/test_pyright_strict.py runs pyright --strict on the packages).
test-quick: $(INSTALLED)
	$(BIN)/mypy --strict generator/
	$(BIN)/pytest -q tests --ignore=tests/test_corpus.py --ignore=tests/test_oracle.py --ignore=tests/contract --ignore=tests/validate/test_lenient_wild.py --ignore=tests/test_pyright_strict.py

# 500 examples of the property-based fuzz (make test runs 15), 300 of the
# union fuzz (make test runs 10).
fuzz: $(INSTALLED)
	HYPOTHESIS_PROFILE=long $(BIN)/pytest -q tests/security/test_fuzz.py tests/security/test_union_fuzz.py

# Generate and check both shared corpora (Twilio and wild); write docs/coverage.md.
coverage: $(INSTALLED)
	$(BIN)/python scripts/corpus.py --report docs/coverage.md

clean:
	rm -rf $(VENV) $(ORACLE_VENV) node_modules .pytest_cache .mypy_cache

# The benchmark suite (issue 7; not part of `make test`): its own venv with the
# pinned reference tools and specgen installed from this checkout, then a run
# that writes docs/benchmarks.md and docs/benchmarks.png (5-15 minutes on 2 cores).
# `make bench BENCH_ARGS=--quick` is a short smoke run; `make bench BENCH_ARGS='--rows wild'`
# measures only the published specs of ../shared/specs/wild/ (issue 16; report in bench/.work/).
$(BENCH_INSTALLED): bench/requirements.txt pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt -e .
	touch $@

bench: $(BENCH_INSTALLED)
	$(BENCH_VENV)/bin/python -m bench.run $(BENCH_ARGS)
