# Two commands: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
HOST ?= 127.0.0.1:8000
# uv, whichever answers `--version`: the one on PATH (a pyenv shim for a missing uv is on PATH
# and then fails, so finding it is not enough), else `python -m uv`, else a private copy in
# .tools/, installed with `pip --target` (nothing written to the system's Python, so Debian's
# PEP 668 refusal does not apply).
UV_PRIVATE := .tools/uv/bin/uv
UV := $(shell if uv --version >/dev/null 2>&1; then echo uv; \
	elif $(PYTHON) -m uv --version >/dev/null 2>&1; then echo "$(PYTHON) -m uv"; \
	else echo $(UV_PRIVATE); fi)

.PHONY: install run test lint format bench

VNU := node_modules/vnu-jar/build/dist/vnu.jar

install: $(filter $(UV_PRIVATE),$(UV)) $(if $(shell command -v npm),$(VNU))
	$(UV) sync --frozen

# The Nu Html Checker the browser tests run, from npm (pinned in package-lock.json). Without
# npm it is skipped, and the tests say so (or fail, with GRUUV_REQUIRE_BROWSER=1).
$(VNU): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(UV_PRIVATE):
	@echo "Installing uv into .tools/ (no usable uv found)…"
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools/uv uv
	$(UV_PRIVATE) --version

# The server, the task worker (mail, notifications) and the scheduler (the weekly digest) in
# one command: Ctrl-C stops all three, and if one stops the others are stopped with it.
run: install
	$(UV) run python manage.py migrate --no-input
	$(UV) run python manage.py load_demo
	@echo "Serving Gruuv on http://$(HOST)/ with its task worker (Ctrl-C stops both)"
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT INT TERM; \
	$(UV) run python manage.py db_worker --queue-name '*' & \
	$(UV) run python manage.py crontask --no-heartbeat & \
	$(UV) run python manage.py runserver $(HOST) & \
	wait -n

test: install lint
	$(UV) run pytest -n auto --dist worksteal

lint:
	$(UV) run ruff format --check .
	$(UV) run ruff check .

format:
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

# The benchmark (not part of `make test`): pages × readers at demo size and grown ×SCALE on
# PostgreSQL (BENCH_DATABASE_URL, default database gruuv_bench), and requests per second.
SCALE ?= 100
bench: install
	$(UV) run python bench/run.py --scale $(SCALE)
