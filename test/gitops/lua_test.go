package gitops

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	luajson "layeh.com/gopher-json"
)

// health is the part of Argo CD's HealthStatus a script returns.
type health struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// argoStatuses are the statuses Argo CD accepts from a script; anything else
// becomes Unknown.
var argoStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true,
	"Suspended": true, "Missing": true, "Unknown": true,
}

// runArgoLua runs a script the way Argo CD's util/lua VM runs a health check,
// an action discovery or an action set in argocd-cm, and returns the JSON of
// the table the script returns, encoded as Argo CD encodes it (gopher-json:
// an empty table is []). The VM opens no standard library but package, base
// and table; os is reachable only as require("os"), with only time and date
// (Argo CD's safe os: its OpenSafeOs sets no global os); the script has a
// one-second deadline and the object as the global table obj.
func runArgoLua(script string, u *unstructured.Unstructured) ([]byte, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	libs := []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}}
	for _, lib := range libs {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), Protect: true}, lua.LString(lib.name)); err != nil {
			return nil, err
		}
	}
	if err := preloadSafeOs(l); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, u.Object))
	if err := l.DoString(script); err != nil {
		return nil, err
	}
	ret := l.Get(-1)
	if ret.Type() != lua.LTTable {
		return nil, fmt.Errorf("expect table output from Lua script, not %s", ret.Type())
	}
	return luajson.Encode(ret)
}

// preloadSafeOs makes require("os") return a table with only gopher-lua's
// os.time and os.date, the two functions of Argo CD's safe os library, and
// leaves no global os.
func preloadSafeOs(l *lua.LState) error {
	if err := l.CallByParam(lua.P{Fn: l.NewFunction(lua.OpenOs), Protect: true}, lua.LString(lua.OsLibName)); err != nil {
		return err
	}
	full, ok := l.GetGlobal(lua.OsLibName).(*lua.LTable)
	if !ok {
		return fmt.Errorf("gopher-lua opened no os table")
	}
	safe := l.NewTable()
	for _, f := range []string{"time", "date"} {
		safe.RawSetString(f, full.RawGetString(f))
	}
	l.SetGlobal(lua.OsLibName, lua.LNil)
	l.SetField(l.GetField(l.Get(lua.RegistryIndex), "_LOADED"), lua.OsLibName, lua.LNil)
	l.PreloadModule(lua.OsLibName, func(l *lua.LState) int {
		l.Push(safe)
		return 1
	})
	return nil
}

// runHealth runs a health script and reads its result as Argo CD does (JSON
// into HealthStatus).
func runHealth(script string, u *unstructured.Unstructured) (health, error) {
	out, err := runArgoLua(script, u)
	if err != nil {
		return health{}, err
	}
	var h health
	if err := json.Unmarshal(out, &h); err != nil {
		return health{}, fmt.Errorf("health script returned %s: %w", out, err)
	}
	if !argoStatuses[h.Status] {
		return health{}, fmt.Errorf("invalid health status %q: Argo CD would show Unknown", h.Status)
	}
	return h, nil
}

// toLua converts an unstructured value with the same cases as Argo CD's
// decodeValue: numbers become Lua numbers, lists 1-based tables, unknown
// types nil.
func toLua(l *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case string:
		return lua.LString(x)
	case json.Number:
		return lua.LString(x)
	case float64:
		return lua.LNumber(x)
	case int:
		return lua.LNumber(x)
	case int32:
		return lua.LNumber(x)
	case int64:
		return lua.LNumber(x)
	case []any:
		t := l.CreateTable(len(x), 0)
		for _, item := range x {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]any:
		t := l.CreateTable(0, len(x))
		for k, item := range x {
			t.RawSetH(lua.LString(k), toLua(l, item))
		}
		return t
	}
	return lua.LNil
}
