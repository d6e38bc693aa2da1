# Two commands: `make synth` (both halves on the embedded default parameters) and `make test`.
# Everything either needs is installed here, so both work on a fresh machine with only
# Python, Node.js and the package registries.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
CHECKOV_VENV := .venv-checkov
IMAGE_VENV := .venv-image
# cdk.json's `python app.py` and cdk8s.yaml's `python main.py` must find the project's venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CKV_SKIP_PACKAGE_UPDATE_CHECK := true
export CHECKOV := $(CURDIR)/$(CHECKOV_VENV)/bin/checkov
export POD_IMAGE_AWS := $(CURDIR)/$(IMAGE_VENV)/bin/aws
# The installs (three venvs, npm, Debian's packages) wait mostly on the network: a sub-make runs
# them side by side, each target's own steps still in order. Only there: with --output-sync a
# recipe's output is a file, not the terminal, and `cdk deploy` refuses to ask for approval.
INSTALL := $(MAKE) --no-print-directory --jobs=6 --output-sync=line

# Debian packages the end-to-end tests run: the real ECR credential helper, skopeo, a local
# registry, the AWS CLI (the pull-secret refresher), iproute2/util-linux for the loopback-only
# network namespace, and bubblewrap and curl for the pod runner (a rendered pod run under a
# kubelet's user, volume and read-only-root rules).
SYSTEM_PACKAGES := amazon-ecr-credential-helper skopeo docker-registry awscli iproute2 \
  util-linux bubblewrap curl

.PHONY: synth bootstrap deploy apply test mutation mutation-messages runtime setup system-packages lint \
	bench docs clean

# Two layers in each tool directory: what synthesis needs (`make synth`: the package with all
# its extras, the CDK and cdk8s CLIs) and, on top, what the tests need (`make test`).
# setuptools' "Editable installation" banner is about folders shadowing the package; here the
# checkout is the package, so it is noise. pip byte-compiles what it installs (aws-cdk-lib: 17
# of its 20 s), and is left to: where PYTHONDONTWRITEBYTECODE is set (as on the machines this
# suite is measured on), Python keeps nothing it compiles: each process would compile aws_cdk's
# 2.4 MB again (about 0.9 s).
$(VENV)/.runtime: setup.py pyproject.toml ecr_cluster_access/extras.py
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" \
	  $(VENV)/bin/python -m pip install --quiet -e '.[all]'
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/python -m pip install --quiet -r requirements-dev.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

$(IMAGE_VENV)/.installed: requirements-image.txt
	$(PYTHON) -m venv $(IMAGE_VENV)
	$(IMAGE_VENV)/bin/python -m pip install --quiet -r requirements-image.txt
	touch $@

# `npm ci` replaces node_modules, so the full install also marks the runtime one as done; setup
# asks for the full one only, so the two never run at once.
node_modules/.runtime: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

node_modules/.dev: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@ node_modules/.runtime

runtime: $(VENV)/.runtime node_modules/.runtime

# Two caches warmed once here (their results are the tests' to report, not setup's): mypy's,
# so the unit subset's lint test does not build it; and the modules' bytecode, the test modules
# as pytest rewrites them. With PYTHONDONTWRITEBYTECODE set (as on this machine) Python and
# pytest read a cached module but write none, so each worker of every run compiled and
# rewrote them all again: 3 s of the unit subset's 30 (the cache is checked against each
# source's time and size, so an edited file is compiled afresh, as before).
setup:
	@$(INSTALL) $(VENV)/.dev node_modules/.dev
	@$(VENV)/bin/mypy >/dev/null 2>&1 || true
	@PYTHONDONTWRITEBYTECODE= $(VENV)/bin/python -m pytest --collect-only -q -p no:cacheprovider \
	  tests >/dev/null 2>&1 || true

system-packages:
	@if ! dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends \
	    $(SYSTEM_PACKAGES); \
	fi

