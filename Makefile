# resultcheck: `make demo` sets everything up and checks the bundled samples; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test setup system-deps samples clean

demo: setup  ## install everything, then check the bundled sample files
	$(BIN)/resultcheck check fixtures/samples/*/*

test: setup  ## the whole test suite (what CI runs)
	OMP_THREAD_LIMIT=1 $(BIN)/pytest -q

setup: system-deps $(VENV)/.installed

system-deps:
	./scripts/install-system-deps.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

samples: setup  ## regenerate the committed sample set (deterministic)
	rm -rf fixtures/samples
	$(BIN)/python -m fixtures.generate --out fixtures/samples --seed 1 --samples

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
