package controllers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
)

// answer replaces what the sandbox says to one operation: a fixed status,
// headers and body (HTML, plain text, truncated or huge JSON, odd codes), or
// the sandbox's own JSON answer edited by edit (unknown states, bad base64).
type answer struct {
	op     string // operation, as opOf names it
	status int
	header map[string]string
	body   string
	edit   func(m map[string]any)
}

// fakeUpstream is one case's own endpoint in front of a shared sandbox: it
// counts calls per operation for that case alone and applies its answers.
// The sandbox's fault layer is left alone.
type fakeUpstream struct {
	srv     *httptest.Server
	next    http.Handler
	answers []answer

	mu    sync.Mutex
	calls map[string]int
}

func newFakeUpstream(next http.Handler, answers ...answer) *fakeUpstream {
	f := &fakeUpstream{next: next, answers: answers, calls: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the endpoint's base URL.
func (f *fakeUpstream) URL() string { return f.srv.URL }

// count is how many calls op received.
func (f *fakeUpstream) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// total is how many calls the endpoint received.
func (f *fakeUpstream) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func (f *fakeUpstream) serve(w http.ResponseWriter, r *http.Request) {
	op := opOf(r)
	f.mu.Lock()
	f.calls[op]++
	f.mu.Unlock()
	for _, a := range f.answers {
		if a.op != op && a.op != "*" {
			continue
		}
		if a.edit != nil {
			editJSON(w, r, f.next, a.edit)
			return
		}
		for k, v := range a.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
		return
	}
	f.next.ServeHTTP(w, r)
}

// editJSON forwards the request and edits the JSON object the sandbox answers.
func editJSON(w http.ResponseWriter, r *http.Request, next http.Handler, edit func(map[string]any)) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	var m map[string]any
	if rec.Code/100 == 2 && json.Unmarshal(body, &m) == nil {
		edit(m)
		body, _ = json.Marshal(m)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// opOf names the operation a request is, across the three upstreams: CCM and
// SCP paths under /v1, VectorCharts paths under /api/portal/v1.
func opOf(r *http.Request) string {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/api/portal/v1/"); ok {
		seg := path.Base(rest)
		return strings.ToUpper(seg[:1]) + seg[1:] // createAccount → CreateAccount
	}
	p := strings.TrimPrefix(r.URL.Path, "/v1")
	switch {
	case p == "/sys/auth":
		return "Login"
	case p == "/accounts" && r.Method == http.MethodPost:
		return "CreateAccount"
	case p == "/accounts" || p == "/organization-accounts":
		return "ListAccounts"
	case p == "/baseline-assignments":
		return "GetBaselineAssignment"
	case p == "/organization-accounts/parent":
		return "MoveAccount"
	case r.Method == http.MethodPatch:
		return "UpdateAccount"
	case r.Method == http.MethodDelete:
		return "DeleteAccount"
	case strings.HasPrefix(p, "/accounts/") || strings.HasPrefix(p, "/organization-accounts/"):
		return "GetAccount"
	}
	return r.Method + " " + p
}

// Canned bodies a gateway or a broken upstream answers with.
var (
	htmlPage      = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
	truncatedJSON = `{"errors":[{"status":422,"code":"Validation","detail":"name is inva`
	hugeBody      = "upstream trace: " + strings.Repeat("x", 1<<20)
)

// setIn sets key on every object of the list under listKey (or on m itself
// when listKey is ""): for editing JSON answers.
func setIn(listKey, key string, value any) func(map[string]any) {
	return func(m map[string]any) {
		if listKey == "" {
			m[key] = value
			return
		}
		switch v := m[listKey].(type) {
		case map[string]any:
			v[key] = value
		case []any:
			for _, it := range v {
				if o, ok := it.(map[string]any); ok {
					o[key] = value
				}
			}
		}
	}
}

// jsonText is v as a JSON string.
func jsonText(v any) string {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	return strings.TrimSpace(b.String())
}
