package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	ccmsandbox "github.com/account-operator/account-operator/internal/sandbox/ccm"
	"github.com/account-operator/account-operator/internal/sandbox/fault"
	scpsandbox "github.com/account-operator/account-operator/internal/sandbox/scp"
	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// sandboxes are the three simulators this binary serves.
type sandboxes struct {
	ccm *ccmsandbox.Server
	scp *scpsandbox.Server
	vc  *vcsandbox.Server
}

func newSandboxes(c config) sandboxes {
	pending, running := splitJobDelay(c.vcJobDelay)
	sb := sandboxes{
		ccm: ccmsandbox.New(ccmsandbox.Options{Users: []ccmsandbox.User{{Email: c.ccmUser, Password: c.ccmPassword}}, Variants: c.ccmVariants()}),
		scp: scpsandbox.New(c.scp.with(scpsandbox.Options{
			Credentials:       []scpsandbox.Credential{{AccessKey: c.scpAccessKey, SecretKey: c.scpSecretKey}},
			RegistrationDelay: c.scpRegistrationDelay,
			ClosureDelay:      c.scpClosureDelay,
		})),
		vc: vcsandbox.New(vcsandbox.Options{AdminTokens: []string{c.vcAdminToken},
			JobPendingFor: pending, JobRunningFor: running, Variants: *c.vcVariants}),
	}
	lat := fault.Latency{Fixed: c.latency, Jitter: c.jitter}
	for _, in := range []*fault.Injector{sb.ccm.Faults(), sb.scp.Faults(), sb.vc.Faults()} {
		in.SetLatency(lat)
	}
	return sb
}

// splitJobDelay splits a delete job's total time into pending and running in
// the simulator's default 1:3 ratio. The simulator reads 0 as "use the
// default", so a zero delay becomes 1ns each: done on the next read.
func splitJobDelay(d time.Duration) (pending, running time.Duration) {
	pending = d / 4
	return max(pending, time.Nanosecond), max(d-pending, time.Nanosecond)
}

// adminHandler mounts each simulator's admin API under its name.
func (sb sandboxes) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/ccm/", http.StripPrefix("/ccm", sb.ccm.AdminHandler()))
	mux.Handle("/scp/", http.StripPrefix("/scp", sb.scp.AdminHandler()))
	mux.Handle("/vectorcharts/", http.StripPrefix("/vectorcharts", sb.vc.AdminHandler()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	return mux
}

// service is one listener and the server on it.
type service struct {
	name, addr string
	handler    http.Handler
	ln         net.Listener
	srv        *http.Server
}

func (s *service) url() string { return "http://" + s.ln.Addr().String() }

// listenAll opens every listener, or none: on failure the opened ones close.
func listenAll(svcs []*service) error {
	for i, s := range svcs {
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			for _, o := range svcs[:i] {
				_ = o.ln.Close()
			}
			return fmt.Errorf("%s: listen on %s: %w", s.name, s.addr, err)
		}
		s.ln = ln
		s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	}
	return nil
}

// serve runs until Shutdown; a closed server is not an error.
func (s *service) serve() error {
	if err := s.srv.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("%s: serve: %w", s.name, err)
	}
	return nil
}

// writeAddrFile writes {name: url} as JSON, atomically so a script polling
// for the file never reads half of it.
func writeAddrFile(path string, svcs []*service) error {
	urls := make(map[string]string, len(svcs))
	for _, s := range svcs {
		urls[s.name] = s.url()
	}
	b, err := json.MarshalIndent(urls, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sandbox-addrs-*")
	if err != nil {
		return fmt.Errorf("-addr-file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("-addr-file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("-addr-file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("-addr-file: %w", err)
	}
	return nil
}

// printBanner prints one line per service: URL and which credentials to use.
// The credentials are demo values from flags, guarding loopback simulators.
func printBanner(w io.Writer, c config, byName map[string]*service) error {
	_, err := fmt.Fprintf(w, ""+
		"ccm           %s  Basic login on POST /v1/sys/auth as %q, password %q\n"+
		"scp           %s  HMAC access key %q, secret key %q, organization %q (use as cloudControlURL and organizationURL)\n"+
		"vectorcharts  %s  Bearer admin API token %q\n"+
		"admin         %s  /ccm/ /scp/ /vectorcharts/ (GET accounts, calls, codes, rate; POST faults, latency, ratelimit, reset) and GET /healthz\n",
		byName["ccm"].url(), c.ccmUser, c.ccmPassword,
		byName["scp"].url(), c.scpAccessKey, c.scpSecretKey, scpsandbox.DefaultOrganizationID,
		byName["vectorcharts"].url(), c.vcAdminToken,
		byName["admin"].url())
	return err
}
