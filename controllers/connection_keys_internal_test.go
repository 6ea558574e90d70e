package controllers

import (
	"maps"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
)

// Data stored under one renaming reads back, keyed by the published names,
// under any later one: the Secret's annotation, not the spec, says where each
// value is.
func TestConnectionKeysRoundTrip(t *testing.T) {
	published := map[string][]byte{"accountID": []byte("42"), "token": []byte("t"), "password": []byte("p"), "extra": []byte("x")}
	for name, keys := range map[string]map[string]v1alpha1.DataKey{
		"none":    nil,
		"rename":  {"token": "VC_API_TOKEN"},
		"swap":    {"token": "password", "password": "token"},
		"several": {"token": "T", "password": "P", "accountID": "accountID"},
	} {
		stored, note := toStored(published, keys)
		if got := fromStored(stored, map[string]string{v1alpha1.AnnotationConnectionKeys: note}); !maps.EqualFunc(got, published, bytesEqual) {
			t.Errorf("%s: stored %q note %q reads back as %q", name, stored, note, got)
		}
		if len(keys) == 0 && note != "" {
			t.Errorf("%s: note %q for no renaming", name, note)
		}
	}
	// The published names are read back from an old Secret with no note, and a
	// renamed key wins over a key of its target's name that is not renamed.
	if got := fromStored(map[string][]byte{"token": []byte("old")}, nil); string(got["token"]) != "old" {
		t.Errorf("unrenamed Secret: %q", got)
	}
	got := fromStored(map[string][]byte{"token": []byte("stray"), "T": []byte("mine")},
		map[string]string{v1alpha1.AnnotationConnectionKeys: "T=token"})
	if string(got["token"]) != "mine" {
		t.Errorf("renamed key lost to a stray one: %q", got)
	}
	stored, note := toStored(map[string][]byte{"token": []byte("mine"), "T": []byte("stray")}, map[string]v1alpha1.DataKey{"token": "T"})
	if string(stored["T"]) != "mine" || note != "T=token" {
		t.Errorf("renamed key lost to a stray one on write: %q %q", stored, note)
	}
	if got := parseConnectionKeys("A=a,broken,=x,B=b"); len(got) != 2 || got["A"] != "a" || got["B"] != "b" {
		t.Errorf("parseConnectionKeys: %v", got)
	}
}
