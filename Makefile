# amiforge.imagebuilder: two commands for everything.
#   make test   every test: sanity, unit, integration (emulator), molecule, lint
#   make demo   the main job against the embedded Image Builder emulator
# Both set up what they need on first use (virtualenv in .venv, Debian packages).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT        := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV        := $(ROOT)/.venv
BIN         := $(VENV)/bin
PY          := $(BIN)/python
PYTHON      ?= python3.11
COLLECTIONS := $(ROOT)/.build/collections
LINK        := $(COLLECTIONS)/ansible_collections/amiforge/imagebuilder
JUNIT       := $(ROOT)/tests/output/junit
STAGE       := $(PY) $(ROOT)/tools/stage.py

# The checkout is reached as ansible_collections/amiforge/imagebuilder through a link,
# so ansible-doc, ansible-playbook and the tests find it from any clone folder.
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_ROLES_PATH       := $(ROOT)/roles
export AMIFORGE_ROOT            := $(ROOT)
export PATH                     := $(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE  := 1

.PHONY: help setup venv system link test sanity unit integration molecule lint bench demo emulator build clean

help:
	@echo "make test         run every test (what CI runs)"
	@echo "make demo         run the main job against the embedded emulator"
	@echo "make sanity|unit|integration|molecule|lint   one part of make test"
	@echo "make bench        benchmarks"
	@echo "make emulator     run the Image Builder emulator in the foreground"
	@echo "make build        build the collection tarball into .build/"

setup: venv system link

venv: $(VENV)/.installed

$(VENV)/.installed: requirements-dev.txt requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r requirements.txt 2>&1 | { grep -v "^WARNING: Location" || true; }
	@touch $@

system:
	@$(ROOT)/tools/setup-system

link:
	@mkdir -p $(dir $(LINK))
	@test -L $(LINK) && test "$$(readlink $(LINK))" = "$(ROOT)" || ln -sfn $(ROOT) $(LINK)

test: setup
	@rm -rf $(JUNIT)
	@$(MAKE) --no-print-directory sanity unit integration molecule lint || { $(PY) tools/summary.py $(JUNIT); exit 1; }
	@$(PY) tools/summary.py $(JUNIT)

sanity: setup
	$(STAGE) sanity -- $(ROOT)/tools/sanity

unit: setup
	$(PY) -m pytest tests/unit --junitxml=$(JUNIT)/unit.xml

integration: setup
	$(PY) -m pytest -n 2 tests/emulator/tests tests/integration --junitxml=$(JUNIT)/integration.xml

molecule: setup
	$(ROOT)/tools/molecule-all

lint: setup
	$(STAGE) ansible-lint -- $(BIN)/ansible-lint --profile production --offline roles playbooks
	$(STAGE) yamllint -- $(BIN)/yamllint --strict .

bench: setup
	$(ROOT)/tools/bench

emulator: setup
	$(PY) -m tests.emulator --host 127.0.0.1 --port $${PORT:-5000}

demo: setup
	$(ROOT)/tools/demo

build: setup
	$(BIN)/ansible-galaxy collection build $(ROOT) --output-path $(ROOT)/.build/dist --force

clean:
	rm -rf .build tests/output .pytest_cache
