package vectorcharts

import (
	"errors"
	"strings"
	"testing"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

func TestPrepareGeneratesOnceThenReuses(t *testing.T) {
	e := newEnv(t)
	req := newRequest(newAccount("gen", "gen@x.io"), resolver{})
	first, err := e.p.Prepare(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	pw := string(first["password"])
	if string(first["username"]) != "gen@x.io" {
		t.Errorf("username = %q", first["username"])
	}
	if len(pw) < 24 {
		t.Fatalf("generated password has %d characters, want >= 24", len(pw))
	}
	for _, class := range passwordClasses {
		if !strings.ContainsAny(pw, class) {
			t.Errorf("generated password lacks a character of %q", class)
		}
	}
	// A second Prepare without the Secret makes a different one: it is random.
	other, err := e.p.Prepare(ctxT(t), newRequest(newAccount("gen", "gen@x.io"), resolver{}))
	if err != nil || string(other["password"]) == pw {
		t.Fatalf("second generation: err %v, same password %v", err, string(other["password"]) == pw)
	}
	// After a crash the Secret holds the first one: it is reused, not replaced.
	merge(req.Connection, first)
	again, err := e.p.Prepare(ctxT(t), req)
	if err != nil || string(again["password"]) != pw {
		t.Fatalf("retry must reuse the stored password (err %v)", err)
	}
	if n := e.sb.Faults().Calls(); len(n) != 0 {
		t.Errorf("Prepare called the upstream: %v", n)
	}
}

func TestPreparePasswordSecretRef(t *testing.T) {
	e := newEnv(t)
	a := newAccount("ref", "ref@x.io")
	a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "pw", Key: "password"}
	res := resolver{"pw": {"password": []byte(specPassword)}}
	data, err := e.p.Prepare(ctxT(t), newRequest(a, res))
	if err != nil || string(data["password"]) != specPassword {
		t.Fatalf("Prepare: err %v, password from the Secret: %v", err, string(data["password"]) == specPassword)
	}
	// Create then uses it: the user logs in with the Secret's password.
	req := newRequest(a, res)
	c := e.created(t, req)
	if got := e.loginAccount(t, "ref@x.io", []byte(specPassword)); got != mustID(t, c.ID) {
		t.Errorf("login with the spec password: account %d, want %s", got, c.ID)
	}
}

func TestPreparePasswordSecretRefErrors(t *testing.T) {
	e := newEnv(t)
	cases := map[string]resolver{
		"missing key":    {"pw": {"other": []byte(specPassword)}},
		"missing Secret": {},
		"too short":      {"pw": {"password": []byte("abc")}},
	}
	for name, res := range cases {
		a := newAccount("bad", "bad@x.io")
		a.Spec.VectorCharts.PasswordSecretRef = &v1alpha1.SecretKeySelector{Name: "pw", Key: "password"}
		_, err := e.p.Prepare(ctxT(t), newRequest(a, res))
		var te *adapter.Error
		if !errors.As(err, &te) || te.Reason != v1alpha1.ReasonInvalidSpec {
			t.Errorf("%s: want Terminal InvalidSpec, got %v", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "spec.vectorCharts.passwordSecretRef") {
			t.Errorf("%s: error does not name the field: %v", name, err)
		}
		if strings.Contains(err.Error(), specPassword) {
			t.Errorf("%s: error leaks the password", name)
		}
	}
}

func TestGeneratePasswordAlphabet(t *testing.T) {
	all := strings.Join(passwordClasses, "")
	for range 50 {
		pw, err := generatePassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != generatedLength {
			t.Fatalf("length %d", len(pw))
		}
		for _, r := range pw {
			if !strings.ContainsRune(all, r) {
				t.Fatalf("unexpected character %q", r)
			}
		}
		for _, class := range passwordClasses {
			if !strings.ContainsAny(pw, class) {
				t.Fatalf("password lacks a character of %q", class)
			}
		}
	}
}
