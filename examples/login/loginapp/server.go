package loginapp

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// Defaults of the timeout flags.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 30 * 24 * time.Hour
)

// A Server is what a login command's flags choose: where it listens,
// whether its cookies are Secure, and its sessions' timeouts. The commands
// examples/login and redisstore/cmd/login share it.
type Server struct {
	Addr string
	// Secure makes the cookies Secure, for clients that reach the server
	// over HTTPS through a proxy that terminates TLS.
	Secure bool
	// TLSCert and TLSKey, PEM files, make the server serve HTTPS itself,
	// with Secure cookies.
	TLSCert, TLSKey string
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
}

// ServerUsage describes the flags of [Server.Flags], for a command's usage
// text.
const ServerUsage = `By default it serves plain HTTP with cookies that are not Secure, which it
allows only on a loopback address (localhost). Behind a proxy that
terminates TLS, pass -secure; to serve HTTPS itself, pass -tls-cert and
-tls-key. Durations are Go durations: 90s, 30m, 12h.`

// Flags defines the flags that set s in fs, with their defaults.
func (s *Server) Flags(fs *flag.FlagSet) {
	fs.StringVar(&s.Addr, "addr", "localhost:8080", "listen on `host:port`")
	fs.BoolVar(&s.Secure, "secure", false, "Secure cookies, for clients that reach the server over HTTPS through a TLS proxy")
	fs.StringVar(&s.TLSCert, "tls-cert", "", "serve HTTPS with the certificate chain in `file` (PEM); needs -tls-key")
	fs.StringVar(&s.TLSKey, "tls-key", "", "serve HTTPS with the private key in `file` (PEM); needs -tls-cert")
	fs.DurationVar(&s.IdleTimeout, "idle-timeout", DefaultIdleTimeout, "log out a session unused for `duration` (0: never)")
	fs.DurationVar(&s.AbsoluteTimeout, "absolute-timeout", DefaultAbsoluteTimeout, "log out every session `duration` after its login (0: never)")
}

// Check reports what is wrong with the values the flags set.
func (s *Server) Check() error {
	if (s.TLSCert == "") != (s.TLSKey == "") {
		return errors.New("-tls-cert and -tls-key go together")
	}
	if s.IdleTimeout < 0 || s.AbsoluteTimeout < 0 {
		return errors.New("timeouts cannot be negative")
	}
	return nil
}

// secure reports whether the cookies are Secure: with Secure, or when s
// serves HTTPS itself.
func (s *Server) secure() bool { return s.Secure || s.TLSCert != "" }

// SessionOptions returns the options of the login session that s chose,
// with "Log out everywhere" revoking in revoker.
func (s *Server) SessionOptions(revoker *httpsession.Revoker) httpsession.Options {
	return httpsession.Options{
		Revoker: revoker,
		// Without Secure the cookies cannot be Secure over plain HTTP
		// (Chromium keeps Secure cookies from http://localhost, but other
		// browsers drop them); Serve refuses that off localhost.
		Insecure:        !s.secure(),
		IdleTimeout:     s.IdleTimeout,
		AbsoluteTimeout: s.AbsoluteTimeout,
		// For the notes demo, which stores a session too large for one
		// cookie.
		Chunked: true,
	}
}

// Serve listens on s.Addr and serves h until the server fails. It says on
// stderr where it serves, followed by about, and returns the exit code: 2
// if cookies that are not Secure would be served off a loopback address,
// 1 if listening or serving fails.
func (s *Server) Serve(h http.Handler, stderr io.Writer, about string) int {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	if !s.secure() && !isLoopback(ln.Addr()) {
		ln.Close()
		fmt.Fprintf(stderr, "login: error: %s is not a loopback address: cookies that are not Secure would travel unencrypted\n", ln.Addr())
		fmt.Fprintln(stderr, "login: hint: listen on localhost, or put the server behind HTTPS and pass -secure (or -tls-cert and -tls-key)")
		return 2
	}
	fmt.Fprintf(stderr, "login: serving on %s (user Harry, password 12345678)%s\n", s.URL(ln.Addr()), about)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	if s.TLSCert != "" {
		err = srv.ServeTLS(ln, s.TLSCert, s.TLSKey)
	} else {
		err = srv.Serve(ln)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	return 0
}

// URL returns the URL to open for s listening on ln: the host of s.Addr
// (localhost when it was left out or unspecified) and the port the system
// chose, so that "-addr :0" prints a URL that works.
func (s *Server) URL(ln net.Addr) string {
	host, _, _ := net.SplitHostPort(s.Addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	_, port, _ := net.SplitHostPort(ln.String())
	scheme := "http://"
	if s.TLSCert != "" {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(host, port) + "/"
}

// isLoopback reports whether a listens on a loopback address only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// Keyring returns the keyring configured by COOKIECODEC_KEYS or
// COOKIECODEC_KEY_FILE, or one fresh key when neither is set, saying so on
// stderr.
func Keyring(stderr io.Writer) (*cookiecodec.Keyring, error) {
	if os.Getenv(cookiecodec.EnvKeys) != "" || os.Getenv(cookiecodec.EnvKeyFile) != "" {
		return cookiecodec.KeyringFromEnv()
	}
	fmt.Fprintf(stderr, "login: %s is not set: using a fresh random key, which no other instance shares; sessions end when the server stops\n", cookiecodec.EnvKeys)
	fmt.Fprintf(stderr, "login: hint: to keep them, export %s=$(go run github.com/cookiecodec/cookiecodec/cmd/cookiecodec keygen)\n", cookiecodec.EnvKeys)
	return cookiecodec.NewKeyring(cookiecodec.GenerateKey())
}
