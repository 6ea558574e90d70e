package rbac

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// accessLog records every Kubernetes API request the manager makes, as the
// grant it needs, and every request the apiserver refused.
type accessLog struct {
	mu     sync.Mutex
	used   map[grant][]string // grant -> namespaces it was used in ("" cluster-wide)
	denied []string
}

func newAccessLog() *accessLog { return &accessLog{used: map[grant][]string{}} }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// wrap is a rest.Config WrapTransport.
func (l *accessLog) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err == nil {
			l.add(req, resp.StatusCode)
		}
		return resp, err
	})
}

func (l *accessLog) add(req *http.Request, status int) {
	g, ns, ok := requestGrant(req.Method, req.URL)
	l.mu.Lock()
	defer l.mu.Unlock()
	if status == http.StatusForbidden || status == http.StatusUnauthorized {
		l.denied = append(l.denied, fmt.Sprintf("%d %s %s", status, req.Method, req.URL.Path))
	}
	if ok {
		l.used[g] = append(l.used[g], ns)
	}
}

func (l *accessLog) snapshot() (map[grant][]string, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	used := make(map[grant][]string, len(l.used))
	for g, ns := range l.used {
		used[g] = append([]string{}, ns...)
	}
	return used, append([]string{}, l.denied...)
}

// requestGrant maps an API request to the grant RBAC checks for it, and its
// namespace; discovery and other non-resource requests give ok=false.
func requestGrant(method string, u *url.URL) (g grant, ns string, ok bool) {
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		g.group, parts = parts[1], parts[3:]
	default:
		return grant{}, "", false
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		ns, parts = parts[1], parts[2:]
	}
	g.resource = parts[0]
	named := len(parts) >= 2
	if len(parts) >= 3 {
		g.resource += "/" + parts[2]
	}
	g.verb = verb(method, named, u.Query().Get("watch"))
	return g, ns, g.verb != ""
}

func verb(method string, named bool, watch string) string {
	switch method {
	case http.MethodGet:
		switch {
		case watch == "true" || watch == "1":
			return "watch"
		case named:
			return "get"
		}
		return "list"
	case http.MethodPost:
		return "create"
	case http.MethodPut:
		return "update"
	case http.MethodPatch:
		return "patch"
	case http.MethodDelete:
		if named {
			return "delete"
		}
		return "deletecollection"
	}
	return ""
}
