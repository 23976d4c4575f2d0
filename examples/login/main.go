// Command login is the Flask session tutorial's login application, in Go:
// an index page that says who is logged in, a login form with "remember
// me", a logout, a preferences page and a notes demo.
//
//	go run ./examples/login [-addr host:port] [-secure | -tls-cert FILE -tls-key FILE]
//	                        [-idle-timeout D] [-absolute-timeout D]
//
// It serves plain HTTP on localhost:8080 by default, with cookies that are
// not Secure, which it allows only on a loopback address. Behind a proxy
// that terminates TLS, -secure makes the cookies Secure (named
// __Host-session and __Host-prefs); -tls-cert and -tls-key serve HTTPS
// directly, with Secure cookies too.
//
// A session unused for -idle-timeout (default 30m) is logged out, and
// every session is logged out -absolute-timeout (default 720h, 30 days)
// after its login however much it is used. "Remember me" keeps a session
// for 30 days without a visit instead of the idle timeout, within the
// absolute timeout.
//
// The session key comes from COOKIECODEC_KEYS (or COOKIECODEC_KEY_FILE);
// without either, the server makes a fresh random key, and sessions end
// when it stops. The demo user is Harry, password 12345678.
//
// "Log out everywhere" on the index page logs the user out of every
// client, with revocations kept in this process's memory. The command
// redisstore/cmd/login, in the nested module that has a Redis client,
// serves the same application with -redis ADDR, so that instances sharing
// COOKIECODEC_KEYS and one Redis share revocations.
package main

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
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// Defaults of the timeout flags.
const (
	defaultIdleTimeout     = 30 * time.Minute
	defaultAbsoluteTimeout = 30 * 24 * time.Hour
)

// config is what the command line chose.
type config struct {
	addr            string
	secure          bool   // cookies are Secure: clients use HTTPS
	tlsCert, tlsKey string // serve HTTPS with these files
	idle, absolute  time.Duration
}

const usage = `usage: login [-addr host:port] [-secure | -tls-cert FILE -tls-key FILE]
             [-idle-timeout D] [-absolute-timeout D]

Serves the login example. Keys come from %s or %s, or are
generated fresh. Log in as Harry, password 12345678.

By default it serves plain HTTP with cookies that are not Secure, which it
allows only on a loopback address (localhost). Behind a proxy that
terminates TLS, pass -secure; to serve HTTPS itself, pass -tls-cert and
-tls-key. Durations are Go durations: 90s, 30m, 12h.

Exit status: 2 for a usage or configuration error, 1 if the server fails.

`

// parseFlags parses the command line. It reports false after printing the
// usage or an error to stderr.
func parseFlags(args []string, stderr io.Writer) (config, bool) {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.addr, "addr", "localhost:8080", "listen on `host:port`")
	fs.BoolVar(&c.secure, "secure", false, "Secure cookies, for clients that reach the server over HTTPS through a TLS proxy")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "serve HTTPS with the certificate chain in `file` (PEM); needs -tls-key")
	fs.StringVar(&c.tlsKey, "tls-key", "", "serve HTTPS with the private key in `file` (PEM); needs -tls-cert")
	fs.DurationVar(&c.idle, "idle-timeout", defaultIdleTimeout, "log out a session unused for `duration` (0: never)")
	fs.DurationVar(&c.absolute, "absolute-timeout", defaultAbsoluteTimeout, "log out every session `duration` after its login (0: never)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, cookiecodec.EnvKeys, cookiecodec.EnvKeyFile)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, false
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return c, false
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		fmt.Fprintln(stderr, "login: error: -tls-cert and -tls-key go together")
		return c, false
	}
	if c.tlsCert != "" {
		c.secure = true
	}
	if c.idle < 0 || c.absolute < 0 {
		fmt.Fprintln(stderr, "login: error: timeouts cannot be negative")
		return c, false
	}
	return c, true
}

// run starts the server and returns the exit code: 2 for a usage or
// configuration error, 1 if the server fails.
func run(args []string, stderr io.Writer) int {
	c, ok := parseFlags(args, stderr)
	if !ok {
		return 2
	}
	handler, err := newHandler(c, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	if !c.secure && !isLoopback(ln.Addr()) {
		ln.Close()
		fmt.Fprintf(stderr, "login: error: %s is not a loopback address: cookies that are not Secure would travel unencrypted\n", ln.Addr())
		fmt.Fprintln(stderr, "login: hint: listen on localhost, or put the server behind HTTPS and pass -secure (or -tls-cert and -tls-key)")
		return 2
	}
	fmt.Fprintf(stderr, "login: serving on %s (user Harry, password 12345678)\n", serverURL(c, ln.Addr()))
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	if c.tlsCert != "" {
		err = srv.ServeTLS(ln, c.tlsCert, c.tlsKey)
	} else {
		err = srv.Serve(ln)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	return 0
}

// newHandler builds the application with keys from the environment, or a
// fresh key, saying so on stderr.
func newHandler(c config, stderr io.Writer) (http.Handler, error) {
	ring, err := keyring(stderr)
	if err != nil {
		return nil, err
	}
	// Encrypted, so that the client cannot read the session; tokens up to
	// the session's Cookie header budget, so that the notes demo can
	// store a session that needs two chunks.
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true, MaxLength: httpsession.DefaultCookieBudget})
	if err != nil {
		return nil, err
	}
	// Log out everywhere revokes the user's sessions in this process's
	// memory; redisstore/cmd/login keeps them in Redis instead.
	revoker, err := httpsession.NewRevoker(httpsession.NewMemoryStore(), httpsession.RevokerOptions{Retain: codec.MaxAge()})
	if err != nil {
		return nil, err
	}
	return loginapp.New(codec, httpsession.Options{
		Revoker: revoker,
		// Without -secure the cookies cannot be Secure over plain HTTP
		// (Chromium keeps Secure cookies from http://localhost, but other
		// browsers drop them); run refuses that off localhost.
		Insecure:        !c.secure,
		IdleTimeout:     c.idle,
		AbsoluteTimeout: c.absolute,
		// For the notes demo, which stores a session too large for one
		// cookie.
		Chunked: true,
	})
}

// keyring returns the keyring configured by COOKIECODEC_KEYS or
// COOKIECODEC_KEY_FILE, or one fresh key when neither is set.
func keyring(stderr io.Writer) (*cookiecodec.Keyring, error) {
	if os.Getenv(cookiecodec.EnvKeys) != "" || os.Getenv(cookiecodec.EnvKeyFile) != "" {
		return cookiecodec.KeyringFromEnv()
	}
	fmt.Fprintf(stderr, "login: %s is not set: using a fresh random key; sessions end when the server stops\n", cookiecodec.EnvKeys)
	fmt.Fprintf(stderr, "login: hint: to keep them, export %s=$(go run ./cmd/cookiecodec keygen)\n", cookiecodec.EnvKeys)
	return cookiecodec.NewKeyring(cookiecodec.GenerateKey())
}

// serverURL returns the URL to open for a server asked to listen on addr
// and listening on ln: the host as given (localhost when it was left out or
// unspecified) and the port the system chose, so that "-addr :0" prints a
// URL that works.
func serverURL(c config, ln net.Addr) string {
	host, _, _ := net.SplitHostPort(c.addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	_, port, _ := net.SplitHostPort(ln.String())
	scheme := "http://"
	if c.tlsCert != "" {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(host, port) + "/"
}

// isLoopback reports whether a listens on a loopback address only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
