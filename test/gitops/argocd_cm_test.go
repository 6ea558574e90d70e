package gitops

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite config/argocd/argocd-cm.yaml from health.lua")

var configMapFile = filepath.Join("..", "..", "config", "argocd", "argocd-cm.yaml")

// healthKeys are the argocd-cm keys Argo CD looks up for the three kinds:
// resource.customizations.health.<group>_<kind>.
var healthKeys = []string{
	"resource.customizations.health.accounts.operator.dev_Account",
	"resource.customizations.health.accounts.operator.dev_AccountProvider",
	"resource.customizations.health.accounts.operator.dev_ClusterAccountProvider",
}

const configMapHeader = `# Argo CD health checks for accounts.operator.dev. Merge into argocd-cm, e.g.
#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file config/argocd/argocd-cm.yaml
# or list this file as a patch of an Argo CD kustomization.
# Generated from health.lua: go test ./test/gitops/ -run TestArgoCDConfigMap -update
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
`

// renderConfigMap embeds script under every key as a literal block.
func renderConfigMap(script string) []byte {
	var b bytes.Buffer
	b.WriteString(configMapHeader)
	for _, k := range healthKeys {
		b.WriteString("  " + k + ": |\n")
		for _, line := range strings.SplitAfter(script, "\n") {
			if strings.TrimSpace(line) == "" {
				b.WriteString(strings.TrimLeft(line, " \t"))
				continue
			}
			b.WriteString("    " + line)
		}
	}
	return b.Bytes()
}

func TestArgoCDConfigMap(t *testing.T) {
	script := readScript(t)
	if *update {
		if err := os.WriteFile(configMapFile, renderConfigMap(script), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(configMapFile)
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(b, &cm); err != nil {
		t.Fatal(err)
	}
	if cm.Kind != "ConfigMap" || cm.Name != "argocd-cm" {
		t.Errorf("got %s %q, want ConfigMap argocd-cm", cm.Kind, cm.Name)
	}
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != strings.Join(healthKeys, ",") {
		t.Errorf("data keys = %v, want %v", keys, healthKeys)
	}
	for _, k := range healthKeys {
		if cm.Data[k] != script {
			t.Errorf("%s differs from health.lua; run go test ./test/gitops/ -run TestArgoCDConfigMap -update", k)
		}
	}
}