# The last outputs go first, so bad parameters never leave them looking new; then the
# parameters are validated, so bad ones stop here with one line each, before either CLI starts
# (the cdk8s CLI adds a Node stack trace to any failing app).
synth: runtime
	rm -rf cdk.out dist
	$(VENV)/bin/ecr-cluster-access validate
	cdk synth --quiet --no-notices
	cdk8s synth --check-upgrade=false
	@echo
	@echo "AWS half:     $$(ls cdk.out/*.template.json)   (deploy: make deploy)"
	@echo "Cluster half: $$(ls dist/*.k8s.yaml)   (apply: make apply)"
	@echo "Builder:      .venv/bin/ecr-cluster-access builder-config"

# Once per account and region: `cdk bootstrap` for the environment of the parameters' stack.
bootstrap: runtime
	$(VENV)/bin/ecr-cluster-access validate
	cdk bootstrap $(ARGS)

# `make deploy ARGS='--profile prod'`: the AWS half, with the CDK CLI's own options; every
# stack of the app (with shards, the registry stack first, then the shards).
deploy: runtime
	$(VENV)/bin/ecr-cluster-access validate
	cdk deploy --all $(ARGS)

# `make apply ARGS='--context prod'`: synthesize the cluster half and apply it.
apply: runtime
	rm -rf dist
	$(VENV)/bin/ecr-cluster-access validate
	cdk8s synth --check-upgrade=false
	kubectl apply -f dist/ $(ARGS)

test:
	@$(INSTALL) setup system-packages $(CHECKOV_VENV)/.installed $(IMAGE_VENV)/.installed
	$(VENV)/bin/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=10 \
	  --hypothesis-profile=thorough

# Each refusal message of ecr_cluster_access/params removed in turn, against the unit tests that
# reach it: every removal must make a test fail (about 5 minutes on 2 cores).
mutation-messages: setup $(CHECKOV_VENV)/.installed
	$(VENV)/bin/python -m tests.support.message_mutants --jobs 2

# Mutation testing (tests/support/mutation.py): mutmut over params/, documents.py, naming.py,
# check/ and construct.py against the unit tests, then every item of their module-level tables
# removed in turn (tests/support/table_mutants.py). A score per module; survivors, with their
# diffs, in .pytest_cache/. Incremental: a second run re-runs only what changed and the last
# survivors. `make mutation MODULE=documents` (or check/evaluate, params/rules, ...) runs one
# module's mutants, all of them, and skips the tables.
mutation: setup $(CHECKOV_VENV)/.installed
	@if [ -n "$(MODULE)" ]; then \
	  $(VENV)/bin/python -m tests.support.mutation --jobs 2 $(addprefix --module ,$(MODULE)); \
	else \
	  $(VENV)/bin/python -m tests.support.mutation --jobs 2; a=$$?; \
	  $(VENV)/bin/python -m tests.support.table_mutants --jobs 2; b=$$?; \
	  exit $$(( a > b ? a : b )); \
	fi

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: setup
	$(VENV)/bin/python bench/bench_params.py
	$(VENV)/bin/python bench/bench_synth.py
	$(VENV)/bin/python bench/bench_check.py
	$(VENV)/bin/python bench/bench_shards.py

# The JSON Schema and the README's parameters table are generated from the field declarations
# (ecr_cluster_access/params/model.py); tests/test_schema.py fails until they are regenerated.
docs: setup
	$(VENV)/bin/python -m tests.support.aws_sources > ecr_cluster_access/params/aws_sources.json
	$(VENV)/bin/ecr-cluster-access schema > ecr_cluster_access/params/parameters.schema.json
	$(VENV)/bin/python -c 'import re, pathlib; from ecr_cluster_access.params.schema import \
	  markdown_table as t; p = pathlib.Path("README.md"); p.write_text(re.sub( \
	  r"(<!-- parameters-table -->\n).*?(<!-- /parameters-table -->)", \
	  lambda m: m.group(1) + t() + m.group(2), p.read_text(), flags=re.S))'
	$(VENV)/bin/python -c 'import re, pathlib; from ecr_cluster_access.params.quotas import \
	  limits_table as t; p = pathlib.Path("README.md"); p.write_text(re.sub( \
	  r"(<!-- limits-table -->\n).*?(<!-- /limits-table -->)", \
	  lambda m: m.group(1) + t() + m.group(2), p.read_text(), flags=re.S))'

clean:
	rm -rf cdk.out dist build mutants *.egg-info .pytest_cache .mypy_cache .ruff_cache
