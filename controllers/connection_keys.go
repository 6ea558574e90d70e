package controllers

import (
	"maps"
	"slices"
	"strings"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// The connection Secret's keys as stored may differ from the keys the
// upstreams publish (spec.connectionSecret.keys). Inside a pass, and for the
// providers (Request.Connection), data is always keyed by the published names;
// these two functions translate at the Secret's edge. The Secret itself
// records the renaming it was written with (AnnotationConnectionKeys), so the
// operator reads back its own values (a prepared password, a one-time token)
// whatever the spec says now: a changed renaming moves values in one write,
// and nothing is lost to a crash between a spec change and that write.

// fromStored is a stored Secret's data keyed by the published names. A key
// the Secret records as renamed wins over a key of the same name that is not.
func fromStored(data map[string][]byte, annotations map[string]string) map[string][]byte {
	renamed := parseConnectionKeys(annotations[v1alpha1.AnnotationConnectionKeys])
	out := make(map[string][]byte, len(data))
	for k, v := range data {
		if _, ok := renamed[k]; !ok {
			out[k] = v
		}
	}
	for k, v := range data {
		if published, ok := renamed[k]; ok {
			out[published] = v
		}
	}
	return out
}

// toStored is data keyed as the Secret stores it under keys (published →
// stored), and the AnnotationConnectionKeys value that records the renaming
// ("" when nothing is renamed). A renamed published key wins over another key
// of the target's name (admission refuses two published keys on one name).
func toStored(data map[string][]byte, keys map[string]v1alpha1.DataKey) (map[string][]byte, string) {
	out := make(map[string][]byte, len(data))
	for k, v := range data {
		if _, ok := keys[k]; !ok {
			out[k] = v
		}
	}
	var notes []string
	for k, v := range data {
		if stored, ok := keys[k]; ok && stored != "" {
			out[string(stored)] = v
			notes = append(notes, string(stored)+"="+k)
		}
	}
	slices.Sort(notes)
	return out, strings.Join(notes, ",")
}

// parseConnectionKeys reads an AnnotationConnectionKeys value ("stored=published,..."):
// stored key → published key. Malformed entries are skipped.
func parseConnectionKeys(v string) map[string]string {
	out := map[string]string{}
	if v == "" {
		return out
	}
	for e := range strings.SplitSeq(v, ",") {
		stored, published, ok := strings.Cut(e, "=")
		if ok && stored != "" && published != "" {
			out[stored] = published
		}
	}
	return out
}

// withKeysNote sets or removes AnnotationConnectionKeys in annotations.
func withKeysNote(annotations map[string]string, note string) map[string]string {
	out := maps.Clone(annotations)
	if out == nil {
		out = map[string]string{}
	}
	if note == "" {
		delete(out, v1alpha1.AnnotationConnectionKeys)
	} else {
		out[v1alpha1.AnnotationConnectionKeys] = note
	}
	return out
}
