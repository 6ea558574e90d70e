// Package metricsendpoint is the manager's metrics endpoint as current
// kubebuilder scaffolds serve it: HTTPS, every scrape authenticated
// (TokenReview) and authorized (SubjectAccessReview for GET on the
// nonResourceURL /metrics) by the kube-apiserver, through controller-runtime's
// filters. main.go and the tests that scrape it build it here, so what the
// tests check is what the manager serves.
package metricsendpoint

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// DefaultBindAddress is the HTTPS port kubebuilder scaffolds serve metrics on.
const DefaultBindAddress = ":8443"

// Options are the manager's metrics flags.
type Options struct {
	BindAddress string
	Secure      bool
	CertDir     string // "": a self-signed certificate made at start
	CertName    string
	KeyName     string
}

// BindFlags registers the metrics flags with their defaults on fs.
func (o *Options) BindFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.BindAddress, "metrics-bind-address", DefaultBindAddress,
		"Address the metrics endpoint binds to; 0 disables it.")
	fs.BoolVar(&o.Secure, "metrics-secure", true,
		"Serve metrics over HTTPS and let only callers the Kubernetes API authenticates and authorizes "+
			"(GET on the non-resource URL /metrics) scrape them; false: plain HTTP with no checks, for loopback use.")
	fs.StringVar(&o.CertDir, "metrics-cert-path", "",
		"Directory holding the metrics serving certificate and key, reloaded when they change; empty: a self-signed certificate made at start.")
	fs.StringVar(&o.CertName, "metrics-cert-name", "tls.crt", "File name of the metrics serving certificate in --metrics-cert-path.")
	fs.StringVar(&o.KeyName, "metrics-cert-key", "tls.key", "File name of the metrics serving key in --metrics-cert-path.")
}

// ServerOptions are the controller-runtime metrics server options o asks for.
func (o Options) ServerOptions() (metricsserver.Options, error) {
	opts := metricsserver.Options{BindAddress: o.BindAddress, SecureServing: o.Secure}
	if !o.Secure {
		if o.CertDir != "" {
			return metricsserver.Options{}, errors.New("--metrics-cert-path needs --metrics-secure")
		}
		return opts, nil
	}
	opts.FilterProvider = filters.WithAuthenticationAndAuthorization
	// No HTTP/2, as the scaffold: it keeps the endpoint out of the HTTP/2
	// Rapid Reset and stream cancellation attacks, and scrapers speak HTTP/1.1.
	opts.TLSOpts = []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }}
	if o.CertDir == "" {
		return opts, nil
	}
	// controller-runtime falls back to a self-signed certificate when the
	// files are missing; a path given on purpose that holds none is a mistake.
	for _, name := range []string{o.CertName, o.KeyName} {
		if _, err := os.Stat(filepath.Join(o.CertDir, name)); err != nil {
			return metricsserver.Options{}, fmt.Errorf("metrics certificate: %w", err)
		}
	}
	opts.CertDir, opts.CertName, opts.KeyName = o.CertDir, o.CertName, o.KeyName
	return opts, nil
}
