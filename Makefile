# Two commands: `make synth` (both halves on the embedded default parameters) and `make test`.
# Everything either needs is installed here, so both work on a fresh machine with only
# Python, Node.js and the package registries.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
CHECKOV_VENV := .venv-checkov
# cdk.json's `python app.py` and cdk8s.yaml's `python main.py` must find the project's venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CKV_SKIP_PACKAGE_UPDATE_CHECK := true
export CHECKOV := $(CURDIR)/$(CHECKOV_VENV)/bin/checkov

# Debian packages the end-to-end tests run: the real ECR credential helper, skopeo, a local
# registry, the AWS CLI (the pull-secret refresher), and iproute2/util-linux for the
# loopback-only network namespace.
SYSTEM_PACKAGES := amazon-ecr-credential-helper skopeo docker-registry awscli iproute2 util-linux

.PHONY: synth test setup system-packages lint bench docs clean

$(VENV)/.installed: setup.py pyproject.toml requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e . -r requirements-dev.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

system-packages:
	@if ! dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends \
	    $(SYSTEM_PACKAGES); \
	fi

synth: setup
	$(VENV)/bin/ecr-cluster-access validate
	rm -rf cdk.out dist
	cdk synth --quiet --no-notices
	cdk8s synth --check-upgrade=false
	@echo
	@echo "AWS half:     $$(ls cdk.out/*.template.json)   (deploy: npx cdk deploy)"
	@echo "Cluster half: $$(ls dist/*.k8s.yaml)   (apply: kubectl apply -f dist/)"
	@echo "Builder:      .venv/bin/ecr-cluster-access builder-config"

test: setup system-packages $(CHECKOV_VENV)/.installed
	$(VENV)/bin/python -m pytest -n 2

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: setup
	$(VENV)/bin/python bench/bench_params.py
	$(VENV)/bin/python bench/bench_synth.py
	$(VENV)/bin/python bench/bench_check.py

# The JSON Schema and the README's parameters table are generated from the field declarations
# (ecr_cluster_access/params/model.py); tests/test_schema.py fails until they are regenerated.
docs: setup
	$(VENV)/bin/ecr-cluster-access schema > ecr_cluster_access/params/parameters.schema.json
	$(VENV)/bin/python -c 'import re, pathlib; from ecr_cluster_access.params.schema import \
	  markdown_table as t; p = pathlib.Path("README.md"); p.write_text(re.sub( \
	  r"(<!-- parameters-table -->\n).*?(<!-- /parameters-table -->)", \
	  lambda m: m.group(1) + t() + m.group(2), p.read_text(), flags=re.S))'

clean:
	rm -rf cdk.out dist build *.egg-info .pytest_cache .mypy_cache .ruff_cache
