#!/usr/bin/env bash
# Builds the helm CLI from its Go module at the version pinned in hack/tools/helm/go.mod,
# into a cache outside the repository, and prints the directory that holds it.
#
# Nothing is downloaded but Go modules: this machine has no route to release buckets.
# The first run compiles helm (up to 10 minutes on 2 cores); later runs are instant.
#
# Usage: hack/helm.sh            print the directory holding helm, building if needed
#        hack/helm.sh --check    exit 0 only if helm is cached already
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tools="$here/tools/helm"

version=$(awk '$1 == "helm.sh/helm/v4" && $2 ~ /^v/ {print $2}' "$tools/go.mod")
sum_hash=$(cat "$tools/go.mod" "$tools/go.sum" | sha256sum | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/account-operator"
dest="$cache_root/helm-${version}-${sum_hash}"

if [[ "${1:-}" == "--check" ]]; then
	[[ -x "$dest/helm" ]]
	exit
fi

if [[ -x "$dest/helm" ]]; then
	echo "$dest"
	exit 0
fi

# Stamp the version: an unstamped build reports only "v4.3", and charts that
# pin a helm version (and our own checks) need the full release number.
ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$version"
ldflags+=" -X helm.sh/helm/v4/internal/version.gitTreeState=clean"

echo ">> first run: compiling helm $version from Go modules" \
	"(up to 10 minutes on 2 cores; cached afterwards in $cache_root)" >&2
mkdir -p "$dest.tmp"
(cd "$tools" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$dest.tmp/helm" helm.sh/helm/v4/cmd/helm) >&2
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo ">> helm ready" >&2
echo "$dest"
