// Package e2e drives the built manager binary end to end, as a user would:
// only kubectl and the YAML a user writes, against a local control plane and
// the upstream sandbox binary (see internal/localenv). The tests run only
// with E2E=1 and KUBEBUILDER_ASSETS set (make test-e2e); otherwise they skip.
package e2e
