# Take Part: `make run` to try it, `make test` to check it. Both are safe to repeat.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.12: on PATH, or under pyenv when its shim has another version selected.
PYTHON ?= $(shell for p in python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do \
            "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Two gettext domains: "messages" (everything) and "easyread" (easy-read text, er("...") and ern() for counts).
DOMAINS := messages easyread
BABEL_ARGS := -F translations/babel.cfg --no-location --sort-output --project "Take Part" \
              --copyright-holder "Take Part" --msgid-bugs-address "involvement@example.org"
KEYWORDS_messages := -k _l -k lazy_gettext -k lazy_pgettext:1c,2
KEYWORDS_easyread := --no-default-keywords -k er -k er_l -k ern:1,2
export FLASK_APP := app:create_app

.PHONY: help run test venv documents translations translations-check translations-update translations-review npm browser bench fuzz soak clean

help:
	@echo "make run    - set up and start Take Part on http://127.0.0.1:5000 (SQLite, demo data; PORT=8080 for another port)"
	@echo "make test   - set up and run every test, the browser + axe suite included"
	@echo "make bench  - measure throughput against a bare Flask route, and the finance export (see README)"
	@echo "make fuzz   - post every form with 200 generated inputs each (make test runs 4)"
	@echo "make soak   - 50 people sending forms at once while PostgreSQL restarts (see README)"
	@echo "make translations-update - re-extract strings into translations/*.po after changing text"
	@echo "make translations-review - list entries to back-translate; take filled-in reviews in (APPLY=\"files\" too)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 is needed: install python3.12 and try again." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# Each catalog is compiled when its .po changes, and written whole (a .tmp renamed into place), so two
# `make test` runs at once (CI's SQLite and PostgreSQL passes) never read a half-written catalog.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/*.po))
translations: $(STAMP) $(MO_FILES)
translations/%.mo: translations/%.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@.tmp && mv $@.tmp $@

# Fails when the catalogs are out of date with the source (a string added or changed).
translations-check: $(STAMP)
	@tmp=$$(mktemp -d); rc=0; \
	for d in $(DOMAINS); do \
	  kw="$(KEYWORDS_messages)"; [ $$d = easyread ] && kw="$(KEYWORDS_easyread)"; \
	  $(BIN)/pybabel -q extract $(BABEL_ARGS) $$kw -o $$tmp/$$d.pot . && \
	  $(BIN)/pybabel -q update --check --ignore-pot-creation-date --no-fuzzy-matching -D $$d -i $$tmp/$$d.pot -d translations \
	  || rc=1; \
	done; rm -rf $$tmp; \
	if [ $$rc -ne 0 ]; then echo "Translations are out of date: run 'make translations-update' and translate the new strings." >&2; fi; exit $$rc

translations-update: $(STAMP)
	$(BIN)/pybabel -q extract $(BABEL_ARGS) $(KEYWORDS_messages) -o translations/messages.pot .
	$(BIN)/pybabel -q extract $(BABEL_ARGS) $(KEYWORDS_easyread) -o translations/easyread.pot .
	for d in $(DOMAINS); do \
	  $(BIN)/pybabel -q update --ignore-obsolete --ignore-pot-creation-date --no-fuzzy-matching -D $$d -i translations/$$d.pot -d translations; \
	done

# Back-translation review (translations/review.py): takes in the filled-in lines of
# translations/*/to-review.jsonl (and of APPLY="cy.jsonl ...", files named after their locale),
# records them in translations/*/reviewed.jsonl, and writes to-review.jsonl again with what is left.
translations-review: $(STAMP)
	$(BIN)/python translations/review.py $(if $(APPLY),apply $(APPLY))
	$(BIN)/pybabel -q compile -d translations -D "$(DOMAINS)"

npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "Chromium is missing: run 'sudo apt-get update && sudo apt-get install -y chromium chromium-driver'" >&2; exit 1; fi

# Printable documents (app/documents.py): Noto fonts for every shipped script (Latin, Arabic, Urdu's
# Nastaliq, Bengali) from fonts-noto-core, and poppler-utils (pdftotext, pdftoppm) that tests read them with.
documents:
	@if fc-list 2>/dev/null | grep -q "NotoNastaliqUrdu" && fc-list | grep -q "NotoSansBengali" && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core poppler-utils >/dev/null; \
	else echo "Fonts for printable documents are missing: run 'sudo apt-get update && sudo apt-get install -y fonts-noto-core poppler-utils'" >&2; exit 1; fi

# make run serves on PORT; emailed links, share links and QR codes follow it unless BASE_URL is set.
PORT ?= 5000
BASE_URL ?= http://127.0.0.1:$(PORT)

# The mail worker runs beside the web server (retries, and mail queued by commands such as
# demo-data) and stops with it.
run: $(STAMP) documents translations
	$(BIN)/flask migrate
	BASE_URL=$(BASE_URL) $(BIN)/flask demo-data
	@echo "Take Part is running on $(BASE_URL) (Ctrl+C to stop)"
	@export PORT=$(PORT) BASE_URL=$(BASE_URL); \
	$(BIN)/flask send-mail --loop --interval 5 --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# CHECK_TRANSLATIONS= skips the catalog check (CI checks once, then runs two passes at once:
# `pybabel update --check` writes a temporary file beside each catalog).
CHECK_TRANSLATIONS ?= translations-check
test: $(STAMP) browser documents npm translations $(CHECK_TRANSLATIONS)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every form posted with many more hypothesis-made inputs than make test uses (FUZZ_EXAMPLES a form).
fuzz: $(STAMP) translations npm
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

# Load and fault test on a throwaway PostgreSQL: 50 people sending forms while the database restarts.
soak: $(STAMP) translations
	$(BIN)/python bench/soak.py

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP) translations
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pages.py
	BENCH_CLAIMS=$${BENCH_CLAIMS:-100000} $(BIN)/python bench/export.py
	BENCH_CLAIMS=$${BENCH_CLAIMS:-100000} $(BIN)/python bench/staff_queue.py 2>/dev/null

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
