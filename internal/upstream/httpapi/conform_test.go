package httpapi

import (
	"encoding/json"
	"reflect"
	"testing"
)

type conformJob struct {
	ID     string          `json:"id"`
	State  string          `json:"jobState"`
	Params json.RawMessage `json:"parameters"`
	Logs   []struct {
		Timestamp int64  `json:"timestamp"`
		Message   string `json:"message"`
	} `json:"logs"`
	Tags map[string]struct {
		N int `json:"n"`
	} `json:"tags"`
	Secret Secret `json:"secret"`
}

func TestConform(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"exact", `{"id":"a","jobState":"done","parameters":{"x":[1]},"logs":[{"timestamp":1,"message":"m"}]}`, nil},
		{"null fits", `{"id":null,"logs":null}`, nil},
		{"unknown field", `{"id":"a","extra":1}`, []string{"extra: unknown field"}},
		{"type differs", `{"logs":[{"timestamp":"2026-12-01T00:00:00Z"},{"timestamp":"x"}]}`,
			[]string{"logs[0].timestamp: string, expected number", "logs[1].timestamp: string, expected number"}},
		{"map values deduplicated", `{"tags":{"a":{"n":"1"},"b":{"n":"2"},"c":{"n":3,"z":true}}}`,
			[]string{"tags.*.n: string, expected number", "tags.*.z: unknown field"}},
		{"value never shown", `{"secret":{"token":"hunter2hunter2"}}`, []string{"secret: object, expected string"}},
		{"top level", `[1]`, []string{"answer: array, expected object"}},
		{"not json", `<html>`, []string{"answer is not JSON"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Conform([]byte(tc.body), &conformJob{})
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Conform = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConformBounded(t *testing.T) {
	body := `{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1,"j":1}`
	got := Conform([]byte(body), conformJob{})
	if len(got) != maxConformNotes+1 || got[maxConformNotes] != "and 2 more" {
		t.Fatalf("Conform = %q, want %d notes and a count of the rest", got, maxConformNotes)
	}
}
