# Entry points: `make demo` (the main job on the built-in eksctl simulator) and `make test` (the whole suite).
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
CACHE := $(CURDIR)/.cache
COLLECTIONS := $(CACHE)/collections
LINK := $(COLLECTIONS)/ansible_collections/eks_tools/eksctl
ANSIBLE_TEST_ROOT := $(CACHE)/ansible-test
SIM_STATE ?= $(CACHE)/demo/eksctl-state.json

BASE_PATH := $(PATH)
export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_NOCOLOR := 1

# The demo runs against the simulator: its eksctl comes first on PATH, its state lives in .cache/demo.
DEMO_ENV = PATH="$(CURDIR)/tests/simulator/bin:$(PATH)" EKSCTL_SIM_STATE="$(SIM_STATE)" \
	ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
DEMO_ARGS = -e cluster=demo -e region=eu-north-1 -e recording_path=$(CACHE)/demo/recordings.json -e wait=true -e wait_sleep=0.5

.PHONY: setup demo test test-quick matrix sanity units typecheck integration simulator e2e tools eksctl lint build certify certify-artifact changelog ee bench shell clean

# Two sets in one .venv: the run set (tests/requirements-run.txt: ansible-core, all the collection needs at run time and
# all `make demo` installs) and the test set on top of it (tests/requirements.txt, for `make setup` and every other target).
setup: $(BIN)/.installed $(LINK)

# The run set goes into a virtualenv made without pip, by the pip of $(PYTHON) as found on the PATH make was given: a cold
# `make demo` spares the bootstrap of pip and setuptools. The test set bootstraps .venv's own pip first.
BASE_PYTHON := $(shell PATH="$(BASE_PATH)" command -v $(PYTHON))
$(BIN)/.installed-run: tests/requirements-run.txt
	$(BASE_PYTHON) -m venv --without-pip $(VENV)
	$(BASE_PYTHON) -m pip --python $(BIN)/python install --disable-pip-version-check -q -r tests/requirements-run.txt
	touch $@

$(BIN)/.installed: $(BIN)/.installed-run tests/requirements.txt
	$(BIN)/python -m ensurepip --default-pip >/dev/null
	$(BIN)/python -m pip install --disable-pip-version-check -q -r tests/requirements.txt
	touch $@

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn $(CURDIR) $(LINK)

# The simulated clusters' Kubernetes API runs beside the demo (tests/simulator/demo.py), so the stop and the start prove
# themselves at the Node level as against a real cluster.
demo: $(BIN)/.installed-run $(LINK)
	@rm -rf $(CACHE)/demo && mkdir -p $(CACHE)/demo
	@$(DEMO_ENV) $(BIN)/python tests/simulator/demo.py $(DEMO_ARGS)

# The whole suite, every stage with a summary at the end (tests/utils/stages.py): sanity and units on every ansible-core
# release of the support matrix (tests/utils/matrix.py, the releases meta/runtime.yml claims), the integration tier on the
# newest and its release-sensitive tests on the others, and once each the simulator's contract tests, mypy, the
# real-eksctl tier, ansible-lint, the build, the certification checks and the EE context. Stages that do not compete for
# the CPUs run side by side (STAGE_CPUS=1: one at a time). test-quick: the first release only (its whole integration
# tier), no e2e.
test: setup
	@$(BIN)/python tests/utils/stages.py full

test-quick: setup
	@$(BIN)/python tests/utils/stages.py quick

# The releases of the support matrix; sanity, units and integration take CORE=<series> (default: the one in .venv).
# integration runs the whole tier; INTEGRATION=subset runs only the release-sensitive tests (what make test runs on the
# older releases, see tests/utils/matrix.py).
CORE ?= default
INTEGRATION ?= full
# pytest's parallel workers for the integration, simulator and end-to-end tiers (pytest-xdist's -n: a number, or auto).
PYTEST_WORKERS ?= auto
export PYTEST_WORKERS
matrix: setup
	@$(BIN)/python tests/utils/matrix.py list

sanity: setup
	@$(BIN)/python tests/utils/matrix.py run $(CORE) sanity

units: setup
	@$(BIN)/python tests/utils/matrix.py run $(CORE) units

# Strict typing of everything under plugins/ (run from the collections root so the package names resolve).
typecheck: setup
	cd $(COLLECTIONS) && mypy --config-file $(CURDIR)/.mypy.ini -p ansible_collections.eks_tools.eksctl.plugins

integration: setup
	@$(BIN)/python tests/utils/matrix.py run $(CORE) integration$(if $(filter subset,$(INTEGRATION)),-subset,)

# The simulator's own contract tests (tests/simulator/tests): eksctl's outputs, errors and exit codes, as the simulator
# gives them. They do not depend on the ansible-core release, so they run once, on .venv.
simulator: setup
	$(BIN)/python -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) tests/simulator/tests -q

# The end-to-end tier: the collection against the real eksctl (the pinned releases, built once per machine
# from eksctl's Go module, or EKSCTL=/path/to/eksctl) on an emulated AWS. Without Go it is skipped with the
# reason, except in CI (CI=true), where a missing Go or a failed build fails the run.
E2E_REQUIRE := $(if $(filter true,$(CI)),--require,)
e2e: setup
ifdef EKSCTL
	@$(TOOLS_BUILD) $(E2E_REQUIRE) etcd kube-apiserver kwok karpenter >/dev/null
	EKSCTL="$(EKSCTL)" $(BIN)/python -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) tests/e2e -q
