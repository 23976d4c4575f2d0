// Command login is the Flask session tutorial's login application, in Go:
// an index page that says who is logged in, a login form, and a logout.
//
//	go run ./examples/login [-addr host:port]
//
// It serves plain HTTP on localhost:8080 by default. The session key comes
// from COOKIECODEC_KEYS (or COOKIECODEC_KEY_FILE); without either, the
// server makes a fresh random key, and sessions end when it stops. The demo
// user is Harry, password 12345678.
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

// run starts the server and returns the exit code: 2 for a usage or
// configuration error, 1 if the server fails.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:8080", "listen on `host:port`")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: login [-addr host:port]\n\n"+
			"Serves the login example over plain HTTP. Keys come from %s or %s,\n"+
			"or are generated fresh. Log in as Harry, password 12345678.\n\n", cookiecodec.EnvKeys, cookiecodec.EnvKeyFile)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	handler, err := newHandler(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	if !isLoopback(ln.Addr()) {
		fmt.Fprintf(stderr, "login: warning: serving plain HTTP on %s: session cookies travel unencrypted\n", ln.Addr())
	}
	fmt.Fprintf(stderr, "login: serving on %s (user Harry, password 12345678)\n", serverURL(*addr, ln.Addr()))
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	return 0
}

// newHandler builds the application with keys from the environment, or a
// fresh key, saying so on stderr.
func newHandler(stderr io.Writer) (http.Handler, error) {
	ring, err := keyring(stderr)
	if err != nil {
		return nil, err
	}
	// Encrypted, so that the client cannot read the session; up to 16 KiB
	// so that the notes demo can store a session that needs chunks.
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true, MaxLength: 16 << 10})
	if err != nil {
		return nil, err
	}
	return loginapp.New(codec, httpsession.Options{
		// The example serves plain HTTP, so the cookie cannot be Secure:
		// Chromium keeps Secure cookies from http://localhost, but other
		// browsers drop them. Behind HTTPS, leave Insecure unset.
		Insecure: true,
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
func serverURL(addr string, ln net.Addr) string {
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	_, port, _ := net.SplitHostPort(ln.String())
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// isLoopback reports whether a listens on a loopback address only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
