package vectorcharts

import (
	"strings"
	"testing"

	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
	"github.com/account-operator/account-operator/internal/upstream/httpapi"
)

func TestNew(t *testing.T) {
	tests := []struct {
		base, want string
		token      httpapi.Secret
		wantErr    bool
	}{
		{base: "https://h:9909", want: "https://h:9909/api/portal/v1", token: "t"},
		{base: "https://h:9909/", want: "https://h:9909/api/portal/v1", token: "t"},
		{base: "https://h:9909/api/portal", want: "https://h:9909/api/portal/v1", token: "t"},
		{base: "https://h:9909/api/portal/v1/", want: "https://h:9909/api/portal/v1", token: "t"},
		{base: "http://h/prefix", want: "http://h/prefix/api/portal/v1", token: "t"},
		{base: "", token: "t", wantErr: true},
		{base: "h:9909", token: "t", wantErr: true},
		{base: "ftp://h", token: "t", wantErr: true},
		{base: "https://u:pw@h", token: "t", wantErr: true},
		{base: "https://h?x=1", token: "t", wantErr: true},
		{base: "https://h", wantErr: true},
	}
	for _, tt := range tests {
		c, err := New(Config{BaseURL: tt.base, Token: tt.token})
		if (err != nil) != tt.wantErr {
			t.Errorf("New(%q): err = %v, wantErr %v", tt.base, err, tt.wantErr)
			continue
		}
		if err != nil {
			if strings.Contains(err.Error(), "pw") {
				t.Errorf("New(%q) error echoes the URL: %v", tt.base, err)
			}
			continue
		}
		if c.base != tt.want {
			t.Errorf("New(%q).base = %q, want %q", tt.base, c.base, tt.want)
		}
	}
}

func TestParseError(t *testing.T) {
	tests := []struct{ body, code, msg string }{
		{`{"error":"username already in use"}`, "", "username already in use"},
		{`{"message":"account not found"}`, "", "account not found"},
		{`{"error":{"code":"E42","message":"nested"}}`, "E42", "nested"},
		{`{"code":404,"message":"gone"}`, "404", "gone"},
		{`{"other":1}`, "", `{"other":1}`},
		{`plain text failure`, "", "plain text failure"},
		{``, "", ""},
	}
	for _, tt := range tests {
		code, msg := ParseError([]byte(tt.body))
		if code != tt.code || msg != tt.msg {
			t.Errorf("ParseError(%s) = %q, %q; want %q, %q", tt.body, code, msg, tt.code, tt.msg)
		}
	}
}

func TestVerify(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name  string
		token httpapi.Secret
		want  int
	}{
		{"admin", adminToken, 200},
		{"non-admin", userToken, 403},
		{"unknown", "not-a-real-token", 401},
	}
	for _, tt := range tests {
		err := e.client(t, tt.token, nil).Verify(ctxT(t))
		if got := statusOf(t, err); got != tt.want {
			t.Errorf("%s: Verify = %v, want %d", tt.name, err, tt.want)
		}
	}
}

// TestErrorBodyFormats: whatever error style the upstream uses, the message
// reaches the error and the status is what callers branch on.
func TestErrorBodyFormats(t *testing.T) {
	for _, format := range []string{"error", "message", "text"} {
		e := newEnv(t, func(o *vcsandbox.Options) { o.ErrorFormat = format })
		_, err := e.client(t, adminToken, nil).GetAccount(ctxT(t), 4242)
		var he *httpapi.Error
		if !httpapi.IsNotFound(err) || !asHTTPError(err, &he) || he.Message != "account not found" {
			t.Errorf("format %s: err = %#v", format, err)
		}
	}
}

func TestObserver(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t, adminToken, nil)
	_, _ = c.GetAccount(ctxT(t), 4242)
	_, _ = c.GetAllAccounts(ctxT(t))
	e.obs.mu.Lock()
	defer e.obs.mu.Unlock()
	want := []string{"vectorCharts GetAccount Not Found", "vectorCharts GetAllAccounts OK"}
	if strings.Join(e.obs.obs, ",") != strings.Join(want, ",") {
		t.Fatalf("observations = %v, want %v", e.obs.obs, want)
	}
}