else
	@$(TOOLS_BUILD) $(E2E_REQUIRE); rc=$$?; \
	if [ $$rc -eq 3 ]; then echo "e2e: SKIPPED (no Go on this machine to build the real eksctl; see above)"; exit 0; fi; \
	[ $$rc -eq 0 ] && $(BIN)/python -m pytest -p no:cacheprovider -n $(PYTEST_WORKERS) tests/e2e -q
endif

# The tools the end-to-end tier builds with Go (the pinned real eksctl releases, and etcd, kube-apiserver, kwok and
# Karpenter for the emulated clusters' Kubernetes API), each built once per machine and kept per version; prints their
# paths. The one place that names the build's entry point. `make eksctl` is the old name.
TOOLS_BUILD = $(BIN)/python tests/e2e/go_tools.py
tools: setup
	@$(TOOLS_BUILD) $(E2E_REQUIRE); rc=$$?; \
	if [ $$rc -eq 3 ]; then echo "tools: SKIPPED (no Go on this machine; see above)"; exit 0; fi; exit $$rc

eksctl: tools

lint: setup
	ansible-lint --offline --profile production

# Build the collection, check that test tooling and developer pages stay out of it (only tests/unit runs from an install), install it and read every plugin's docs from the installed copy.
BUILT := $(CACHE)/build/installed
PLUGIN_DOCS := module:eks_nodegroup_scale module:eks_cluster_info module:print_lines module:playbook_input inventory:eks_clusters \
	filter:capacity_rows filter:fleet_summary filter:preflight_rows filter:cluster_exception filter:exempt_start role:cluster_power
build: setup
	@rm -rf $(CACHE)/build && mkdir -p $(CACHE)/build
	ansible-galaxy collection build --output-path $(CACHE)/build .
	! tar -tzf $(CACHE)/build/eks_tools-eksctl-*.tar.gz \
		| grep -E '^(tests/(simulator|integration|e2e|benchmark|utils)/|tests/(env\.sh|pytest\.ini|requirements[^/]*\.txt)$$|\.cache/|\.venv/|\.ci/|CONTRIBUTING\.md$$|docs/development\.md$$)'
	ANSIBLE_COLLECTIONS_PATH=$(BUILT) ansible-galaxy collection install --force -p $(BUILT) $(CACHE)/build/eks_tools-eksctl-*.tar.gz
	@for plugin in $(PLUGIN_DOCS); do \
		ANSIBLE_COLLECTIONS_PATH=$(BUILT) ansible-doc -t $${plugin%%:*} eks_tools.eksctl.$${plugin#*:} | grep -q '$(BUILT)' \
			|| { echo "ansible-doc cannot read $$plugin from the installed collection" >&2; exit 1; }; \
	done
	@echo "collection built, installed and documented $(words $(PLUGIN_DOCS)) plugins: $$(ls $(CACHE)/build/*.tar.gz)"

# The checks Galaxy and Automation Hub run on the built artifact (galaxy-importer), the docs linter of the Ansible
# documentation site (antsibull-docs), the changelog linter, and ansible-doc's rendering of every plugin; the tools live
# in their own virtualenv (tests/requirements-certify.txt) on the newest ansible-core of the matrix.
CERTIFY_VENV := $(CACHE)/certify-venv
$(CERTIFY_VENV)/.installed: tests/requirements-certify.txt
	rm -rf $(CERTIFY_VENV)
	"$$($(BIN)/python tests/utils/matrix.py python 3.13)" -m venv $(CERTIFY_VENV)
	$(CERTIFY_VENV)/bin/python -m pip install --disable-pip-version-check -q -r tests/requirements-certify.txt
	touch $@

certify: build
	@$(MAKE) --no-print-directory certify-artifact

# The same checks on the artifact a `make build` before left (make test runs the build as a stage of its own first).
certify-artifact: $(CERTIFY_VENV)/.installed
	$(CERTIFY_VENV)/bin/python tests/utils/certify.py $(CACHE)/build/eks_tools-eksctl-*.tar.gz $(BUILT)

# The changelog: antsibull-changelog folds the fragments of changelogs/fragments/ into the release of galaxy.yml's version in
# changelogs/changelog.yaml (an existing release is updated, so fragments added before 1.0.0 is published join it) and
# writes CHANGELOG.rst; make certify checks that CHANGELOG.rst is what it generates.
changelog: setup
	antsibull-changelog release --update-existing
	antsibull-changelog lint

ee: setup
	rm -rf $(CACHE)/ee-context
	ansible-builder create -f examples/execution-environment/execution-environment.yml -c $(CACHE)/ee-context
	@echo "1 build context written to $(CACHE)/ee-context"

bench: setup
	$(BIN)/python tests/benchmark/bench.py
	$(BIN)/python tests/benchmark/eksctl_costs.py

# A shell to try the collection by hand (README, "Try it by hand"): the environment of tests/env.sh.
shell: setup
	@EKS_TOOLS_ROOT="$(CURDIR)" . tests/env.sh && echo "eks_tools.eksctl: ansible $$(ansible --version | head -n 1 | cut -d' ' -f3-), eksctl simulator on PATH, state in $$EKSCTL_SIM_STATE; exit to leave" && exec "$${SHELL:-/bin/bash}" -i

clean:
	rm -rf $(VENV) $(CACHE) tests/output
