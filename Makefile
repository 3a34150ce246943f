# Development commands for RoomKit.
#
# Everything runs through uv. If the `uv` command is not usable from this
# directory (for instance a pyenv shim pointing at another interpreter), the
# module form `python3 -m uv` is used instead, and `ensure-uv` installs uv with
# pip when neither works, so a fresh clone needs nothing but Python 3.12+.

UV ?= $(shell uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)

# Only the directories that exist are linted (examples/ and benchmarks/ may be absent).
LINT_PATHS := $(wildcard src tests examples benchmarks)

# Extra arguments for the coverage run, e.g. COVERAGE_ARGS=--cov-report=xml in CI.
COVERAGE_ARGS ?=

.PHONY: ensure-uv install lint format typecheck test coverage all clean quickstart bench

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

all: lint typecheck coverage

quickstart: ensure-uv install
	$(UV) run python examples/quickstart.py

bench: ensure-uv install
	$(UV) run python benchmarks/inbound.py

clean:
	rm -rf build dist site htmlcov .coverage .coverage.* coverage.xml
	rm -rf .pytest_cache .mypy_cache .ruff_cache
	find . -path ./.venv -prune -o -type d -name __pycache__ -exec rm -rf {} +
