package gitops

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// health is the part of Argo CD's HealthStatus a script returns.
type health struct {
	Status  string
	Message string
}

// argoStatuses are the statuses Argo CD accepts from a script; anything else
// becomes Unknown.
var argoStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true,
	"Suspended": true, "Missing": true, "Unknown": true,
}

// runHealth runs a health script the way Argo CD's util/lua VM does for a
// script from argocd-cm: no standard libraries except package, base and table
// (Argo CD adds a reduced os library, which the script does not use), a
// one-second deadline, and the object as the global table obj.
func runHealth(script string, u *unstructured.Unstructured) (health, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	libs := []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}}
	for _, lib := range libs {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), Protect: true}, lua.LString(lib.name)); err != nil {
			return health{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, u.Object))
	if err := l.DoString(script); err != nil {
		return health{}, err
	}
	return healthOf(l.Get(-1))
}

// healthOf reads the returned table as Argo CD does (JSON into HealthStatus).
func healthOf(v lua.LValue) (health, error) {
	tbl, ok := v.(*lua.LTable)
	if !ok {
		return health{}, fmt.Errorf("expect table output from Lua script, not %s", v.Type())
	}
	var h health
	for field, dst := range map[string]*string{"status": &h.Status, "message": &h.Message} {
		switch s := tbl.RawGetString(field).(type) {
		case lua.LString:
			*dst = string(s)
		case *lua.LNilType:
		default:
			return health{}, fmt.Errorf("hs.%s is a %s, not a string", field, s.Type())
		}
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
