// Package redistest starts a redis-server of a test's own, for the tests
// of module redisstore.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// A Server is a redis-server process of a test's own, on a free
// loopback port, with its files in a temporary directory.
type Server struct {
	// Addr is the server's host:port.
	Addr   string
	cmd    *exec.Cmd
	exited chan struct{}
	dir    string
}

// Start starts a redis-server for t and stops it when t ends. It
// skips t if there is no redis-server, or fails it when
// COOKIECODEC_REQUIRE_PEERS=1.
func Start(t testing.TB) *Server {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		const install = "apt-get install redis-server"
		msg := "redis-server not available (not on PATH): " + install
		if os.Getenv("COOKIECODEC_REQUIRE_PEERS") == "1" {
			t.Fatal(msg)
		}
		// make test prints these lines at its end, as go test shows
		// skip messages only with -v.
		if path := os.Getenv("COOKIECODEC_SKIPLOG"); path != "" {
			if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
				fmt.Fprintf(f, "redis-server\t%s\t%s\n", install, t.Name())
				f.Close()
			}
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	var last error
	// Another process may take the port between its choice and the
	// server's bind: try a few.
	for range 3 {
		srv, err := tryRedis(path, dir)
		if err == nil {
			t.Cleanup(srv.Kill)
			return srv
		}
		last = err
	}
	log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
	t.Fatalf("cannot start redis-server: %v\n%s", last, log)
	return nil
}

func tryRedis(path, dir string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	srv := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), exited: make(chan struct{}), dir: dir}
	srv.cmd = exec.Command(path,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"),
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	if err := srv.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { srv.cmd.Wait(); close(srv.exited) }()
	client := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1})
	defer client.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := client.Ping(ctx).Err()
		cancel()
		if err == nil {
			return srv, nil
		}
		select {
		case <-srv.exited:
			return nil, fmt.Errorf("redis-server on port %d exited: %v", port, srv.cmd.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			srv.Kill()
			return nil, errors.New("redis-server did not answer PING within 10 s")
		}
	}
}

// Kill stops the server at once, as a crash would.
func (srv *Server) Kill() {
	srv.Cont()
	srv.cmd.Process.Kill()
	<-srv.exited
}

// Client returns a client of srv, closed when t ends, with the options
// that make it give up at its context's deadline.
func (srv *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true})
	t.Cleanup(func() { c.Close() })
	return c
}
