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
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

const usage = `usage: login [-addr host:port] [-secure | -tls-cert FILE -tls-key FILE]
             [-idle-timeout D] [-absolute-timeout D]

Serves the login example. Keys come from %s or %s, or are
generated fresh. Log in as Harry, password 12345678.

%s

Exit status: 2 for a usage or configuration error, 1 if the server fails.

`

// parseFlags parses the command line. It reports false after printing the
// usage or an error to stderr.
func parseFlags(args []string, stderr io.Writer) (loginapp.Server, bool) {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var srv loginapp.Server
	srv.Flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, cookiecodec.EnvKeys, cookiecodec.EnvKeyFile, loginapp.ServerUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return srv, false
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return srv, false
	}
	if err := srv.Check(); err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return srv, false
	}
	return srv, true
}

// run starts the server and returns the exit code: 2 for a usage or
// configuration error, 1 if the server fails.
func run(args []string, stderr io.Writer) int {
	srv, ok := parseFlags(args, stderr)
	if !ok {
		return 2
	}
	handler, err := newHandler(srv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 2
	}
	return srv.Serve(handler, stderr, "")
}

// newHandler builds the application with keys from the environment, or a
// fresh key, saying so on stderr.
func newHandler(srv loginapp.Server, stderr io.Writer) (http.Handler, error) {
	ring, err := loginapp.Keyring(stderr)
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
	return loginapp.New(codec, srv.SessionOptions(revoker))
}
