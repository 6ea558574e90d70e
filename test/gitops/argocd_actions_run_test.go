package gitops

import (
	"bytes"
	"encoding/json"
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// offered is an action as Argo CD's action discovery reads it from the table
// discovery.lua returns (ResourceAction); only a boolean disabled counts.
type offered struct {
	Disabled    bool   `json:"disabled"`
	DisplayName string `json:"displayName"`
	IconClass   string `json:"iconClass"`
}

// runDiscovery runs discovery.lua on u and returns the actions offered. An
// action's table may be empty ({} encodes as []); otherwise its fields are
// decoded strictly, since Argo CD would silently ignore a misspelt one.
func runDiscovery(script string, u *unstructured.Unstructured) (map[string]offered, error) {
	out, err := runArgoLua(script, u)
	if err != nil {
		return nil, err
	}
	actions := map[string]offered{}
	if string(out) == "[]" {
		return actions, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(out, &raw); err != nil {
		return nil, fmt.Errorf("discovery returned %s: %w", out, err)
	}
	for name, v := range raw {
		var o offered
		if string(v) != "[]" {
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&o); err != nil {
				return nil, fmt.Errorf("action %s: %s: %w", name, v, err)
			}
		}
		actions[name] = o
	}
	return actions, nil
}

// actionResult is what Argo CD makes of an action run on live: the object it
// patches towards, and the JSON merge patch it sends to the API server.
type actionResult struct {
	object map[string]any
	patch  string
}

// runAction runs an action script on live as Argo CD's RunResourceAction
// does: the returned table is encoded to JSON, must be an object (the
// modified resource; the list form is not used here), keeps the live maps
// the script's Lua tables turned into empty lists, and is diffed against live
// as a JSON merge patch.
func runAction(script string, live *unstructured.Unstructured) (actionResult, error) {
	out, err := runArgoLua(script, live)
	if err != nil {
		return actionResult{}, err
	}
	var obj map[string]any
	if err := json.Unmarshal(out, &obj); err != nil {
		return actionResult{}, fmt.Errorf("action returned %s, not the modified object: %w", out, err)
	}
	keepLiveMaps(obj, live.Object)
	liveJSON, err := json.Marshal(live.Object)
	if err != nil {
		return actionResult{}, err
	}
	newJSON, err := json.Marshal(obj)
	if err != nil {
		return actionResult{}, err
	}
	patch, err := jsonpatch.CreateMergePatch(liveJSON, newJSON)
	if err != nil {
		return actionResult{}, err
	}
	return actionResult{object: obj, patch: string(patch)}, nil
}

// keepLiveMaps puts back, as Argo CD does with an action's result, each live
// map that came back as an empty list (Lua has one kind of table, and an
// empty one encodes as []), looking into nested maps and lists.
func keepLiveMaps(got, live map[string]any) {
	for k, lv := range live {
		switch g := got[k].(type) {
		case map[string]any:
			if l, ok := lv.(map[string]any); ok {
				keepLiveMaps(g, l)
			}
		case []any:
			switch l := lv.(type) {
			case map[string]any:
				if len(g) == 0 {
					got[k] = l
				}
			case []any:
				keepLiveMapsIn(g, l)
			}
		}
	}
}

func keepLiveMapsIn(got, live []any) {
	for i := 0; i < len(got) && i < len(live); i++ {
		switch g := got[i].(type) {
		case map[string]any:
			if l, ok := live[i].(map[string]any); ok {
				keepLiveMaps(g, l)
			}
		case []any:
			if l, ok := live[i].([]any); ok {
				keepLiveMapsIn(g, l)
			}
		}
	}
}
