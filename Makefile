# Two commands do everything (see README):
#   make book   set up .venv, validate data, execute what changed, build the HTML
#   make test   the same set-up plus the test tools, Debian's chromium and axe-core, then lint and every test
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
BOOK_STAMP := $(VENV)/.installed-book
TEST_STAMP := $(VENV)/.installed-test
JOBS ?= 2
AXE := node_modules/axe-core/axe.min.js
# uv: no Python downloads (the machine's python3 is used), no telemetry of any kind.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Python writes each module's bytecode the first time it imports it, even where the shell
# says not to ($PYTHONDONTWRITEBYTECODE, set on some machines): compiling every installed
# package instead (uv's --compile-bytecode, about 900 MB) took 10-30 s of a fresh set-up,
# and without either each process compiles what it imports, every time.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: book test test-fast lint data golden clean help browser axe student pdf release bump changelog bench lock mutants packs

help:
	@echo "make book      build the book into _build/html (only changed chapters re-execute)"
	@echo "make test      lint, then every test (installs the test tools, chromium and axe-core first)"
	@echo "make test-fast the unit tests of the science only (seconds)"
	@echo "make student   build the student edition (no solutions) into _build/student/html"
	@echo "make pdf       print the whole book to _build/pdf/ with Debian's chromium"
	@echo "make packs     remake the notebook packs of the last build (make book makes them too)"
	@echo "make data      validate every table in data/"
	@echo "make golden    re-record the glued values after a deliberate data change"
	@echo "make bench     time builds (clean, floor book, edits), make test, each notebook; page weights"
	@echo "make mutants   mutation score of the science with the unit tests (minutes; not in make test)"
	@echo "make lock      re-resolve uv.lock after editing requirements.txt or the test group"
	@echo "make clean     remove _build/"
	@echo "make bump VERSION=X.Y.Z  set a new version and open its CHANGELOG.md section"
	@echo "make changelog  print the data changes since the last release (SINCE=rev to choose)"
	@echo "make release    build the current version (reader and student editions) into site/<version>/"

# The venv, with uv (pinned above) to install the locked packages. The venv gets no pip of
# its own (4 s): the machine's pip installs uv into it (pip >= 22.3: --python); without
# one, or with an older one, ensurepip's pip does.
NEED_VENV := install python3-venv (Debian: sudo apt-get install python3-venv)
$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@$(PYTHON) -m venv --without-pip $(VENV) || { echo "Cannot create a virtual environment: $(NEED_VENV)"; exit 1; }
	@$(PYTHON) -m pip --python $(PY) install --quiet --disable-pip-version-check uv==$(UV_VERSION) 2>/dev/null || { \
	  $(PY) -m ensurepip --default-pip >/dev/null 2>&1 || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      echo "python3-venv is missing: installing it with apt-get"; \
	      apt-get update -qq && apt-get install -y -qq python3-venv && $(PY) -m ensurepip --default-pip >/dev/null; \
	    else echo "No pip to install uv with: $(NEED_VENV)"; exit 1; fi; }; \
	  $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }

# Exactly the packages of uv.lock (hashes checked); --inexact keeps the other set's packages.
$(BOOK_STAMP): uv.lock requirements.txt pyproject.toml | $(UV)
	$(UV) sync --locked --inexact --quiet
	@touch $@

$(TEST_STAMP): uv.lock requirements.txt pyproject.toml | $(UV)
	$(UV) sync --locked --inexact --quiet --group test
	@touch $(BOOK_STAMP) $@

data: $(BOOK_STAMP)
	$(PY) -m valor.data

book: $(BOOK_STAMP)
	$(PY) -m booktools.build

student: $(BOOK_STAMP)
	$(PY) -m booktools.build --edition student

# The notebook packs (booktools/pack.py) of the last build, into _build/html/_downloads/.
packs: $(BOOK_STAMP)
	$(PY) -m booktools.pack --edition reader
	$(PY) -m booktools.pack --edition student

pdf: $(BOOK_STAMP) browser
	$(PY) -m booktools.pdf

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Each test module runs whole on one worker (--dist loadscope), so what a module builds,
# prints or visits is made once; pytest-xdist's loadgroup no longer groups under pytest 9.2
# (pytest-dev/pytest-xdist#1386).
# --no-loadscope-reorder: modules go out in collection order, the slowest first (tests/conftest.py).
test: $(TEST_STAMP) browser $(AXE) lint
	$(PY) -m pytest -n $(JOBS) --dist loadscope --no-loadscope-reorder -q

# The science's unit tests: no kernel, no build, no browser.
test-fast: $(TEST_STAMP)
	$(PY) -m pytest -q -n $(JOBS) tests/unit

# Mutation score (issue 17): mutmut mutates the modules listed in pyproject.toml's
# [tool.mutmut] and runs tests/unit against each mutant, from a fresh mutants/ folder;
# the score per module goes to benchmarks/mutants-score.json (make bench prints it).
mutants: $(TEST_STAMP)
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children $(JOBS) | tr '\r' '\n' | tail -n 2
	$(PY) benchmarks/mutants_score.py --record

golden: $(TEST_STAMP)
	$(PY) -m pytest tests/site/test_notebooks.py -q -p no:xdist --update-golden

# Debian's chromium for the browser tests and the PDF (never a downloaded browser),
# and fonts for what the PDF prints beyond Latin (booktools/pdf.py: PRINT_FONTS).
CHROMIUM ?= /usr/bin/chromium
PRINT_FONTS := fonts-noto-cjk fonts-noto-color-emoji
browser:
	@if [ -x "$(CHROMIUM)" ] && dpkg -s $(PRINT_FONTS) >/dev/null 2>&1; then echo "chromium: $$($(CHROMIUM) --version 2>/dev/null | head -1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium and $(PRINT_FONTS) with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium $(PRINT_FONTS); \
	else echo "chromium or its fonts are missing and this is not root: install Debian's packages (sudo apt-get install chromium $(PRINT_FONTS))"; exit 1; fi

clean:
	rm -rf _build

# Versioned releases (booktools/release.py): site/<version>/ and site/<version>/student/.
release: $(BOOK_STAMP)
	$(PY) -m booktools.release

bump: $(BOOK_STAMP)
	@test -n "$(VERSION)" || { echo "usage: make bump VERSION=X.Y.Z"; exit 1; }
	$(PY) -m booktools.release bump $(VERSION)

changelog: $(BOOK_STAMP)
	$(PY) -m booktools.release changelog $(if $(SINCE),--since $(SINCE))

# Re-resolve uv.lock after editing requirements.txt or pyproject.toml's dependency groups.
lock: | $(UV)
	$(UV) lock

# axe-core for the accessibility tests, pinned by package-lock.json (npm ci); never served
# with the book. Without npm: as root Debian's npm is installed, otherwise make says what to install.
# (The axe-playwright-python wheel bundles axe-core 4.12.1, which requests a wrong URL for
# stylesheets' @import, a failed request on every page; 4.14.1 does not.)
$(AXE): package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "npm is missing: installing Debian's npm with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; \
	  else echo "npm is missing and this is not root: install Node.js and npm (sudo apt-get install npm)"; exit 1; fi; fi
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

axe: $(AXE)

# Timings in a temporary copy of the project (see benchmarks/bench_build.py).
bench: $(TEST_STAMP) browser $(AXE)
	$(PY) benchmarks/bench_build.py $(BENCH_ARGS)
