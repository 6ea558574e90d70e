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

var update = flag.Bool("update", false, "rewrite config/argocd/argocd-cm.yaml from health.lua and actions/")

var configMapFile = filepath.Join("..", "..", "config", "argocd", "argocd-cm.yaml")

// healthKeys are the argocd-cm keys Argo CD looks up for the three kinds:
// resource.customizations.health.<group>_<kind>.
var healthKeys = []string{
	"resource.customizations.health.accounts.operator.dev_Account",
	"resource.customizations.health.accounts.operator.dev_AccountProvider",
	"resource.customizations.health.accounts.operator.dev_ClusterAccountProvider",
}

// actionsKey is the argocd-cm key of the Account's resource actions:
// resource.customizations.actions.<group>_<kind>.
const actionsKey = "resource.customizations.actions.accounts.operator.dev_Account"

// argoActions is the YAML under actionsKey, as Argo CD's ResourceActions
// reads it.
type argoActions struct {
	Discovery   string          `json:"discovery.lua"`
	Definitions []argoActionDef `json:"definitions"`
}

// argoActionDef is one of its definitions (ResourceActionDefinition).
type argoActionDef struct {
	Name   string `json:"name"`
	Action string `json:"action.lua"`
}

const configMapHeader = `# Argo CD health checks for accounts.operator.dev and resource actions for its
# Account (reconcile, pause, resume, rotate). Merge into argocd-cm, e.g.
#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file config/argocd/argocd-cm.yaml
# or list this file as a patch of an Argo CD kustomization.
# Generated from health.lua and actions/: go test ./test/gitops/ -run TestArgoCDConfigMap -update
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

// literal writes "key: |" and text as a YAML literal block, the key indented
// by indent spaces and the text two more; blank lines stay empty.
func literal(b *bytes.Buffer, indent int, key, text string) {
	pad := strings.Repeat(" ", indent)
	b.WriteString(pad + key + ": |\n")
	for _, line := range strings.SplitAfter(text, "\n") {
		if strings.TrimSpace(line) == "" {
			b.WriteString(strings.TrimLeft(line, " \t"))
			continue
		}
		b.WriteString(pad + "  " + line)
	}
}

// renderActions is the YAML of the actions in Argo CD's format.
func renderActions(s argoScripts) string {
	var b bytes.Buffer
	literal(&b, 0, "discovery.lua", s.discovery)
	b.WriteString("definitions:\n")
	for _, d := range s.actions {
		b.WriteString("- name: " + d.Name + "\n")
		literal(&b, 2, "action.lua", d.Action)
	}
	return b.String()
}

// renderConfigMap embeds the health script under every health key and the
// actions under actionsKey, as literal blocks.
func renderConfigMap(s argoScripts) []byte {
	var b bytes.Buffer
	b.WriteString(configMapHeader)
	for _, k := range healthKeys {
		literal(&b, 2, k, s.health)
	}
	literal(&b, 2, actionsKey, renderActions(s))
	return b.Bytes()
}

func TestArgoCDConfigMap(t *testing.T) {
	s := readScripts(t)
	if *update {
		if err := os.WriteFile(configMapFile, renderConfigMap(s), 0o644); err != nil {
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
	want := append([]string{actionsKey}, healthKeys...)
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("data keys = %v, want %v", keys, want)
	}
	const rerun = "; run go test ./test/gitops/ -run TestArgoCDConfigMap -update"
	for _, k := range healthKeys {
		if cm.Data[k] != s.health {
			t.Errorf("%s differs from health.lua%s", k, rerun)
		}
	}
	checkActions(t, cm.Data[actionsKey], s, rerun)
}

// checkActions parses the actions value strictly (a misspelt field would be
// ignored by Argo CD) and compares every script with its file.
func checkActions(t *testing.T, value string, s argoScripts, rerun string) {
	t.Helper()
	var got argoActions
	if err := yaml.UnmarshalStrict([]byte(value), &got); err != nil {
		t.Fatalf("%s: %v", actionsKey, err)
	}
	if got.Discovery != s.discovery {
		t.Errorf("%s discovery.lua differs from actions/discovery.lua%s", actionsKey, rerun)
	}
	if len(got.Definitions) != len(s.actions) {
		t.Fatalf("%s has %d definitions, actions/ has %d%s", actionsKey, len(got.Definitions), len(s.actions), rerun)
	}
	for i, d := range s.actions {
		if got.Definitions[i] != d {
			t.Errorf("%s definition %d (%q) differs from actions/%s/action.lua%s", actionsKey, i, got.Definitions[i].Name, d.Name, rerun)
		}
	}
}
