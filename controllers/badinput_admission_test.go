package controllers_test

import (
	"encoding/json"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The admission half of the catalogue runner, and builders for the raw
// objects its cases send: unstructured, so wrong types and empty strings reach
// the apiserver exactly as a user's YAML would.

var admissionNS string

// runAdmission makes the case's request and checks it was refused with the
// expected message.
func runAdmission(c badCase) (seen, string) {
	if admissionNS == "" {
		admissionNS = newNamespace(nil)
	}
	err := c.admit(admissionNS)
	if err == nil {
		return seen{where: notStopped}, "accepted by the apiserver"
	}
	s := seen{where: atAdmission, message: normalise(err.Error(), admissionNS, nil)}
	switch {
	case !apierrors.IsInvalid(err) && !apierrors.IsBadRequest(err) && !apierrors.IsRequestEntityTooLargeError(err) &&
		!apierrors.IsForbidden(err): // a ValidatingAdmissionPolicy refuses with Forbidden
		return s, fmt.Sprintf("not an admission refusal: %v", err)
	case !strings.Contains(s.message, c.want.message):
		return s, fmt.Sprintf("message %q lacks %q", s.message, c.want.message)
	}
	return s, ""
}

// refused is the expectation of an admission case.
func refused(message string) expect { return expect{where: atAdmission, message: message} }

// raw is an object as a user would write it.
func raw(kind, name string, body map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: copyMap(body)}
	group := "accounts.operator.dev/v1alpha1"
	if kind == "Secret" || kind == "ConfigMap" {
		group = "v1"
	}
	u.SetAPIVersion(group)
	u.SetKind(kind)
	u.SetName(name)
	return u
}

// createRaw refuses the object's create.
func createRaw(kind, name string, body map[string]any) func(ns string) error {
	return func(ns string) error {
		u := raw(kind, name, body)
		if kind != "ClusterAccountProvider" {
			u.SetNamespace(ns)
		}
		return k8sClient.Create(rootCtx, u)
	}
}

// updateRaw creates a valid object, then refuses a merge patch of it.
func updateRaw(kind, name string, body, patch map[string]any) func(ns string) error {
	return func(ns string) error {
		if err := createRaw(kind, name, body)(ns); err != nil {
			return fmt.Errorf("setup create failed: %w", err)
		}
		u := raw(kind, name, nil)
		if kind != "ClusterAccountProvider" {
			u.SetNamespace(ns)
		}
		b, _ := json.Marshal(patch)
		return k8sClient.Patch(rootCtx, u, client.RawPatch(types.MergePatchType, b))
	}
}

// with returns a copy of m with each dotted path set to its value (nil
// deletes it).
func with(m map[string]any, pathValues ...any) map[string]any {
	out := copyMap(m)
	for i := 0; i+1 < len(pathValues); i += 2 {
		keys := strings.Split(pathValues[i].(string), ".")
		cur := out
		for _, k := range keys[:len(keys)-1] {
			next, ok := cur[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				cur[k] = next
			}
			cur = next
		}
		if v := pathValues[i+1]; v == nil {
			delete(cur, keys[len(keys)-1])
		} else {
			cur[keys[len(keys)-1]] = v
		}
	}
	return out
}

func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// spec wraps a spec in an object body.
func spec(s map[string]any) map[string]any { return map[string]any{"spec": s} }

// Valid specs the cases break one field of.
func ccmAccountSpec() map[string]any {
	return map[string]any{"providerRef": map[string]any{"kind": "AccountProvider", "name": "ccm"}, "ccm": map[string]any{}}
}

func scpAccountSpec() map[string]any {
	return map[string]any{"providerRef": map[string]any{"kind": "AccountProvider", "name": "scp"},
		"scp": map[string]any{"landingZoneID": "lz-1", "parentUnitID": "ou-one", "email": "a@b.example.com"}}
}

func vcAccountSpec() map[string]any {
	return map[string]any{"providerRef": map[string]any{"kind": "AccountProvider", "name": "vc"},
		"vectorCharts": map[string]any{"username": "user@badinput.example"}}
}

func oauthConfig() map[string]any {
	return map[string]any{"idpName": "Okta", "idpIconURL": "https://idp.example.com/i.png",
		"authorizationEndpoint": "https://idp.example.com/auth", "tokenEndpoint": "https://idp.example.com/token",
		"clientID": "cid", "clientSecretRef": map[string]any{"name": "oauth", "key": "clientSecret"},
		"tls": map[string]any{"mode": "Required", "caSet": "GlobalRoots"}}
}

func ccmProviderSpec() map[string]any {
	return map[string]any{"ccm": map[string]any{"url": "https://ccm.example.com",
		"credentialsSecretRef": map[string]any{"name": "creds"}}}
}

func scpClusterProviderSpec() map[string]any {
	return map[string]any{"scp": map[string]any{"cloudControlURL": "https://cc.example.com",
		"organizationURL":      "https://org.example.com",
		"credentialsSecretRef": map[string]any{"name": "creds", "namespace": "account-operator"}}}
}

// pcrs is 0..22, a valid azureCVMPCRPriority.
func pcrs() []any {
	out := make([]any, 23)
	for i := range out {
		out[i] = i
	}
	return out
}
