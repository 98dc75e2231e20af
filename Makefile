# Two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint format bench

install:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 \
		|| (echo "Installing uv…" && $(PYTHON) -m pip install --quiet uv)
	$(UV) sync --frozen

run: install
	$(UV) run python manage.py migrate --no-input
	$(UV) run python manage.py load_demo
	@echo "Serving Gruuv on http://$(HOST)/ (Ctrl-C stops it)"
	$(UV) run python manage.py runserver $(HOST)

test: install lint
	$(UV) run pytest

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
