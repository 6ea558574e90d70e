package metricsendpoint

import (
	"crypto/tls"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parse(t *testing.T, args ...string) Options {
	t.Helper()
	var o Options
	fs := flag.NewFlagSet("manager", flag.ContinueOnError)
	o.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestDefaultsServeHTTPSWithAuthnAndAuthz(t *testing.T) {
	got, err := parse(t).ServerOptions()
	if err != nil {
		t.Fatal(err)
	}
	if got.BindAddress != ":8443" || !got.SecureServing || got.FilterProvider == nil {
		t.Fatalf("defaults: bind %q, secure %v, filter set %v; want :8443, HTTPS, authn/authz filter",
			got.BindAddress, got.SecureServing, got.FilterProvider != nil)
	}
	if got.CertDir != "" {
		t.Fatalf("cert dir %q without --metrics-cert-path; want controller-runtime's self-signed default", got.CertDir)
	}
	c := &tls.Config{NextProtos: []string{"h2"}}
	for _, f := range got.TLSOpts {
		f(c)
	}
	if strings.Join(c.NextProtos, ",") != "http/1.1" {
		t.Fatalf("ALPN %v: HTTP/2 must be off", c.NextProtos)
	}
}

func TestInsecureServesPlainHTTPWithoutChecks(t *testing.T) {
	got, err := parse(t, "--metrics-secure=false", "--metrics-bind-address=127.0.0.1:9090").ServerOptions()
	if err != nil {
		t.Fatal(err)
	}
	if got.SecureServing || got.FilterProvider != nil || got.BindAddress != "127.0.0.1:9090" {
		t.Fatalf("insecure: secure %v, filter set %v, bind %q", got.SecureServing, got.FilterProvider != nil, got.BindAddress)
	}
}

func TestCertPath(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"serving.crt", "serving.key"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := parse(t, "--metrics-cert-path="+dir, "--metrics-cert-name=serving.crt", "--metrics-cert-key=serving.key").ServerOptions()
	if err != nil {
		t.Fatal(err)
	}
	if got.CertDir != dir || got.CertName != "serving.crt" || got.KeyName != "serving.key" {
		t.Fatalf("cert %s/%s key %s", got.CertDir, got.CertName, got.KeyName)
	}
	for name, args := range map[string][]string{
		"a path without the files": {"--metrics-cert-path=" + dir},
		"a path with plain HTTP":   {"--metrics-cert-path=" + dir, "--metrics-secure=false"},
	} {
		if _, err := parse(t, args...).ServerOptions(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
