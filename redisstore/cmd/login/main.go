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
// It takes the flags of examples/login too: -secure, -tls-cert and
// -tls-key, -idle-timeout and -absolute-timeout. The demo user is Harry,
// password 12345678.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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

const usage = `usage: login [-redis host:port] [-addr host:port] [-secure | -tls-cert FILE -tls-key FILE]
             [-idle-timeout D] [-absolute-timeout D]

Serves the login example, with "Log out everywhere" revoking the user's
sessions in Redis (-redis) or in memory. Keys come from %s or
%s, or are generated fresh; instances share sessions and
revocations when they share the keys and the Redis. Log in as Harry,
password 12345678.

%s

Exit status: 2 for a usage or configuration error, 1 if Redis cannot be
reached at start or the server fails.

`

// redisTimeout bounds the check that Redis answers at start.
const redisTimeout = 2 * time.Second

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var srv loginapp.Server
	srv.Flags(fs)
	redisAddr := fs.String("redis", "", "keep revocations in the Redis server at `host:port` (default: in memory)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, cookiecodec.EnvKeys, cookiecodec.EnvKeyFile, loginapp.ServerUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if err := srv.Check(); err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 2
	}
	store, closeStore, err := openStore(*redisAddr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 1
	}
	defer closeStore()
	handler, err := newHandler(srv, store, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "login: error: %v\n", err)
		return 2
	}
	where := "memory"
	if *redisAddr != "" {
		where = "Redis at " + *redisAddr
	}
	return srv.Serve(handler, stderr, ", revocations in "+where)
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
func newHandler(srv loginapp.Server, store httpsession.RevocationStore, stderr io.Writer) (http.Handler, error) {
	ring, err := loginapp.Keyring(stderr)
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
	return loginapp.New(codec, srv.SessionOptions(revoker))
}
