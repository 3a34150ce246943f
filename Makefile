# Development commands for RoomKit.
#
# Everything runs through uv. If the `uv` command is not usable from this
# directory (for instance a pyenv shim pointing at another interpreter), the
# module form `python3 -m uv` is used instead, and `ensure-uv` installs uv with
# pip when neither works, so a fresh clone needs nothing but Python 3.12+.

UV ?= $(shell uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)

# Only the directories that exist are linted (examples/ and benchmarks/ may be absent).
# docs/_hooks holds the griffe extension the docs build loads.
LINT_PATHS := $(wildcard src tests examples benchmarks docs/_hooks)

# Extra arguments for the coverage run, e.g. COVERAGE_ARGS=--cov-report=xml in CI.
COVERAGE_ARGS ?=

.PHONY: ensure-uv install lint format typecheck test coverage docs all clean quickstart bench

ensure-uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore uv

install: ensure-uv
	$(UV) sync --extra dev

lint: ensure-uv install
	$(UV) run ruff check $(LINT_PATHS)
	$(UV) run ruff format --check $(LINT_PATHS)

format: ensure-uv install
	$(UV) run ruff check --fix $(LINT_PATHS)
	$(UV) run ruff format $(LINT_PATHS)

typecheck: ensure-uv install
	$(UV) run mypy src/roomkit/

test: ensure-uv install
	$(UV) run pytest -q

# The 90% gate (fail_under) lives in pyproject.toml, so this target fails below it.
coverage: ensure-uv install
	$(UV) run pytest -q --cov=roomkit --cov-report=term-missing $(COVERAGE_ARGS)

# The API reference is generated from the docstrings. --strict turns every warning into a
# failure: a broken link or anchor, a page missing from the navigation, and a public
# class, function, method or property without a docstring (docs/_hooks/griffe_roomkit.py).
docs: ensure-uv install
	NO_MKDOCS_2_WARNING=1 $(UV) run mkdocs build --strict --site-dir site

all: lint typecheck coverage docs

quickstart: ensure-uv install
	$(UV) run python examples/quickstart.py

bench: ensure-uv install
	$(UV) run python benchmarks/inbound.py

clean:
	rm -rf build dist site htmlcov .coverage .coverage.* coverage.xml
	rm -rf .pytest_cache .mypy_cache .ruff_cache
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
