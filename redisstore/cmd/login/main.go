// Command login serves the login example of examples/login with its
// revocations in Redis: "Log out everywhere" on one instance logs the user
// out of every instance that shares COOKIECODEC_KEYS and the Redis, within
// a second. It lives in module redisstore, which has the Redis client that
// the cookiecodec module leaves out.
//
//	export COOKIECODEC_KEYS=$(cd .. && go run ./cmd/cookiecodec keygen)
//	go run ./cmd/login -redis localhost:6379 -addr localhost:8080 &
//	go run ./cmd/login -redis localhost:6379 -addr localhost:8081 &
//
// Without -redis it keeps revocations in memory, as examples/login does.
// It serves plain HTTP on a loopback address only, for a demonstration on
// one machine; the demo user is Harry, password 12345678.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/httpsession"
	"github.com/cookiecodec/cookiecodec/redisstore"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

const usage = `usage: login [-addr host:port] [-redis host:port]

Serves the login example on plain HTTP on a loopback address, with "Log out
everywhere" revoking the user's sessions in Redis (-redis) or in memory.
Keys come from %s or %s, or are generated fresh; instances
share sessions and revocations when they share the keys and the Redis.
Log in as Harry, password 12345678.

Exit status: 2 for a usage or configuration error, 1 if Redis cannot be
reached at start or the server fails.

`

// redisTimeout bounds the check that Redis answers at start.
const redisTimeout = 2 * time.Second

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "localhost:8080", "listen on `host:port`, a loopback address")
	redisAddr := fs.String("redis", "", "keep revocations in the Redis server at `host:port` (default: in memory)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, cookiecodec.EnvKeys, cookiecodec.EnvKeyFile)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	store, closeStore, err := openStore(*redisAddr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	defer closeStore()
	handler, err := newHandler(store, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		fmt.Fprintf(stderr, "login: error: %s is not a loopback address: the cookies are not Secure and would travel unencrypted\n", ln.Addr())
		fmt.Fprintln(stderr, "login: hint: listen on localhost; examples/login can serve HTTPS")
		return 2
	}
	where := "memory"
	if *redisAddr != "" {
		where = "Redis at " + *redisAddr
	}
	fmt.Fprintf(stderr, "login: serving on http://%s/ (user Harry, password 12345678), revocations in %s\n", ln.Addr(), where)
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

// openStore returns the revocation store: Redis at addr, checked to
// answer, or memory if addr is empty.
func openStore(addr string) (httpsession.RevocationStore, func(), error) {
	if addr == "" {
		return httpsession.NewMemoryStore(), func() {}, nil
	}
	client := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, nil, fmt.Errorf("redis at %s does not answer: %w", addr, err)
	}
	store, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		client.Close()
		return nil, nil, err
	}
	return store, func() { client.Close() }, nil
}

// newHandler builds the application with keys from the environment, or a
// fresh key, saying so on stderr, and revocations in store.
func newHandler(store httpsession.RevocationStore, stderr io.Writer) (http.Handler, error) {
	var ring *cookiecodec.Keyring
	var err error
	if os.Getenv(cookiecodec.EnvKeys) != "" || os.Getenv(cookiecodec.EnvKeyFile) != "" {
		ring, err = cookiecodec.KeyringFromEnv()
	} else {
		fmt.Fprintf(stderr, "login: %s is not set: using a fresh random key, which no other instance shares\n", cookiecodec.EnvKeys)
		ring, err = cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	}
	if err != nil {
		return nil, err
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true, MaxLength: httpsession.DefaultCookieBudget})
	if err != nil {
		return nil, err
	}
	revoker, err := httpsession.NewRevoker(store, httpsession.RevokerOptions{Retain: codec.MaxAge()})
	if err != nil {
		return nil, err
	}
	return loginapp.New(codec, httpsession.Options{
		Insecure: true, // plain HTTP on a loopback address only, as run checks
		Chunked:  true, // for the notes demo
		Revoker:  revoker,
	})
}
