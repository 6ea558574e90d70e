# account-operator

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

CONTROLLER_GEN := go tool controller-gen
# The local control plane (kube-apiserver, etcd, kubectl), built from Go modules
# on first use; KUBEBUILDER_ASSETS, when set, wins. A failed build stops the
# target instead of running the suites against no control plane.
ASSETS_CMD = assets="$${KUBEBUILDER_ASSETS:-$$(hack/toolchain.sh)}" && test -x "$$assets/kube-apiserver" \
	|| { echo "no local control plane in '$$assets': see hack/toolchain.sh" >&2; exit 1; }
# helm, built from Go modules on first use (hack/helm.sh); HELM, when set, wins.
HELM_CMD = helm="$${HELM:-$$(hack/helm.sh)/helm}" && test -x "$$helm" \
	|| { echo "no helm at '$$helm': see hack/helm.sh" >&2; exit 1; }
# golangci-lint with the Kubernetes API linter, built from Go modules on first use
# (hack/golangci-lint.sh); GOLANGCI_LINT, when set, wins.
LINT_CMD = gcl="$${GOLANGCI_LINT:-$$(hack/golangci-lint.sh)}" && test -x "$$gcl" \
	|| { echo "no golangci-lint at '$$gcl': see hack/golangci-lint.sh" >&2; exit 1; }
LINT_FLAGS ?=
GO_TEST_FLAGS ?=

.DEFAULT_GOAL := help

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_-]+:.*?##/ { printf "  \033[36m%-17s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: ## Generate CRDs and RBAC from the API markers into config/ (and the chart's copies).
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./..." output:crd:artifacts:config=config/crd/bases
	rm -f charts/account-operator/files/crds/*.yaml
	cp config/crd/bases/*.yaml charts/account-operator/files/crds/
	cp config/rbac/role.yaml charts/account-operator/files/role.yaml

.PHONY: generate
generate: ## Generate deepcopy code for the API types.
	$(CONTROLLER_GEN) object paths="./api/..."

.PHONY: fmt
fmt: ## Run gofmt on the code.
	gofmt -l -w $$(git ls-files '*.go')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: ## Run golangci-lint and the Kubernetes API linter with .golangci.yml (LINT_FLAGS=--fix applies fixes).
	@$(LINT_CMD); set -x; "$$gcl" run $(LINT_FLAGS) ./...

.PHONY: helm
helm: ## Build (once) and print the directory holding helm.
	@hack/helm.sh

.PHONY: toolchain
toolchain: ## Build (once) and print the local control plane and kubectl directory.
	@hack/toolchain.sh

.PHONY: test
test: manifests generate vet ## Run unit, contract and envtest suites against a local kube-apiserver.
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	@$(ASSETS_CMD); $(HELM_CMD); set -x; KUBEBUILDER_ASSETS="$$assets" HELM="$$helm" go test $(GO_TEST_FLAGS) ./...

##@ Try it

.PHONY: demo
demo: ## Run the operator locally (control plane, sandbox upstreams, manager) with one Account per upstream; Ctrl-C stops it.
	go run ./hack/demo $(DEMO_FLAGS)

.PHONY: test-e2e
test-e2e: ## End-to-end tests: the manager binary driven by kubectl against a local control plane and the upstream sandbox.
	@$(ASSETS_CMD); set -x; E2E=1 KUBEBUILDER_ASSETS="$$assets" go test -count=1 -timeout 30m $(GO_TEST_FLAGS) ./test/e2e/ ./hack/demo/ ./hack/chaos/

##@ Measure

.PHONY: bench
bench: ## Scale benchmark, not a test (minutes): floors, N Accounts to Ready, steady state, restart, memory, API server CPU per kind of write, scale curve. BENCH_FLAGS=-h lists knobs.
	@$(ASSETS_CMD); set -x; KUBEBUILDER_ASSETS="$$assets" go run ./hack/bench $(BENCH_FLAGS)

FUZZTIME ?= 60s
.PHONY: fuzz
fuzz: ## Run every Go fuzz target for FUZZTIME each (FUZZ=<regex> picks targets); seed corpora run in make test.
	FUZZTIME=$(FUZZTIME) hack/fuzz.sh $(FUZZ)

.PHONY: chaos
chaos: ## Chaos run, not a test (minutes): manager SIGKILLs, an upstream fault storm, a kube-apiserver outage, token rotation under kills and under the storm, the leader of two replicas killed; table + JSON. CHAOS_FLAGS=-h lists knobs.
	@$(ASSETS_CMD); set -x; KUBEBUILDER_ASSETS="$$assets" go run ./hack/chaos $(CHAOS_FLAGS)

##@ Build

.PHONY: build
build: generate ## Build the manager binary into bin/manager.
	go build -o bin/manager .

.PHONY: kubectl-accounts
kubectl-accounts: ## Build the kubectl plugin into bin/kubectl-accounts (put it on PATH: `kubectl accounts ...`).
	go build -o bin/kubectl-accounts ./cmd/kubectl-accounts

# The platforms of the plugin's release archives; hack/krew/accounts.yaml lists the same.
KUBECTL_ACCOUNTS_PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
.PHONY: kubectl-accounts-dist
kubectl-accounts-dist: ## Cross-build the plugin's release archives and SHA256SUMS into bin/dist/ (VERSION=vX.Y.Z), named as hack/krew/accounts.yaml expects.
	@test -n "$(VERSION)" || { echo "set VERSION, e.g. make kubectl-accounts-dist VERSION=v0.1.0" >&2; exit 1; }
	rm -rf bin/dist && mkdir -p bin/dist
	for p in $(KUBECTL_ACCOUNTS_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; exe=kubectl-accounts; [[ $$os != windows ]] || exe=$$exe.exe; \
		work=$$(mktemp -d); \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags='-s -w' -o "$$work/$$exe" ./cmd/kubectl-accounts; \
		tar -C "$$work" -czf "bin/dist/kubectl-accounts_$(VERSION)_$${os}_$${arch}.tar.gz" "$$exe"; \
		rm -rf "$$work"; \
	done
	cd bin/dist && sha256sum *.tar.gz > SHA256SUMS

.PHONY: run
run: manifests generate ## Run the manager against the cluster in the current kubeconfig.
	go run . --metrics-bind-address=:8443 --health-probe-bind-address=:8081
