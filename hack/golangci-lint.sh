#!/usr/bin/env bash
# Builds golangci-lint, with the Kubernetes API linter (sigs.k8s.io/kube-api-linter)
# compiled in as a module plugin, from the Go modules pinned in hack/tools/lint/go.mod,
# into a cache outside the repository, and prints the path of the binary.
#
# Why not `golangci-lint custom` with a .custom-gcl.yml: that command git-clones the
# golangci-lint repository, and this machine reaches only the Go module proxy. The
# plugin ships the same custom binary as a main package
# (cmd/golangci-lint-kube-api-linter: golangci-lint's main plus the plugin import), so
# building that package against the pinned golangci-lint gives the identical result.
#
# The first run compiles golangci-lint (several minutes on 2 cores); later runs are instant.
#
# Usage: hack/golangci-lint.sh            print the binary's path, building if needed
#        hack/golangci-lint.sh --check    exit 0 only if the binary is cached already
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tools="$here/tools/lint"

gcl_version=$(awk '$1 == "github.com/golangci/golangci-lint/v2" && $2 ~ /^v/ {print $2}' "$tools/go.mod")
kal_version=$(awk '$1 == "sigs.k8s.io/kube-api-linter" && $2 ~ /^v/ {print $2}' "$tools/go.mod")
sum_hash=$(cat "$tools/go.mod" "$tools/go.sum" | sha256sum | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/account-operator"
dest="$cache_root/golangci-lint-${gcl_version}-${sum_hash}"

if [[ "${1:-}" == "--check" ]]; then
	[[ -x "$dest/golangci-lint" ]]
	exit
fi

if [[ -x "$dest/golangci-lint" ]]; then
	echo "$dest/golangci-lint"
	exit 0
fi

# Stamp the versions: `golangci-lint version` then names both pins instead of "(devel)".
# A non-empty date keeps main from overwriting the version with the tools module's own.
ldflags="-s -w -X main.version=$kal_version -X main.date=pinned"

echo ">> first run: compiling golangci-lint $gcl_version with kube-api-linter $kal_version" \
	"from Go modules (several minutes on 2 cores; cached afterwards in $cache_root)" >&2
mkdir -p "$dest.tmp"
(cd "$tools" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$dest.tmp/golangci-lint" \
	sigs.k8s.io/kube-api-linter/cmd/golangci-lint-kube-api-linter) >&2
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo ">> golangci-lint ready" >&2
echo "$dest/golangci-lint"
