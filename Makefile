# Two commands do everything (see README):
#   make book   set up .venv, validate data, execute what changed, build the HTML
#   make test   the same set-up, then every test
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?= 2
AXE := node_modules/axe-core/axe.min.js

.PHONY: book test data golden clean help browser student pdf release bump changelog axe bench

help:
	@echo "make book    build the book into _build/html (only changed chapters re-execute)"
	@echo "make test    run every test (pytest -n $(JOBS))"
	@echo "make student build the student edition (no solutions) into _build/student/html"
	@echo "make pdf     print the whole book to _build/pdf/ with Debian's chromium"
	@echo "make data    validate every table in data/"
	@echo "make golden  re-record the glued values after a deliberate data change"
	@echo "make bench   time clean/no-op/one-CSV builds, make test, each notebook; page weights"
	@echo "make clean   remove _build/"
	@echo "make bump VERSION=X.Y.Z  set a new version and open its CHANGELOG.md section"
	@echo "make changelog  print the data changes since the last release (SINCE=rev to choose)"
	@echo "make release    build the current version (reader and student editions) into site/<version>/"

# Create the venv once; reinstall only when the requirements change.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	@$(PYTHON) -m venv $(VENV) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "python3-venv is missing: installing it with apt-get"; \
	    apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "Cannot create a virtual environment: install python3-venv (Debian: sudo apt-get install python3-venv)"; exit 1; fi; }

$(STAMP): requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

data: $(STAMP)
	$(PY) -m valor.data

book: $(STAMP)
	$(PY) -m booktools.build

student: $(STAMP)
	$(PY) -m booktools.build --edition student

pdf: $(STAMP) browser
	$(PY) -m booktools.pdf

test: $(STAMP) $(AXE)
	$(PY) -m pytest -n $(JOBS) --dist loadgroup -q

golden: $(STAMP)
	$(PY) -m pytest tests/site/test_notebooks.py -q --update-golden

# Debian's chromium for the browser tests and the PDF (never a downloaded browser),
# and fonts for what the PDF prints beyond Latin (booktools/pdf.py: PRINT_FONTS).
CHROMIUM ?= /usr/bin/chromium
PRINT_FONTS := fonts-noto-cjk fonts-noto-color-emoji
browser:
	@if [ -x "$(CHROMIUM)" ] && dpkg -s $(PRINT_FONTS) >/dev/null 2>&1; then echo "chromium: $$($(CHROMIUM) --version 2>/dev/null | head -1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium and $(PRINT_FONTS) with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium $(PRINT_FONTS); \
	else echo "chromium or its fonts are missing: install Debian's packages (sudo apt-get install chromium $(PRINT_FONTS))"; exit 1; fi

clean:
	rm -rf _build

# Versioned releases (booktools/release.py): site/<version>/ and site/<version>/student/.
release: $(STAMP)
	$(PY) -m booktools.release

bump: $(STAMP)
	@test -n "$(VERSION)" || { echo "usage: make bump VERSION=X.Y.Z"; exit 1; }
	$(PY) -m booktools.release bump $(VERSION)

changelog: $(STAMP)
	$(PY) -m booktools.release changelog $(if $(SINCE),--since $(SINCE))

# axe-core for the accessibility tests, pinned by package-lock.json (npm ci).
# Never served with the book. Without npm outside CI the tests say what is missing.
$(AXE): package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "npm is missing: installing Debian's npm with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; \
	  else echo "npm is missing: install Node.js and npm (sudo apt-get install npm) for the accessibility tests"; \
	    if [ "$$CI" = true ]; then exit 1; else exit 0; fi; fi; fi; \
	npm ci --no-audit --no-fund --loglevel=error && touch $(AXE)

axe: $(AXE)

# Timings in a temporary copy of the project (see benchmarks/bench_build.py).
bench: $(STAMP) $(AXE)
	$(PY) benchmarks/bench_build.py $(BENCH_ARGS)
