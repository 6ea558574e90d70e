package controllers_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
)

// expiry lets a spec expire the manager's reference watch on Secrets the way
// an apiserver does after etcd compaction, with a change made in the gap:
// the open watch streams end, resuming from the last version seen is answered
// 410 Gone, and the fresh list that follows waits until the spec has made its
// change. Only metadata-only Secret requests are touched; the manager's cache
// of its own connection Secrets (which selects by label) is not.
var expiry = &watchExpiry{}

type watchExpiry struct {
	mu       sync.Mutex
	streams  map[*trackedBody]struct{}
	armed    bool          // the next resumed watch gets 410
	expired  bool          // 410 given: hold the next list
	held     chan struct{} // closed when that list is waiting
	released chan struct{} // closed by the spec after its change
}

// expire ends the reference watch and holds its relist; the channel it
// returns is closed once the relist is waiting. Make the change, then call
// release.
func (e *watchExpiry) expire() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.armed, e.expired = true, false
	e.held, e.released = make(chan struct{}), make(chan struct{})
	for b := range e.streams {
		_ = b.Close()
	}
	return e.held
}

func (e *watchExpiry) release() {
	e.mu.Lock()
	defer e.mu.Unlock()
	close(e.released)
}

func (e *watchExpiry) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if !isRefSecretRequest(req) {
			return next.RoundTrip(req)
		}
		watching := req.URL.Query().Get("watch") == "true"
		e.mu.Lock()
		switch {
		case watching && e.armed:
			e.armed, e.expired = false, true
			e.mu.Unlock()
			return gone(req), nil
		case !watching && e.expired:
			e.expired = false
			close(e.held)
			released := e.released
			e.mu.Unlock()
			select {
			case <-released:
			case <-req.Context().Done():
				return nil, req.Context().Err()
			}
			return next.RoundTrip(req)
		}
		e.mu.Unlock()
		resp, err := next.RoundTrip(req)
		if err != nil || !watching {
			return resp, err
		}
		resp.Body = e.track(resp.Body)
		return resp, nil
	})
}

func (e *watchExpiry) track(body io.ReadCloser) io.ReadCloser {
	b := &trackedBody{ReadCloser: body, e: e}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.streams == nil {
		e.streams = map[*trackedBody]struct{}{}
	}
	e.streams[b] = struct{}{}
	return b
}

type trackedBody struct {
	io.ReadCloser
	e    *watchExpiry
	once sync.Once
}

func (b *trackedBody) Close() error {
	var err error
	b.once.Do(func() {
		err = b.ReadCloser.Close()
		go func() { // Close may run under e.mu (expire)
			b.e.mu.Lock()
			defer b.e.mu.Unlock()
			delete(b.e.streams, b)
		}()
	})
	return err
}

// isRefSecretRequest: a metadata-only list or watch of Secrets without a
// label selector, as the reference watch makes.
func isRefSecretRequest(req *http.Request) bool {
	return req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/secrets") &&
		strings.Contains(req.Header.Get("Accept"), "as=PartialObjectMetadata") &&
		req.URL.Query().Get("labelSelector") == ""
}

// gone is the answer of an apiserver asked to resume a watch from a version it
// has compacted away: 200, then one ERROR event with status 410.
func gone(req *http.Request) *http.Response {
	const event = `{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},` +
		`"status":"Failure","message":"too old resource version","reason":"Expired","code":410}}` + "\n"
	return &http.Response{StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": []string{"application/json"}},
		Body:    io.NopCloser(strings.NewReader(event)),
		Request: req}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
