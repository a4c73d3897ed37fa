# amiforge.imagebuilder: two commands for everything.
#   make test   every test: sanity, unit, integration (emulator), molecule, lint
#   make demo   the golden-AMI playbooks against the embedded Image Builder emulator
# Both set up what they need on first use: `setup` (the virtualenv in .venv and the collection link,
# no root needed) for everything; `setup-system` (Debian packages, as root) only for what builds and
# scans root filesystems: molecule, bench, and the whole `make test`.
#
# Run make in the clone's top folder (or `make -C FOLDER`). The clone may live in any folder,
# spaces in its path included: recipes and targets use paths relative to the clone, and the
# absolute path (ROOT) is only ever handed to programs through exported variables, never split
# by make or by the shell.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ifeq ($(wildcard tools/stage.py),)
$(error run make in the clone's top folder, e.g. make -C path/to/clone test)
endif

ROOT        := $(CURDIR)
BIN         := .venv/bin
PY          := $(BIN)/python
PYTHON      ?= python3.11
LINK        := .build/collections/ansible_collections/amiforge/imagebuilder
JUNIT       := tests/output/junit
STAGE       := $(PY) tools/stage.py

# The checkout is reached as ansible_collections/amiforge/imagebuilder through a link,
# so ansible-doc, ansible-playbook and the tests find it from any clone folder.
export ANSIBLE_COLLECTIONS_PATH := $(ROOT)/.build/collections
export ANSIBLE_ROLES_PATH       := $(ROOT)/roles
# Ansible's own files stay in the clone, not in ~/.ansible: its local temp files, galaxy cache,
# molecule's ephemeral folders (molecule keeps them under ANSIBLE_HOME/tmp), and the temp folders of
# modules run on localhost (remote_tmp; hosts reached by chroot keep theirs inside the image).
export ANSIBLE_HOME             := $(ROOT)/.build/ansible
export ANSIBLE_REMOTE_TEMP      := $(ROOT)/.build/ansible/tmp
export AMIFORGE_ROOT            := $(ROOT)
export PATH                     := $(ROOT)/$(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE  := 1

.PHONY: help setup setup-system system venv link test sanity unit integration molecule integration-and-molecule molecule-enhanced lint bench chaos demo emulator build clean

help:
	@echo "make test         run every test (what CI runs; installs Debian packages as root on first use)"
	@echo "make demo         the golden-AMI playbooks against the embedded emulator (no root needed)"
	@echo "make sanity|unit|integration|molecule|lint   one part of make test"
	@echo "make molecule-enhanced   only the enhanced hardening level's scenarios (make molecule and make test run them too)"
	@echo "make bench        benchmarks"
	@echo "make chaos        the chaos suite: golden_ami.yml under 30% faults, SIGKILL at 20 seeded points, two runs at once; prints the figures (about 40 playbook runs)"
	@echo "make emulator     run the Image Builder emulator in the foreground (PORT=5000)"
	@echo "make build        build the collection tarball into .build/dist/"
	@echo "make setup        the virtualenv (.venv) and the collection link; make setup-system: the Debian packages (root)"

# What every target needs; no root, nothing outside the clone but pip's cache.
setup: venv link

# Debian packages only molecule, the compliance scans and the chroot tests use (debootstrap, OpenSCAP).
setup-system:
	@tools/setup-system

system: setup-system

venv:
	@PYTHON='$(PYTHON)' tools/setup-venv

link:
	@tools/link

test: setup setup-system
	@rm -rf $(JUNIT)
	@$(MAKE) --no-print-directory sanity unit integration-and-molecule lint || { $(PY) tools/summary.py $(JUNIT); exit 1; }
	@$(PY) tools/summary.py $(JUNIT)

sanity: setup
	$(STAGE) sanity -- tools/sanity

unit: setup
	$(PY) -m pytest tests/unit --junitxml=$(JUNIT)/unit.xml $(PYTEST_ARGS)

INTEGRATION := $(PY) -m pytest -n 2 --dist loadgroup tests/emulator/tests tests/integration tests/chaos --junitxml=$(JUNIT)/integration.xml $(PYTEST_ARGS)
MOLECULE_LOG := tests/output/molecule.log

integration: setup
	$(INTEGRATION)

# Every scenario of every role, the enhanced level's included (those run on a second cached rootfs that has the
# enhanced packages, tests/molecule/rootfs-packages-enhanced.txt, so they need no network either).
molecule: setup setup-system
	tools/molecule-all

# What make test runs: the molecule scenarios beside the integration tests. The integration tests spend most of their
# time waiting (on ansible-playbook starting, on the emulator's build clock), so on 2 cores both fit in the time
# integration alone takes; one after the other they would not fit CI's 90 minutes. Molecule's output goes to
# tests/output/molecule.log, printed when both have ended; each part's result is recorded and counted as before.
integration-and-molecule: setup setup-system
	@mkdir -p tests/output
	@tools/molecule-all > $(MOLECULE_LOG) 2>&1 & molecule=$$!; \
	status=0; $(INTEGRATION) || status=$$?; \
	echo "==================== integration ended; the molecule scenarios ran beside it (log: $(MOLECULE_LOG)) ===================="; \
	wait $$molecule || status=$$?; \
	cat $(MOLECULE_LOG); \
	exit $$status

molecule-enhanced: setup setup-system
	MOLECULE_ALL_SCENARIOS="$$(ls roles/*/molecule/enhanced-*/molecule.yml)" tools/molecule-all

lint: setup
	$(STAGE) ansible-lint -- $(BIN)/ansible-lint --profile production --offline roles playbooks
	$(STAGE) yamllint -- $(BIN)/yamllint --strict .

bench: setup setup-system
	tools/bench

# The whole chaos suite (tests/chaos/run.py; its bounded part runs in `make integration`): prints the figures, fails on any.
chaos: setup
	$(PY) -m tests.chaos.run $(CHAOS_ARGS)

emulator: setup
	$(PY) -m tests.emulator --host 127.0.0.1 --port $${PORT:-5000}

demo: setup
	tools/demo

build: setup
	$(BIN)/ansible-galaxy collection build . --output-path .build/dist --force

clean:
	rm -rf .build tests/output .pytest_cache
