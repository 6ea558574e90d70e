package cli

import (
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"
)

// age is how long ago t was, as kubectl shows ages.
func (e *env) age(t time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(e.Now().Sub(t))
}

// orNone is s, or kubectl's "<none>" for an empty value.
func orNone(s string) string {
	return orDefault(s, "<none>")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// oneLine keeps a message on its table row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// sortedKeys are a Secret's data keys, sorted.
func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
