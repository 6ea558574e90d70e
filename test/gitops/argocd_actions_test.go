package gitops

import (
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestArgoCDActionDiscovery(t *testing.T) {
	s := readScripts(t)
	seen := map[string]bool{}
	for name, f := range actionFixtures() {
		t.Run(name, func(t *testing.T) {
			got, err := runDiscovery(s.discovery, unstructuredOf(t, f.account))
			if err != nil {
				t.Fatal(err)
			}
			if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(f.offers)); !slices.Equal(g, w) {
				t.Fatalf("offered %v, want %v", g, w)
			}
			for action, enabled := range f.offers {
				seen[action] = true
				if got[action].Disabled == enabled {
					t.Errorf("%s: disabled = %t, want %t", action, got[action].Disabled, !enabled)
				}
				if got[action].DisplayName == "" || !strings.HasPrefix(got[action].IconClass, "fa fa-fw fa-") {
					t.Errorf("%s: displayName %q, iconClass %q: want a name and a Font Awesome icon", action, got[action].DisplayName, got[action].IconClass)
				}
			}
		})
	}
	var defined []string
	for _, d := range s.actions {
		defined = append(defined, d.Name)
	}
	if g := slices.Sorted(maps.Keys(seen)); !slices.Equal(g, defined) {
		t.Errorf("discovery offers %v, config/argocd/actions defines %v", g, defined)
	}
}

// stampRE is os.date("!%Y-%m-%dT%XZ"), the form Argo CD's built-in restart
// actions write.
var stampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// wantAnnotations are the annotations action must leave on an Account that
// had before, stamp being the time it wrote; refused is true when the action
// must fail instead.
func wantAnnotations(action string, before map[string]string, vectorCharts bool, stamp string) (after map[string]string, refused bool) {
	after = maps.Clone(before)
	if after == nil {
		after = map[string]string{}
	}
	switch action {
	case "reconcile":
		after[annReconcile] = stamp
	case "pause":
		after[annPaused] = "true"
	case "resume":
		delete(after, annPaused)
	case "rotate":
		if !vectorCharts {
			return nil, true
		}
		after[annRotate] = stamp
	}
	return after, false
}

