package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// maxConformNotes bounds what Conform reports for one answer.
const maxConformNotes = 8

// Conform compares a JSON answer with the Go type the operator models it as
// (model is a value or pointer of a struct, slice or map type whose json tags
// name the expected fields) and returns one note per difference: a field the
// model does not know, or a value of another JSON type than the model's. It is
// for the conformance probe, never for a call's own decoding, which decodes only
// what it uses and ignores the rest. Notes name paths and types, never values,
// so a secret in an answer never shows. At most maxConformNotes notes, sorted.
func Conform(body []byte, model any) []string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{"answer is not JSON"}
	}
	var notes []string
	conform(&notes, "", v, reflect.TypeOf(model))
	sort.Strings(notes)
	notes = slices.Compact(notes)
	if len(notes) > maxConformNotes {
		notes = append(notes[:maxConformNotes], fmt.Sprintf("and %d more", len(notes)-maxConformNotes))
	}
	return notes
}

func conform(notes *[]string, path string, v any, t reflect.Type) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil || t == nil || t.Kind() == reflect.Interface || t == rawMessageType {
		return // null fits any optional field; an interface or raw value takes anything
	}
	want := jsonKind(t)
	if got := jsonKindOf(v); got != want {
		*notes = append(*notes, fmt.Sprintf("%s: %s, expected %s", label(path), got, want))
		return
	}
	switch x := v.(type) {
	case map[string]any:
		conformObject(notes, path, x, t)
	case []any:
		for i, e := range x {
			if i >= 3 { // the first elements show a shape; all would only repeat it
				break
			}
			conform(notes, fmt.Sprintf("%s[%d]", path, i), e, t.Elem())
		}
	}
}

func conformObject(notes *[]string, path string, obj map[string]any, t reflect.Type) {
	if t.Kind() == reflect.Map {
		for _, e := range obj { // keys may be ids: every entry is noted under "*"
			conform(notes, join(path, "*"), e, t.Elem())
		}
		return
	}
	fields := jsonFields(t)
	for k, e := range obj {
		ft, ok := fields[k]
		if !ok {
			*notes = append(*notes, fmt.Sprintf("%s: unknown field", label(join(path, k))))
			continue
		}
		conform(notes, join(path, k), e, ft)
	}
}

var rawMessageType = reflect.TypeOf(json.RawMessage{})

// jsonFields maps the json names of a struct's fields (embedded structs
// flattened) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func jsonKind(t reflect.Type) string {
	if t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return "string"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string" // []byte is base64 in JSON
		}
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	}
	return "value"
}

var textUnmarshalerType = reflect.TypeOf((*interface{ UnmarshalText([]byte) error })(nil)).Elem()

func jsonKindOf(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "value"
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func label(path string) string {
	if path == "" {
		return "answer"
	}
	return path
}
