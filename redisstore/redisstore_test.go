package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/httpsession"
	"github.com/cookiecodec/cookiecodec/redisstore/internal/redistest"
)

func newStore(t testing.TB, srv *redistest.Server, prefix string) *Store {
	t.Helper()
	s, err := New(srv.Client(t), Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStore checks the store's contract against a real Redis: no record
// reads as the zero time, records never move back, they expire at their
// forgetAfter time to the millisecond, and a malformed record is an error.
func TestStore(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, srv, "")
	ctx := context.Background()
	get := func(subject string) time.Time {
		t.Helper()
		before, err := s.RevokedBefore(ctx, subject)
		if err != nil {
			t.Fatalf("RevokedBefore(%q) err = %v", subject, err)
		}
		return before
	}
	if got := get("harry"); !got.IsZero() {
		t.Errorf("RevokedBefore without a record = %s, want zero", got)
	}
	t0 := time.UnixMicro(time.Now().UnixMicro())
	forget := t0.Add(time.Hour + 1234567*time.Nanosecond)
	for _, before := range []time.Time{t0, t0.Add(-time.Second)} {
		if err := s.Revoke(ctx, "harry", before, forget); err != nil {
			t.Fatal(err)
		}
	}
	if got := get("harry"); !got.Equal(t0) {
		t.Errorf("RevokedBefore = %s, want %s to the microsecond, not moved back", got, t0)
	}
	at, err := s.client.PExpireTime(ctx, DefaultPrefix+"harry").Result()
	if want := forget.Add(time.Millisecond).Truncate(time.Millisecond); err != nil || at != time.Duration(want.UnixMilli())*time.Millisecond {
		t.Errorf("record expires at %v (err %v), want %d ms, forgetAfter rounded up", at, err, want.UnixMilli())
	}
	if err := s.Revoke(ctx, "harry", t0.Add(time.Microsecond), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := get("harry"); !got.Equal(t0.Add(time.Microsecond)) {
		t.Errorf("RevokedBefore after a later revocation = %s, want %s", got, t0.Add(time.Microsecond))
	}
	if ttl := s.client.PTTL(ctx, DefaultPrefix+"harry").Val(); ttl != -1 {
		t.Errorf("record kept forever has PTTL %v, want -1 (none)", ttl)
	}
	// A forgetAfter already past forgets at once.
	if err := s.Revoke(ctx, "sally", t0, t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := get("sally"); !got.IsZero() {
		t.Errorf("record past its forgetAfter = %s, want zero", got)
	}
	// Prefixes keep applications apart.
	if got, _ := newStore(t, srv, "other:").RevokedBefore(ctx, "harry"); !got.IsZero() {
		t.Errorf("RevokedBefore under another prefix = %s, want zero", got)
	}
	for _, bad := range []string{"soon", "-5", "0", "0012", "1.5"} {
		s.client.Set(ctx, DefaultPrefix+"mallory", bad, 0)
		if _, err := s.RevokedBefore(ctx, "mallory"); err == nil || strings.Contains(err.Error(), "mallory") {
			t.Errorf("RevokedBefore of record %q = %v, want an error not naming the subject", bad, err)
		}
	}
	if err := s.Revoke(ctx, "harry", time.Unix(0, 0), time.Time{}); err == nil {
		t.Error("Revoke at 1970 succeeded")
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New(nil) succeeded")
	}
}

// TestStoreConcurrentRevoke checks that concurrent revocations leave the
// latest time, as the script reads and writes in one step.
func TestStoreConcurrentRevoke(t *testing.T) {
	srv := redistest.Start(t)
	s := newStore(t, srv, "")
	ctx := context.Background()
	t0 := time.UnixMicro(time.Now().UnixMicro())
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if err := s.Revoke(ctx, "harry", t0.Add(time.Duration(i)*time.Microsecond), time.Time{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got, err := s.RevokedBefore(ctx, "harry"); err != nil || !got.Equal(t0.Add(49*time.Microsecond)) {
		t.Errorf("RevokedBefore after 50 concurrent revocations = %s, %v, want the latest %s", got, err, t0.Add(49*time.Microsecond))
	}
}

// testCacheFor is the revokers' CacheFor in these tests, short to keep
// them quick.
const testCacheFor = 200 * time.Millisecond

// app is one server of a fleet, over a Redis of its own client.
type app struct {
	*httptest.Server
	revoker *httpsession.Revoker

	mu   sync.Mutex
	errs []error // load errors seen by OnLoad
}

// newApp starts a server with routes to log in as a user, to read the
// session's subject and load state, and to log out everywhere.
func newApp(t *testing.T, codec httpsession.Codec, store httpsession.RevocationStore, ropts httpsession.RevokerOptions) *app {
	t.Helper()
	rv, err := httpsession.NewRevoker(store, ropts)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{revoker: rv}
	sessions, err := httpsession.New(codec, httpsession.Options{
		Insecure: true,
		Revoker:  rv,
		OnLoad: func(_ *http.Request, _ httpsession.LoadState, err error) {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.errs = append(a.errs, err)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if err := httpsession.From(r).SetSubject(r.FormValue("user")); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		st, _ := s.LoadState()
		fmt.Fprintf(w, "%s %s", st, s.Subject())
	})
	mux.HandleFunc("POST /logout-everywhere", func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		if err := rv.Revoke(r.Context(), s.Subject()); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		s.Clear()
	})
	a.Server = httptest.NewServer(sessions.Wrap(mux))
	t.Cleanup(a.Close)
	return a
}

// lastErr returns the error of the last load a saw.
func (a *app) lastErr() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.errs) == 0 {
		return nil
	}
	return a.errs[len(a.errs)-1]
}

// A device is a browser: a cookie jar. Servers on one host share its
// cookies, ports apart, as browsers do.
type device struct {
	t *testing.T
	c *http.Client
}

func newDevice(t *testing.T) *device {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &device{t: t, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

// do sends a request to a and returns the body; the client's timeout
// fails a request that hangs.
func (d *device) do(a *app, method, path string) (int, string) {
	d.t.Helper()
	req, err := http.NewRequest(method, a.URL+path, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	resp, err := d.c.Do(req)
	if err != nil {
		d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

func (d *device) whoami(a *app) string {
	d.t.Helper()
	_, body := d.do(a, "GET", "/whoami")
	return body
}

func newCodec(t testing.TB) *cookiecodec.Codec {
	t.Helper()
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	return codec
}

// TestFleet runs two servers, each with its own Redis client and revoker,
// over one Redis: a user logged in on both from three devices logs out
// everywhere on one; that server rejects the other sessions at once, the
// other server within CacheFor, and both delete the revoked cookies;
// logging in again at once keeps the user logged in. The devices' jars
// send a cookie to both servers, as browsers do for two ports of a host:
// each device asks one server after the revocation, since the answer
// deletes its cookie.
func TestFleet(t *testing.T) {
	srv := redistest.Start(t)
	codec := newCodec(t)
	ropts := httpsession.RevokerOptions{CacheFor: testCacheFor, Timeout: time.Second, Retain: codec.MaxAge()}
	a := newApp(t, codec, newStore(t, srv, ""), ropts)
	b := newApp(t, codec, newStore(t, srv, ""), ropts)
	laptop, phone, tablet, other := newDevice(t), newDevice(t), newDevice(t), newDevice(t)
	laptop.do(a, "POST", "/login?user=harry")
	phone.do(b, "POST", "/login?user=harry")
	tablet.do(a, "POST", "/login?user=harry")
	other.do(b, "POST", "/login?user=sally")
	// Let the answers cached at login go stale, so that server B's
	// answer is as fresh as can be when the revocation comes.
	time.Sleep(testCacheFor)
	for _, s := range []*app{a, b} {
		for _, d := range []*device{laptop, phone, tablet} {
			if got := d.whoami(s); got != "valid harry" {
				t.Fatalf("before the revocation: %q, want valid harry", got)
			}
		}
	}

	if code, body := laptop.do(a, "POST", "/logout-everywhere"); code != http.StatusOK {
		t.Fatalf("logout everywhere: %d %s", code, body)
	}
	revoked := time.Now()
	if got := laptop.whoami(a); got != "no cookie" {
		t.Errorf("the device that logged out everywhere: %q, want no cookie", got)
	}
	if got := tablet.whoami(a); got != "rejected" || !errors.Is(a.lastErr(), httpsession.ErrRevoked) {
		t.Errorf("another device on the revoking server: %q, err %v; want rejected, ErrRevoked", got, a.lastErr())
	}
	if got := tablet.whoami(b); got != "no cookie" {
		t.Errorf("another device after its revoked cookie was answered: %q, want no cookie", got)
	}
	// Server B may answer from its cache until CacheFor after the
	// revocation, and must not after.
	time.Sleep(time.Until(revoked.Add(testCacheFor)))
	if got := phone.whoami(b); got != "rejected" || !errors.Is(b.lastErr(), httpsession.ErrRevoked) {
		t.Errorf("the other device on the other server, CacheFor after: %q, err %v; want rejected, ErrRevoked", got, b.lastErr())
	}
	if got := other.whoami(b); got != "valid sally" {
		t.Errorf("another user: %q, want valid sally", got)
	}

	// Logging in again right away, on the other server.
	phone.do(b, "POST", "/login?user=harry")
	time.Sleep(testCacheFor)
	for _, s := range []*app{a, b} {
		if got := phone.whoami(s); got != "valid harry" {
			t.Errorf("login right after the revocation: %q, want valid harry", got)
		}
	}
}

// TestRedisDown freezes, then kills, the Redis under two servers, one
// failing closed (the default) and one failing open: every request
// returns within the revoker's timeout and a margin, the closed one
// rejects sessions with ErrRevocationUnavailable, the open one keeps them;
// logging out everywhere reports the failure.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	codec := newCodec(t)
	const timeout = 300 * time.Millisecond
	closed := newApp(t, codec, newStore(t, srv, ""), httpsession.RevokerOptions{CacheFor: testCacheFor, Timeout: timeout})
	open := newApp(t, codec, newStore(t, srv, ""), httpsession.RevokerOptions{CacheFor: testCacheFor, Timeout: timeout, FailOpen: true})
	d := newDevice(t)
	d.do(closed, "POST", "/login?user=harry")
	for _, s := range []*app{closed, open} {
		if got := d.whoami(s); got != "valid harry" {
			t.Fatalf("with Redis up: %q, want valid harry", got)
		}
	}

	check := func(how string) {
		t.Helper()
		time.Sleep(testCacheFor) // past the cached answers
		for _, tc := range []struct {
			s    *app
			want string
		}{{closed, "rejected"}, {open, "valid harry"}} {
			start := time.Now()
			got := d.whoami(tc.s)
			// A hang detector, not a speed goal: the bound is the
			// timeout and a wide margin for a loaded machine.
			if took := time.Since(start); took > timeout+5*time.Second {
				t.Errorf("Redis %s: a request took %v, want about the %v timeout at most", how, took, timeout)
			}
			if got != tc.want {
				t.Errorf("Redis %s: %q, want %q", how, got, tc.want)
			}
		}
		if err := closed.lastErr(); !errors.Is(err, httpsession.ErrRevocationUnavailable) {
			t.Errorf("Redis %s: the closed server's load error = %v, want ErrRevocationUnavailable", how, err)
		}
		start := time.Now()
		code, _ := d.do(closed, "POST", "/logout-everywhere")
		if code != http.StatusServiceUnavailable || time.Since(start) > timeout+5*time.Second {
			t.Errorf("Redis %s: logout everywhere answered %d after %v, want 503 within the timeout", how, code, time.Since(start))
		}
	}
	if srv.Freeze() {
		check("frozen")
		srv.Cont()
		time.Sleep(testCacheFor)
		if got := d.whoami(closed); got != "valid harry" {
			t.Errorf("Redis resumed: %q, want valid harry", got)
		}
	}
	srv.Kill()
	check("killed")
}

// BenchmarkRequest serves a request that reads a session with a subject
// through the middleware over a local Redis: without a revoker, with one
// answering from its cache, and with one asking Redis every time (the
// cost of a cache miss).
func BenchmarkRequest(b *testing.B) {
	srv := redistest.Start(b)
	codec := newCodec(b)
	store := newStore(b, srv, "")
	for _, bc := range []struct {
		name     string
		cacheFor time.Duration // 0 for no revoker
	}{{"no-revoker", 0}, {"cache-hit", time.Hour}, {"cache-miss", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			var opts httpsession.Options
			if bc.cacheFor != 0 {
				rv, err := httpsession.NewRevoker(store, httpsession.RevokerOptions{CacheFor: bc.cacheFor})
				if err != nil {
					b.Fatal(err)
				}
				opts.Revoker = rv
			}
			sessions, err := httpsession.New(codec, opts)
			if err != nil {
				b.Fatal(err)
			}
			var cookie *http.Cookie
			login := sessions.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				httpsession.From(r).SetSubject("harry")
			}))
			rec := httptest.NewRecorder()
			login.ServeHTTP(rec, httptest.NewRequest("POST", "https://example.com/login", nil))
			cookie = rec.Result().Cookies()[0]

			var got string
			h := sessions.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = httpsession.From(r).Subject()
			}))
			req := httptest.NewRequest("GET", "https://example.com/", nil)
			req.AddCookie(cookie)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
			if got != "harry" {
				b.Fatalf("subject %q, want harry", got)
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}
