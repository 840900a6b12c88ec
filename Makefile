# Papershelf — the two everyday commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cat pyproject.toml | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:12])")
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: run test lint typecheck contracts pytest bench bundle wheel clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	rm -f $(VENV)/.installed-* && touch $@

## Set up (first time only) and open the desktop window on your default library.
run: $(STAMP)
	$(BIN)/papershelf

## Set up (first time only) and run every check: ruff, mypy, the import contract, pytest.
test: $(STAMP) lint typecheck contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

## Measure Papershelf against its targets (QUICK=1 for a one-minute run; PAPERS=1000000 for
## the search, view and window figures on a million papers, built once into bench/.cache).
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench $(if $(QUICK),--quick,) \
	  $(if $(PAPERS),--papers $(PAPERS),) $(if $(STRIDE),--stride $(STRIDE),)

## Build the wheel and sdist into dist/.
wheel: $(STAMP)
	rm -rf dist && $(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .

## Build a one-folder app bundle with PyInstaller into dist/papershelf/, then smoke-test it.
bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/papershelf.spec
	home=$$(mktemp -d) && QT_QPA_PLATFORM=offscreen PAPERSHELF_SMOKE_TEST=1 \
	  XDG_DATA_HOME=$$home/data XDG_CONFIG_HOME=$$home/config XDG_STATE_HOME=$$home/state \
	  dist/papershelf/papershelf --library $$home/smoke.sqlite

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
