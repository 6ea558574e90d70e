// Command sandbox serves the three in-process upstream simulators (CCM, SCP,
// VectorCharts) on loopback as one binary, for the demo, the end-to-end tests
// and benchmarks, plus an admin endpoint to inspect their state and set faults.
//
// It prints one line per service, then READY once every listener is open, and
// serves until SIGINT or SIGTERM. With -addr-file it also writes the resolved
// URLs as JSON, so scripts can use port 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts every server down within
// -shutdown-timeout. It returns early with an error if a flag is wrong, a
// listener cannot open, or a server fails.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	c, err := parseFlags(args, os.Stderr)
	if err != nil {
		return err
	}
	sb := newSandboxes(c)
	svcs := []*service{
		{name: "ccm", addr: c.ccmAddr, handler: sb.ccm.Handler()},
		{name: "scp", addr: c.scpAddr, handler: sb.scp.Handler()},
		{name: "vectorcharts", addr: c.vcAddr, handler: sb.vc.Handler()},
		{name: "admin", addr: c.adminAddr, handler: sb.adminHandler()},
	}
	if err := listenAll(svcs); err != nil {
		return err
	}
	errc := make(chan error, len(svcs))
	for _, s := range svcs {
		go func() { errc <- s.serve() }()
	}
	if err = announce(c, svcs, stdout); err == nil {
		select {
		case <-ctx.Done():
		case err = <-errc:
			errc <- nil // keep the count of answers for shutdown
		}
	}
	return errors.Join(err, shutdown(c, svcs, errc))
}

// announce writes the address file, the banner and READY, in that order, so
// whoever sees READY can rely on the file.
func announce(c config, svcs []*service, stdout io.Writer) error {
	byName := make(map[string]*service, len(svcs))
	for _, s := range svcs {
		byName[s.name] = s
	}
	if c.addrFile != "" {
		if err := writeAddrFile(c.addrFile, svcs); err != nil {
			return err
		}
	}
	if err := printBanner(stdout, c, byName); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, "READY")
	return err
}

// shutdown stops every server, giving in-flight calls the timeout, and waits
// for each serve goroutine to return.
func shutdown(c config, svcs []*service, errc <-chan error) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	var errs []error
	for _, s := range svcs {
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close() // timed out: cut the remaining connections
			errs = append(errs, fmt.Errorf("%s: shutdown: %w", s.name, err))
		}
	}
	for range svcs {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}
