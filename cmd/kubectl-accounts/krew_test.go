package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"

	"sigs.k8s.io/yaml"
)

// krewPlugin is the part of krew's Plugin manifest (v1alpha2) the test checks.
type krewPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Version          string `json:"version"`
		Homepage         string `json:"homepage"`
		ShortDescription string `json:"shortDescription"`
		Description      string `json:"description"`
		Caveats          string `json:"caveats"`
		Platforms        []struct {
			Selector struct {
				MatchLabels map[string]string `json:"matchLabels"`
			} `json:"selector"`
			URI    string `json:"uri"`
			SHA256 string `json:"sha256"`
			Bin    string `json:"bin"`
		} `json:"platforms"`
	} `json:"spec"`
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// TestKrewManifest renders hack/krew/accounts.yaml as krew-release-bot does
// (addURIAndSha renders the URL with the tag, and writes the uri and the
// archive's sha256 lines) and checks the manifest krew would get: one
// platform per archive `make kubectl-accounts-dist` builds, each archive URL
// named as that target names it, each with its sha256 and the binary.
func TestKrewManifest(t *testing.T) {
	const tag = "v1.2.3"
	root := filepath.Join("..", "..")
	src, err := os.ReadFile(filepath.Join(root, "hack", "krew", "accounts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]string{"TagName": tag}
	tmpl, err := template.New("krew").Funcs(template.FuncMap{
		"addURIAndSha": func(url, tag string) (string, error) {
			var u bytes.Buffer
			if err := template.Must(template.New("url").Parse(url)).Execute(&u, map[string]string{"TagName": tag}); err != nil {
				return "", err
			}
			return fmt.Sprintf("uri: %s\n    sha256: %s", u.String(), strings.Repeat("ab", 32)), nil
		},
	}).Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, data); err != nil {
		t.Fatal(err)
	}
	var p krewPlugin
	if err := yaml.UnmarshalStrict(out.Bytes(), &p); err != nil {
		t.Fatalf("the rendered manifest is not a krew Plugin: %v\n%s", err, out.String())
	}
	if p.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || p.Kind != "Plugin" || p.Metadata.Name != "accounts" {
		t.Errorf("apiVersion %q, kind %q, name %q: want krew.googlecontainertools.github.com/v1alpha2 Plugin accounts",
			p.APIVersion, p.Kind, p.Metadata.Name)
	}
	if p.Spec.Version != tag || p.Spec.Homepage == "" || p.Spec.ShortDescription == "" || p.Spec.Description == "" {
		t.Errorf("version %q (want %s), homepage, shortDescription and description must be set", p.Spec.Version, tag)
	}
	var platforms []string
	for _, pl := range p.Spec.Platforms {
		os, arch := pl.Selector.MatchLabels["os"], pl.Selector.MatchLabels["arch"]
		platforms = append(platforms, os+"/"+arch)
		wantURI := fmt.Sprintf("https://github.com/account-operator/account-operator/releases/download/%s/"+
			"kubectl-accounts_%s_%s_%s.tar.gz", tag, tag, os, arch)
		wantBin := "kubectl-accounts"
		if os == "windows" {
			wantBin += ".exe"
		}
		if pl.URI != wantURI || !sha256Hex.MatchString(pl.SHA256) || pl.Bin != wantBin {
			t.Errorf("platform %s/%s: uri %q sha256 %q bin %q; want uri %q, a sha256, bin %q",
				os, arch, pl.URI, pl.SHA256, pl.Bin, wantURI, wantBin)
		}
	}
	if want := distPlatforms(t, root); !slices.Equal(platforms, want) {
		t.Errorf("the manifest's platforms %v differ from the archives make kubectl-accounts-dist builds %v", platforms, want)
	}
}

// distPlatforms are the Makefile's KUBECTL_ACCOUNTS_PLATFORMS.
func distPlatforms(t *testing.T, root string) []string {
	t.Helper()
	mk, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^KUBECTL_ACCOUNTS_PLATFORMS \?= (.*)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("the Makefile sets no KUBECTL_ACCOUNTS_PLATFORMS")
	}
	return strings.Fields(string(m[1]))
}
