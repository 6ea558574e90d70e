package vectorcharts

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"unicode/utf8"

	"github.com/account-operator/account-operator/api/v1alpha1"
	"github.com/account-operator/account-operator/internal/adapter"
)

// minPasswordRunes is the portal's own minimum password length.
const minPasswordRunes = 4

// generatedLength is the length of generated passwords: 32 characters from a
// 72-symbol alphabet is about 197 bits.
const generatedLength = 32

// Character classes of generated passwords. The symbols avoid quotes,
// backslashes, spaces and '$' so the password survives shells and YAML.
var passwordClasses = []string{
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"abcdefghijklmnopqrstuvwxyz",
	"0123456789",
	"-_.~!@#%^*+=",
}

// Prepare fixes the primary user's password before the create call, so a
// create retried after a crash uses the same one: the password already in the
// connection Secret, else the one spec.vectorCharts.passwordSecretRef selects,
// else a newly generated one.
func (p *Adapter) Prepare(ctx context.Context, req *adapter.Request) (map[string][]byte, error) {
	spec, err := vcSpec(req)
	if err != nil {
		return nil, err
	}
	pw := req.Connection[keyPassword]
	if len(pw) == 0 {
		if pw, err = choosePassword(ctx, req, spec); err != nil {
			return nil, err
		}
	}
	return map[string][]byte{keyUsername: []byte(spec.Username), keyPassword: pw}, nil
}

func choosePassword(ctx context.Context, req *adapter.Request, spec *v1alpha1.VectorChartsAccountSpec) ([]byte, error) {
	if spec.PasswordSecretRef == nil {
		s, err := generatePassword()
		return []byte(s), err
	}
	pw, err := req.Resolve.SecretKey(ctx, *spec.PasswordSecretRef)
	if err != nil {
		return nil, fmt.Errorf("spec.vectorCharts.passwordSecretRef: %w", err)
	}
	if !utf8.Valid(pw) {
		// It goes to the portal in a JSON string, which would silently
		// replace the bad bytes: the account would get another password.
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"spec.vectorCharts.passwordSecretRef: Secret %q key %q must hold UTF-8 text",
			spec.PasswordSecretRef.Name, spec.PasswordSecretRef.Key)
	}
	if utf8.RuneCount(pw) < minPasswordRunes {
		return nil, adapter.Terminalf(v1alpha1.ReasonInvalidSpec,
			"spec.vectorCharts.passwordSecretRef: Secret %q key %q must hold at least %d characters",
			spec.PasswordSecretRef.Name, spec.PasswordSecretRef.Key, minPasswordRunes)
	}
	return pw, nil
}

// generatePassword returns a crypto/rand password with at least one character
// of every class, in random positions.
func generatePassword() (string, error) {
	var all string
	for _, c := range passwordClasses {
		all += c
	}
	out := make([]byte, generatedLength)
	for i := range out {
		set := all
		if i < len(passwordClasses) {
			set = passwordClasses[i] // one of each class first, shuffled below
		}
		n, err := randIndex(len(set))
		if err != nil {
			return "", err
		}
		out[i] = set[n]
	}
	for i := len(out) - 1; i > 0; i-- { // Fisher-Yates
		j, err := randIndex(i + 1)
		if err != nil {
			return "", err
		}
		out[i], out[j] = out[j], out[i]
	}
	return string(out), nil
}

func randIndex(n int) (int, error) {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0, err
	}
	return int(v.Int64()), nil
}