func TestArgoCDActions(t *testing.T) {
	s := readScripts(t)
	for name, f := range actionFixtures() {
		for _, d := range s.actions {
			t.Run(name+"/"+d.Name, func(t *testing.T) {
				live := unstructuredOf(t, f.account)
				start := time.Now().UTC().Truncate(time.Second)
				got, err := runAction(d.Action, live)
				end := time.Now().UTC()
				after, refused := wantAnnotations(d.Name, f.account.Annotations, f.account.Spec.VectorCharts != nil, stampIn(got, d.Name))
				if refused {
					if err == nil || !strings.Contains(err.Error(), "only to a VectorCharts Account") {
						t.Fatalf("err = %v, want the action refused for a non-VectorCharts Account", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				checkStamp(t, got, d.Name, start, end)
				if want := withAnnotations(t, live, after); !reflect.DeepEqual(normalized(t, got.object), want) {
					t.Errorf("Argo CD would send %s; want only the annotations to become %v", got.patch, after)
				}
			})
		}
	}
}

// stampKeys are the annotations the request actions set to the time.
var stampKeys = map[string]string{"reconcile": annReconcile, "rotate": annRotate}

// stampIn is the value the action left in its request annotation, if any.
func stampIn(r actionResult, action string) string {
	u := unstructured.Unstructured{Object: r.object}
	return u.GetAnnotations()[stampKeys[action]]
}

// checkStamp checks that the request annotation the action wrote is the time
// it ran, in os.date's UTC form.
func checkStamp(t *testing.T, r actionResult, action string, start, end time.Time) {
	t.Helper()
	if stampKeys[action] == "" {
		return
	}
	v := stampIn(r, action)
	at, err := time.Parse(time.RFC3339, v)
	if !stampRE.MatchString(v) || err != nil || at.Before(start) || at.After(end) {
		t.Errorf("%s wrote %q, want the UTC time it ran (%s..%s) as YYYY-MM-DDThh:mm:ssZ", action, v, start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
}

// withAnnotations is live, as JSON decodes it, with the given annotations
// (none: no annotations field).
func withAnnotations(t *testing.T, live *unstructured.Unstructured, annotations map[string]string) map[string]any {
	t.Helper()
	u := live.DeepCopy()
	u.SetAnnotations(nil)
	if len(annotations) > 0 {
		u.SetAnnotations(annotations)
	}
	return normalized(t, u.Object)
}

// normalized is obj through JSON, so numbers compare as JSON numbers whether
// they came from Go (int64) or Lua (float64).
func normalized(t *testing.T, obj map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestArgoCDActionPatches pins the merge patches Argo CD sends for the cases
// that differ in form: a new key, a removed key, the last annotation removed,
// and nothing to do.
func TestArgoCDActionPatches(t *testing.T) {
	s, fixtures := readScripts(t), actionFixtures()
	cases := []struct{ action, fixture, want string }{
		{"pause", "ccm", `{"metadata":{"annotations":{"accounts.operator.dev/paused":"true"}}}`},
		{"pause", "ccm paused false", `{"metadata":{"annotations":{"accounts.operator.dev/paused":"true"}}}`},
		{"pause", "scp paused", `{}`},
		{"resume", "scp paused", `{"metadata":{"annotations":{"accounts.operator.dev/paused":null}}}`},
		// An empty Lua table would come back as the live map: still paused.
		{"resume", "ccm paused", `{"metadata":{"annotations":null}}`},
		{"resume", "ccm annotated", `{}`},
		{"reconcile", "ccm", `{"metadata":{"annotations":{"accounts.operator.dev/reconcile-requested-at":"STAMP"}}}`},
		{"rotate", "vectorcharts annotated", `{"metadata":{"annotations":{"accounts.operator.dev/rotate-requested-at":"STAMP"}}}`},
		{"rotate", "vectorcharts defaults", `{"metadata":{"annotations":{"accounts.operator.dev/rotate-requested-at":"STAMP"}}}`},
	}
	for _, c := range cases {
		t.Run(c.action+"/"+c.fixture, func(t *testing.T) {
			got, err := runAction(s.action(t, c.action), unstructuredOf(t, fixtures[c.fixture].account))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.Replace(c.want, "STAMP", stampIn(got, c.action), 1); got.patch != want {
				t.Errorf("patch = %s, want %s", got.patch, want)
			}
		})
	}
}

// TestArgoCDLuaLibraries checks that the test VM refuses what Argo CD's does,
// so a script that passes here cannot fail there for a missing library.
func TestArgoCDLuaLibraries(t *testing.T) {
	u := unstructuredOf(t, newAccount())
	for _, script := range []string{
		`return {os.date("!%Y")}`, // no global os
		`return {string.format("%d", 1)}`,
		`return {math.floor(1.5)}`,
		`return {io.open("/etc/hostname")}`,
		`local os = require("os"); return {os.getenv("HOME")}`,
		`local os = require("os"); return {os.execute("true")}`,
		`return {require("string")}`,
		`while true do end`, // the one-second deadline
	} {
		if out, err := runArgoLua(script, u); err == nil {
			t.Errorf("%s returned %s; Argo CD's VM refuses it", script, out)
		}
	}
	out, err := runArgoLua(`local os = require("os"); return {os.date("!%Y-%m-%dT%XZ"), type(os.time()), table.concat({"a", "b"})}`, u)
	if err != nil {
		t.Fatal(err)
	}
	var got []any
	if err := json.Unmarshal(out, &got); err != nil || len(got) != 3 || !stampRE.MatchString(got[0].(string)) || got[1] != "number" || got[2] != "ab" {
		t.Errorf("require(\"os\") with date and time, and table, should work as in Argo CD: got %s (%v)", out, err)
	}
}
