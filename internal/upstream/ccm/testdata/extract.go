//go:build ignore

// extract derives account-schema.json from the vendor Swagger: the
// definitions reachable from AccountRequest and AccountUpdateRequest, keeping
// only what a structural check needs (type, format, required, enum,
// properties, items, additionalProperties, $ref). Two facts the Swagger states
// only in prose are added as annotations:
//
//   - x-exactly-one: AuthenticationConfig, TlsConfig and CaConfig hold exactly
//     one of their properties (reference: "an object with one of these keys").
//   - x-permutation: AzureCvmPcrPriority is "Ordered list of exactly the
//     integer elements 0 through 22" (its description).
//
// Run from the repository root:
//
//	go run ./internal/upstream/ccm/testdata/extract.go ../shared/reference/ccm-swagger.json \
//	    > internal/upstream/ccm/testdata/account-schema.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

var keep = []string{"type", "format", "required", "enum", "properties", "items", "additionalProperties", "$ref"}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var doc struct {
		Definitions map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		fail(err)
	}
	out := map[string]any{}
	queue := []string{"AccountRequest", "AccountUpdateRequest"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if _, done := out[name]; done {
			continue
		}
		def, ok := doc.Definitions[name]
		if !ok {
			fail(fmt.Errorf("definition %s missing", name))
		}
		out[name] = prune(def, &queue)
	}
	for _, n := range []string{"AuthenticationConfig", "TlsConfig", "CaConfig"} {
		out[n].(map[string]any)["x-exactly-one"] = true
	}
	out["AzureCvmPcrPriority"].(map[string]any)["x-permutation"] = 23
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{
		"source":      "ccm-swagger.json definitions reachable from AccountRequest and AccountUpdateRequest (see extract.go)",
		"roots":       []string{"AccountRequest", "AccountUpdateRequest"},
		"definitions": out,
	})
}

// prune keeps the structural keys of a schema and queues the definitions it references.
func prune(v any, queue *[]string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for _, k := range keep {
		val, ok := m[k]
		if !ok {
			continue
		}
		switch k {
		case "$ref":
			*queue = append(*queue, strings.TrimPrefix(val.(string), "#/definitions/"))
			out[k] = val
		case "properties":
			props := map[string]any{}
			for name, p := range val.(map[string]any) {
				props[name] = prune(p, queue)
			}
			out[k] = props
		case "items", "additionalProperties":
			out[k] = prune(val, queue)
		default:
			out[k] = val
		}
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "extract:", err)
	os.Exit(1)
}
