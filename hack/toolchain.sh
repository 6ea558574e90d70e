#!/usr/bin/env bash
# Builds the local test control plane (kube-apiserver, etcd) and kubectl from their
# Go modules at the versions pinned in hack/tools/go.mod, into a cache outside the
# repository, and prints the directory that holds them (usable as KUBEBUILDER_ASSETS).
#
# Nothing is downloaded but Go modules: this machine has no route to release buckets.
# The first run compiles Kubernetes and takes several minutes; later runs are instant.
#
# Usage: hack/toolchain.sh            print the assets directory, building if needed
#        hack/toolchain.sh --check    exit 0 only if every binary is cached already
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tools="$here/tools"

k8s_version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2}' "$tools/go.mod")
etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ {print $2}' "$tools/go.mod")
sum_hash=$(cat "$tools/go.mod" "$tools/go.sum" | sha256sum | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/account-operator"
dest="$cache_root/k8s-${k8s_version}-${sum_hash}"
bins=(kube-apiserver etcd kubectl)

have_all() {
	local b
	for b in "${bins[@]}"; do [[ -x "$dest/$b" ]] || return 1; done
}

if [[ "${1:-}" == "--check" ]]; then
	have_all
	exit
fi

if have_all; then
	echo "$dest"
	exit 0
fi

# Stamp the version: unstamped binaries report v0.0.0-master+$Format:%H$, which
# kubectl and helm refuse to parse.
minor=$(echo "$k8s_version" | cut -d. -f2)
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
	ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

mkdir -p "$dest.tmp"
build() { # name package
	echo ">> building $1 ($2) into $dest" >&2
	(cd "$tools" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$dest.tmp/$1" "$2") >&2
}
echo ">> first run: compiling Kubernetes $k8s_version and etcd $etcd_version from Go modules" \
	"(about 8 minutes on 2 cores; cached afterwards in $cache_root)" >&2
build etcd go.etcd.io/etcd/server/v3
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
build kubectl k8s.io/kubernetes/cmd/kubectl
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo ">> toolchain ready" >&2
echo "$dest"
