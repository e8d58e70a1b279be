# Entry points: `make demo` (the main job on the built-in eksctl simulator) and `make test` (the whole suite).
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
CACHE := $(CURDIR)/.cache
COLLECTIONS := $(CACHE)/collections
LINK := $(COLLECTIONS)/ansible_collections/eks_tools/eksctl
ANSIBLE_TEST_ROOT := $(CACHE)/ansible-test
SIM_STATE ?= $(CACHE)/demo/eksctl-state.json

export PATH := $(BIN):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_NOCOLOR := 1

# The demo runs against the simulator: its eksctl comes first on PATH, its state lives in .cache/demo.
DEMO_ENV = PATH="$(CURDIR)/tests/simulator/bin:$(PATH)" EKSCTL_SIM_STATE="$(SIM_STATE)" \
	ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
DEMO_ARGS = -e cluster=demo -e region=eu-north-1 -e eks_snapshot_path=$(CACHE)/demo/capacity_snapshots.json -e wait=true -e wait_sleep=0.5

.PHONY: setup demo test sanity units typecheck integration e2e eksctl lint build ee bench clean

setup: $(BIN)/.installed $(LINK)

$(BIN)/.installed: tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r tests/requirements.txt
	touch $@

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn $(CURDIR) $(LINK)

demo: setup
	@rm -rf $(CACHE)/demo && mkdir -p $(CACHE)/demo
	@echo "== eksctl simulator $$($(DEMO_ENV) eksctl version), state in $(SIM_STATE)"
	@echo "== 1/5 every cluster of two regions, with nodegroups and sizes"
	@$(DEMO_ENV) ansible-playbook eks_tools.eksctl.report -e '{"regions": ["eu-north-1", "us-east-1"]}'
	@echo "== 2/5 stop cluster demo (sizes recorded first)"
	@$(DEMO_ENV) ansible-playbook eks_tools.eksctl.stop $(DEMO_ARGS)
	@echo "== 3/5 demo while stopped"
	@$(DEMO_ENV) ansible-playbook eks_tools.eksctl.report $(DEMO_ARGS)
	@echo "== 4/5 start cluster demo (recorded sizes restored)"
	@$(DEMO_ENV) ansible-playbook eks_tools.eksctl.start $(DEMO_ARGS)
	@echo "== 5/5 demo after the start: the sizes of step 1"
	@$(DEMO_ENV) ansible-playbook eks_tools.eksctl.report $(DEMO_ARGS)

test: sanity units typecheck integration e2e lint build ee

sanity: setup
	cd "$$($(BIN)/python tests/utils/prepare_ansible_test.py . $(ANSIBLE_TEST_ROOT) | tail -n 1)" && \
		ansible-test sanity --venv --python 3.11 --color no

units: setup
	cd "$$($(BIN)/python tests/utils/prepare_ansible_test.py . $(ANSIBLE_TEST_ROOT) | tail -n 1)" && \
		ansible-test units --venv --python 3.11 --color no

# Strict typing of everything under plugins/ (run from the collections root so the package names resolve).
typecheck: setup
	cd $(COLLECTIONS) && mypy --config-file $(CURDIR)/.mypy.ini -p ansible_collections.eks_tools.eksctl.plugins

integration: setup
	$(BIN)/python -m pytest -p no:cacheprovider tests/integration -q

# The end-to-end tier: the collection against the real eksctl (the pinned releases, built once per machine
# from eksctl's Go module, or EKSCTL=/path/to/eksctl) on an emulated AWS. Without Go it is skipped with the
# reason, except in CI (CI=true), where a missing Go or a failed build fails the run.
E2E_REQUIRE := $(if $(filter true,$(CI)),--require,)
e2e: setup
ifdef EKSCTL
	EKSCTL="$(EKSCTL)" $(BIN)/python -m pytest -p no:cacheprovider tests/e2e -q
else
	@$(BIN)/python tests/e2e/eksctl_builds.py $(E2E_REQUIRE); rc=$$?; \
	if [ $$rc -eq 3 ]; then echo "e2e: SKIPPED (no Go on this machine to build the real eksctl; see above)"; exit 0; fi; \
	[ $$rc -eq 0 ] && $(BIN)/python -m pytest -p no:cacheprovider tests/e2e -q
endif

# Build (or reuse) the pinned real eksctl releases and print their paths.
eksctl: setup
	$(BIN)/python tests/e2e/eksctl_builds.py

lint: setup
	ansible-lint --offline --profile production

# Build the collection, check that test tooling stays out of it, install it and read every plugin's docs from the installed copy.
BUILT := $(CACHE)/build/installed
build: setup
	rm -rf $(CACHE)/build && mkdir -p $(CACHE)/build
	ansible-galaxy collection build --output-path $(CACHE)/build .
	! tar -tzf $(CACHE)/build/eks_tools-eksctl-*.tar.gz | grep -E '^(tests/(simulator|integration|benchmark)|\.cache|\.venv|\.ci)/'
	ANSIBLE_COLLECTIONS_PATH=$(BUILT) ansible-galaxy collection install --force -p $(BUILT) $(CACHE)/build/eks_tools-eksctl-*.tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(BUILT) ansible-doc -t module eks_tools.eksctl.eks_nodegroup_scale | grep -q '$(BUILT)'
	ANSIBLE_COLLECTIONS_PATH=$(BUILT) ansible-doc -t module eks_tools.eksctl.eks_cluster_info | grep -q '$(BUILT)'
	ANSIBLE_COLLECTIONS_PATH=$(BUILT) ansible-doc -t inventory eks_tools.eksctl.eks_clusters | grep -q '$(BUILT)'
	ANSIBLE_COLLECTIONS_PATH=$(BUILT) ansible-doc -t filter eks_tools.eksctl.capacity_rows | grep -q '$(BUILT)'
	ANSIBLE_COLLECTIONS_PATH=$(BUILT) ansible-doc -t role eks_tools.eksctl.cluster_power | grep -q '$(BUILT)'
	@echo "collection built, installed and documented: $$(ls $(CACHE)/build/*.tar.gz)"

ee: setup
	rm -rf $(CACHE)/ee-context
	ansible-builder create -f examples/execution-environment/execution-environment.yml -c $(CACHE)/ee-context

bench: setup
	$(BIN)/python tests/benchmark/bench.py
	$(BIN)/python tests/benchmark/eksctl_costs.py

clean:
	rm -rf $(VENV) $(CACHE) tests/output
