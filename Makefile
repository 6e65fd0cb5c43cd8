# resultcheck: `make demo` sets everything up and checks the bundled samples; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test check lint bench setup system-deps samples clean

demo: setup  ## install everything, then scan the bundled sample dossiers and check the sample files
	rm -rf out/demo && mkdir -p out/demo
	$(BIN)/resultcheck scan fixtures/dossiers/manifest.jsonl --out out/demo/verdicts.jsonl
	$(BIN)/resultcheck report out/demo/verdicts.jsonl --html out/demo/report.html
	$(BIN)/resultcheck report out/demo/verdicts.jsonl
	$(BIN)/resultcheck check fixtures/samples/*/*
	@echo "Báo cáo / report: out/demo/report.html"

test: setup lint  ## lint and types, then the whole test suite (what CI runs)
	./scripts/install-system-deps.sh --test
	OMP_THREAD_LIMIT=1 $(BIN)/pytest -q

check: setup  ## the fast tier (no OCR-heavy, service or distributed tests): a few minutes at most
	OMP_THREAD_LIMIT=1 $(BIN)/pytest -q -m "not slow"

lint: setup  ## ruff (lint and format) and strict mypy, as CI runs them
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: setup  ## accuracy, dossier and speed benchmarks -> benchmarks/RESULTS.md (~25 min on 2 cores)
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/pip install -q --no-deps 'augraphy==8.2.6'  # its metadata wants opencv-python, which would shadow the headless build
	OMP_THREAD_LIMIT=1 $(BIN)/python -m benchmarks

setup: system-deps $(VENV)/.installed

system-deps:
	./scripts/install-system-deps.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

samples: setup  ## regenerate the committed sample files and dossiers (deterministic)
	rm -rf fixtures/samples fixtures/dossiers
	$(BIN)/python -m fixtures.generate --out fixtures/samples --seed 1 --samples
	$(BIN)/python -m fixtures.dossiers --out fixtures/dossiers --count 14 --seed 11 --compact

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
