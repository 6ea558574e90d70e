package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	vcsandbox "github.com/account-operator/account-operator/internal/sandbox/vectorcharts"
)

// config is everything the flags set. The credentials are demo values: they
// only ever guard loopback simulators, so printing them is fine.
type config struct {
	ccmAddr, scpAddr, vcAddr, adminAddr string
	addrFile                            string

	ccmUser, ccmPassword string
	scpAccessKey         string
	scpSecretKey         string
	vcAdminToken         string
	scpRegistrationDelay time.Duration
	scpClosureDelay      time.Duration
	vcJobDelay           time.Duration
	latency, jitter      time.Duration
	shutdownTimeout      time.Duration
	ccm                  ccmFlags
	scp                  scpFlags
	vcVariants           *vcsandbox.Variants
}

// parseFlags reads args (without the program name) into a checked config.
func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.ccmAddr, "ccm-addr", "127.0.0.1:18443", "CCM listen address (loopback only; port 0 picks a free port)")
	fs.StringVar(&c.scpAddr, "scp-addr", "127.0.0.1:18444", "SCP (Cloud Control and Organization) listen address")
	fs.StringVar(&c.vcAddr, "vectorcharts-addr", "127.0.0.1:18445", "VectorCharts listen address")
	fs.StringVar(&c.adminAddr, "admin-addr", "127.0.0.1:18440", "admin endpoint listen address")
	fs.StringVar(&c.addrFile, "addr-file", "", "if set, write the resolved URLs as JSON to this file once listening")
	fs.StringVar(&c.ccmUser, "ccm-user", "admin@example.com", "CCM user email (Basic login)")
	fs.StringVar(&c.ccmPassword, "ccm-password", "admin-password", "CCM user password")
	fs.StringVar(&c.scpAccessKey, "scp-access-key", "sandbox-access-key", "SCP access key")
	fs.StringVar(&c.scpSecretKey, "scp-secret-key", "sandbox-secret-key", "SCP secret key")
	fs.StringVar(&c.vcAdminToken, "vectorcharts-admin-token", "sandbox-admin-token", "VectorCharts admin API token (Bearer)")
	fs.DurationVar(&c.scpRegistrationDelay, "scp-registration-delay", 3*time.Second, "how long a new SCP account stays REGISTERING")
	fs.DurationVar(&c.scpClosureDelay, "scp-closure-delay", 3*time.Second, "how long a deleted SCP account stays PENDING_CLOSURE")
	fs.DurationVar(&c.vcJobDelay, "vectorcharts-job-delay", 2*time.Second, "how long a VectorCharts delete job takes to complete")
	fs.DurationVar(&c.latency, "latency", 0, "fixed latency added to every upstream call")
	fs.DurationVar(&c.jitter, "latency-jitter", 0, "uniform random latency up to this, added to every upstream call")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 5*time.Second, "how long in-flight requests get on SIGINT/SIGTERM")
	c.ccm.register(fs)
	c.scp.register(fs)
	c.vcVariants = vcFlags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return c, c.check()
}

// check refuses what would make the sandbox reachable from elsewhere or misbehave.
func (c config) check() error {
	for _, a := range []struct{ flag, addr string }{
		{"-ccm-addr", c.ccmAddr}, {"-scp-addr", c.scpAddr},
		{"-vectorcharts-addr", c.vcAddr}, {"-admin-addr", c.adminAddr},
	} {
		if err := checkLoopback(a.addr); err != nil {
			return fmt.Errorf("%s %q: %w", a.flag, a.addr, err)
		}
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{
		{"-scp-registration-delay", c.scpRegistrationDelay}, {"-scp-closure-delay", c.scpClosureDelay},
		{"-vectorcharts-job-delay", c.vcJobDelay}, {"-latency", c.latency}, {"-latency-jitter", c.jitter},
		{"-shutdown-timeout", c.shutdownTimeout},
	} {
		if d.v < 0 {
			return fmt.Errorf("%s must not be negative", d.flag)
		}
	}
	if _, err := c.ccm.variants(); err != nil {
		return err
	}
	if err := c.scp.check(); err != nil {
		return err
	}
	switch {
	case c.ccmUser == "" || c.ccmPassword == "":
		return fmt.Errorf("-ccm-user and -ccm-password must not be empty")
	case c.scpAccessKey == "" || c.scpSecretKey == "":
		return fmt.Errorf("-scp-access-key and -scp-secret-key must not be empty")
	case c.vcAdminToken == "":
		return fmt.Errorf("-vectorcharts-admin-token must not be empty")
	}
	return nil
}

// checkLoopback accepts host:port where host is localhost or a loopback IP.
// An empty host would listen on every interface, so it is refused too.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("not host:port: %w", err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("only loopback addresses (127.0.0.0/8, ::1, localhost) may be used: this machine forbids other targets")
}
