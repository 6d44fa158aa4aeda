# Stadtlabor Hub: `make run` serves a node with demo content, `make test` runs the whole suite.
# Nothing but Python 3.11+ and make is needed; everything else is installed into .venv.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

NODE_NAME ?= Stadtlabor Musterstadt
NODE_CITY ?= Musterstadt
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder

.PHONY: install run test lint clean superuser demo-network bench

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Stadtlabor Hub needs Python 3.11 or newer; none was found." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py init_node --name "$(NODE_NAME)" --city "$(NODE_CITY)"
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runnode

bench: $(STAMP)
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

demo-network: $(STAMP)
	$(BIN)/python -m ops.demo_network

superuser: $(STAMP)
	$(BIN)/python manage.py createsuperuser

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)  # ruff, then the import floors of docs/architecture.md (import-linter, contracts in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache
