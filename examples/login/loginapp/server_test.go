package loginapp

import (
	"flag"
	"io"
	"net"
	"testing"
	"time"
)

func TestServerURL(t *testing.T) {
	for _, tc := range []struct {
		addr, listening string
		tls             bool
		want            string
	}{
		{"localhost:8080", "127.0.0.1:8080", false, "http://localhost:8080/"},
		{"localhost:0", "127.0.0.1:41234", false, "http://localhost:41234/"},
		{":8080", "[::]:8080", false, "http://localhost:8080/"},
		{"0.0.0.0:8080", "0.0.0.0:8080", false, "http://localhost:8080/"},
		{"192.0.2.1:80", "192.0.2.1:80", false, "http://192.0.2.1:80/"},
		{"[::1]:8080", "[::1]:8080", false, "http://[::1]:8080/"},
		{"example.com:8443", "192.0.2.1:8443", true, "https://example.com:8443/"},
	} {
		ln, err := net.ResolveTCPAddr("tcp", tc.listening)
		if err != nil {
			t.Fatal(err)
		}
		s := Server{Addr: tc.addr}
		if tc.tls {
			s.TLSCert, s.TLSKey = "c.pem", "k.pem"
		}
		t.Run(tc.addr, func(t *testing.T) {
			if got := s.URL(ln); got != tc.want {
				t.Errorf("URL of %q listening on %s = %q, want %q", tc.addr, tc.listening, got, tc.want)
			}
		})
	}
}

func TestServerCheck(t *testing.T) {
	parse := func(args ...string) (Server, error) {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var s Server
		s.Flags(fs)
		if err := fs.Parse(args); err != nil {
			return s, err
		}
		return s, s.Check()
	}
	s, err := parse("-tls-cert", "c.pem", "-tls-key", "k.pem", "-idle-timeout", "5m")
	if err != nil || s.IdleTimeout != 5*time.Minute || s.AbsoluteTimeout != DefaultAbsoluteTimeout {
		t.Errorf("with TLS files: %+v, %v; want idle 5m, the default absolute timeout", s, err)
	}
	opts := s.SessionOptions(nil)
	if opts.Insecure || opts.IdleTimeout != 5*time.Minute || opts.AbsoluteTimeout != DefaultAbsoluteTimeout || !opts.Chunked {
		t.Errorf("SessionOptions = %+v, want Secure cookies, the timeouts, chunked", opts)
	}
	if s, _ := parse(); !s.SessionOptions(nil).Insecure {
		t.Error("SessionOptions without -secure: cookies Secure, want them not")
	}
	if s, _ := parse("-secure"); s.SessionOptions(nil).Insecure {
		t.Error("SessionOptions with -secure: cookies not Secure")
	}
	for _, args := range [][]string{{"-tls-key", "k.pem"}, {"-absolute-timeout", "-1h"}} {
		if _, err := parse(args...); err == nil {
			t.Errorf("flags %q accepted", args)
		}
	}
}
