package httpsession

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

// revocationServer is one server of a fleet: a middleware with its own
// revoker, over a store it may share with others.
type revocationServer struct {
	m     *Middleware
	rv    *Revoker
	logs  *logBuffer
	state LoadState // of the last request
	err   error     // of the last request
}

func newRevocationServer(t *testing.T, codec Codec, store RevocationStore, clk *clock, ropts RevokerOptions) *revocationServer {
	t.Helper()
	rv, err := NewRevoker(store, ropts)
	if err != nil {
		t.Fatal(err)
	}
	clk.pin(rv)
	srv := &revocationServer{rv: rv}
	srv.m, srv.logs = newMiddleware(t, codec, Options{
		Revoker: rv,
		OnLoad:  func(_ *http.Request, st LoadState, err error) { srv.state, srv.err = st, err },
	})
	return srv
}

// login serves a request that names subject as the session's, and
// returns the cookie.
func (srv *revocationServer) login(t *testing.T, subject string) *http.Cookie {
	t.Helper()
	resp := serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if err := s.SetSubject(subject); err != nil {
			t.Errorf("SetSubject(%q) = %v", subject, err)
		}
		s.Set("visits", 1)
	})
	cs := resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("login set %q, want one cookie", setCookies(resp))
	}
	return cs[0]
}

// user serves a request with cookie and returns the session's subject as
// the handler sees it, "" if the session is empty.
func (srv *revocationServer) user(t *testing.T, cookie *http.Cookie) string {
	t.Helper()
	var got string
	serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) { got = From(r).Subject() }, cookie)
	return got
}

// TestRevocationMiddleware runs two servers over one store: a user logged
// in on both is revoked on one, which rejects both of its cookies at once;
// the other rejects them once its cache is CacheFor old. A session without
// a subject and one of another subject are unaffected, and a login right
// after the revocation stays valid.
func TestRevocationMiddleware(t *testing.T) {
	clk := newClock()
	codec := newCodec(t, nil, cookiecodec.Options{})
	store := NewMemoryStore()
	store.now = clk.now
	a := newRevocationServer(t, codec, store, clk, RevokerOptions{})
	b := newRevocationServer(t, codec, store, clk, RevokerOptions{})

	onA, onB, other := a.login(t, "harry"), b.login(t, "harry"), b.login(t, "sally")
	anon := serve(t, a.m, func(w http.ResponseWriter, r *http.Request) { From(r).Set("theme", "dark") }).Cookies()[0]
	for _, srv := range []*revocationServer{a, b} {
		for _, c := range []*http.Cookie{onA, onB} {
			if got := srv.user(t, c); got != "harry" {
				t.Fatalf("subject before revocation = %q, want harry", got)
			}
		}
	}

	clk.advance(time.Millisecond)
	if err := a.rv.Revoke(context.Background(), "harry"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*http.Cookie{onA, onB} {
		if got := a.user(t, c); got != "" {
			t.Errorf("server A after the revocation: subject %q, want an empty session", got)
		}
		if a.state != RejectedCookie || !errors.Is(a.err, ErrRevoked) {
			t.Errorf("server A: OnLoad saw %v, %v; want rejected, ErrRevoked", a.state, a.err)
		}
		if got := b.user(t, c); got != "harry" {
			t.Errorf("server B within CacheFor: subject %q, want the cached harry", got)
		}
	}
	clk.advance(DefaultRevocationCacheFor)
	for _, c := range []*http.Cookie{onA, onB} {
		if got := b.user(t, c); got != "" || !errors.Is(b.err, ErrRevoked) {
			t.Errorf("server B after CacheFor: subject %q, err %v; want an empty session, ErrRevoked", got, b.err)
		}
	}
	if got := a.user(t, other); got != "sally" {
		t.Errorf("another subject's session after the revocation: %q, want sally", got)
	}
	var theme string
	serve(t, b.m, func(w http.ResponseWriter, r *http.Request) { theme, _ = Get[string](From(r), "theme") }, anon)
	if theme != "dark" || b.state != ValidCookie {
		t.Errorf("session without a subject: theme %q, state %v; want dark, valid", theme, b.state)
	}

	// Logging in again at once, in the same microsecond, is not revoked.
	again := b.login(t, "harry")
	for _, srv := range []*revocationServer{a, b} {
		if got := srv.user(t, again); got != "harry" {
			t.Errorf("login right after the revocation: subject %q, want harry (err %v)", got, srv.err)
		}
	}
}

// TestRevocationDeletesCookie checks that the response to a revoked
// session deletes its cookie, and that one to a session that could not be
// checked leaves it alone, for when the store is back.
func TestRevocationDeletesCookie(t *testing.T) {
	clk := newClock()
	store := &countingStore{RevocationStore: NewMemoryStore()}
	srv := newRevocationServer(t, nil, store, clk, RevokerOptions{})
	cookie := srv.login(t, "harry")
	clk.advance(DefaultRevocationCacheFor)
	down := error(errors.New("connection refused"))
	store.fail.Store(&down)
	resp := serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) { From(r).Subject() }, cookie)
	if len(resp.Cookies()) != 0 || srv.state != RejectedCookie {
		t.Errorf("store down: state %v, Set-Cookie %q; want rejected and the cookie left alone", srv.state, setCookies(resp))
	}
	store.fail.Store(nil)
	clk.advance(DefaultRevocationCacheFor)
	if err := srv.rv.Revoke(context.Background(), "harry"); err != nil {
		t.Fatal(err)
	}
	resp = serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) { From(r).Subject() }, cookie)
	if cs := resp.Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 || !errors.Is(srv.err, ErrRevoked) {
		t.Errorf("revoked: err %v, Set-Cookie %q; want ErrRevoked and the cookie deleted", srv.err, setCookies(resp))
	}
}

// TestRevocationClockBehind checks a login on a server whose clock runs
// behind the one that revoked: its session is issued at the revocation
// time, not before it.
func TestRevocationClockBehind(t *testing.T) {
	ahead, behind := newClock(), newClock()
	ahead.advance(400 * time.Millisecond)
	codec := newCodec(t, nil, cookiecodec.Options{})
	store := NewMemoryStore()
	a := newRevocationServer(t, codec, store, ahead, RevokerOptions{})
	b := newRevocationServer(t, codec, store, behind, RevokerOptions{})
	old := b.login(t, "harry")
	if err := a.rv.Revoke(context.Background(), "harry"); err != nil {
		t.Fatal(err)
	}
	fresh := b.login(t, "harry")
	ahead.advance(DefaultRevocationCacheFor)
	behind.advance(DefaultRevocationCacheFor)
	for _, srv := range []*revocationServer{a, b} {
		if got := srv.user(t, fresh); got != "harry" {
			t.Errorf("session issued after the revocation by a server 400 ms behind: subject %q (err %v), want harry", got, srv.err)
		}
		if got := srv.user(t, old); got != "" {
			t.Errorf("session issued before the revocation: subject %q, want an empty session", got)
		}
	}
}

// TestRevocationPasswordChange is the recipe of the package doc: revoke,
// then name the subject again in the same request, which keeps this
// session and no other.
func TestRevocationPasswordChange(t *testing.T) {
	clk := newClock()
	srv := newRevocationServer(t, nil, NewMemoryStore(), clk, RevokerOptions{})
	phone, laptop := srv.login(t, "harry"), srv.login(t, "harry")
	clk.advance(time.Second)
	resp := serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if err := srv.rv.Revoke(r.Context(), s.Subject()); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSubject(s.Subject()); err != nil {
			t.Fatal(err)
		}
	}, laptop)
	laptop = resp.Cookies()[0]
	clk.advance(time.Second)
	if got := srv.user(t, laptop); got != "harry" {
		t.Errorf("the device that changed the password: subject %q, want harry", got)
	}
	if got := srv.user(t, phone); got != "" {
		t.Errorf("another device after the password change: subject %q, want an empty session", got)
	}
}

// TestRevocationStoreDown checks both policies when the store fails: the
// default rejects sessions with a subject, with ErrRevocationUnavailable
// through the hooks; FailOpen accepts them with a warning. Sessions without
// a subject load either way.
func TestRevocationStoreDown(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		t.Run(fmt.Sprintf("FailOpen=%v", failOpen), func(t *testing.T) {
			clk := newClock()
			store := &countingStore{RevocationStore: NewMemoryStore()}
			srv := newRevocationServer(t, nil, store, clk, RevokerOptions{FailOpen: failOpen})
			var hooked error
			srv.m.onDecode = func(_ *http.Request, err error) { hooked = err }
			cookie := srv.login(t, "harry")
			clk.advance(DefaultRevocationCacheFor)
			down := error(errors.New("dial tcp 127.0.0.1:6379: connect: connection refused"))
			store.fail.Store(&down)
			var st LoadState
			var loadErr error
			var got string
			serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) {
				got = From(r).Subject()
				st, loadErr = From(r).LoadState()
			}, cookie)
			if failOpen {
				if got != "harry" || srv.state != ValidCookie || hooked != nil {
					t.Errorf("fail open: subject %q, state %v, hook %v; want harry, valid, no hook", got, srv.state, hooked)
				}
				// Accepted unchecked, and saying so.
				if st != ValidCookie || !errors.Is(loadErr, ErrRevocationUnavailable) || !errors.Is(srv.err, ErrRevocationUnavailable) {
					t.Errorf("fail open: LoadState() = %v, %v, OnLoad err %v; want valid with ErrRevocationUnavailable", st, loadErr, srv.err)
				}
				if errors.Is(loadErr, ErrRevoked) || !strings.Contains(loadErr.Error(), "FailOpen") {
					t.Errorf("fail open: LoadState err %q, want one saying FailOpen accepted it, not ErrRevoked", loadErr)
				}
				if !strings.Contains(srv.logs.String(), "connection refused") {
					t.Errorf("fail open logged %q, want a warning with the store's error", srv.logs)
				}
				// One warning a second, however many requests.
				srv.user(t, cookie)
				srv.user(t, cookie)
				if n := strings.Count(srv.logs.String(), "cannot be checked"); n != 1 {
					t.Errorf("%d warnings within a second, want 1", n)
				}
				clk.advance(failOpenWarnEvery)
				srv.user(t, cookie)
				if n := strings.Count(srv.logs.String(), "cannot be checked"); n != 2 || !strings.Contains(srv.logs.String(), "unlogged=2") {
					t.Errorf("%d warnings a second later, want 2, the second with unlogged=2:\n%s", n, srv.logs)
				}
				// The session works as a valid one: changes are saved.
				resp := serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) { From(r).Set("visits", 2) }, cookie)
				if len(resp.Cookies()) != 1 || resp.Cookies()[0].MaxAge < 0 {
					t.Errorf("fail open: saving a change set %q, want the session re-issued", setCookies(resp))
				}
				store.fail.Store(nil)
				clk.advance(DefaultRevocationCacheFor)
				serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) { st, loadErr = From(r).LoadState() }, cookie)
				if st != ValidCookie || loadErr != nil {
					t.Errorf("fail open, store back: LoadState() = %v, %v, want valid, nil", st, loadErr)
				}
				return
			}
			if got != "" || srv.state != RejectedCookie || !errors.Is(srv.err, ErrRevocationUnavailable) || !errors.Is(hooked, ErrRevocationUnavailable) {
				t.Errorf("fail closed: subject %q, state %v, err %v, hook %v; want rejected with ErrRevocationUnavailable", got, srv.state, srv.err, hooked)
			}
			if errors.Is(srv.err, ErrRevoked) {
				t.Errorf("fail closed: err %v matches ErrRevoked; the session was not revoked", srv.err)
			}
		})
	}
}

// TestRevocationBadKeys checks that a session whose reserved keys were
// overwritten with something else is rejected, not let through unchecked.
func TestRevocationBadKeys(t *testing.T) {
	clk := newClock()
	srv := newRevocationServer(t, nil, NewMemoryStore(), clk, RevokerOptions{})
	for _, tc := range []struct {
		name string
		data cookiecodec.Session
		ok   bool
	}{
		{"good", cookiecodec.Session{subjectKey: "harry", subjectAtKey: testNow.UnixMicro()}, true},
		{"no subject", cookiecodec.Session{subjectAtKey: int64(5)}, true},
		{"no issue time", cookiecodec.Session{subjectKey: "harry"}, false},
		{"subject not a string", cookiecodec.Session{subjectKey: 7, subjectAtKey: testNow.UnixMicro()}, false},
		{"empty subject", cookiecodec.Session{subjectKey: "", subjectAtKey: testNow.UnixMicro()}, false},
		{"issue time a string", cookiecodec.Session{subjectKey: "harry", subjectAtKey: "now"}, false},
		{"issue time a time", cookiecodec.Session{subjectKey: "harry", subjectAtKey: testNow}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := srv.m.codec.Encode(srv.m.name, tc.data)
			if err != nil {
				t.Fatal(err)
			}
			serve(t, srv.m, func(w http.ResponseWriter, r *http.Request) { From(r).Len() }, &http.Cookie{Name: srv.m.name, Value: v})
			if ok := srv.state == ValidCookie; ok != tc.ok {
				t.Errorf("state %v, err %v; want valid %v", srv.state, srv.err, tc.ok)
			}
			if !tc.ok && !errors.Is(srv.err, cookiecodec.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", srv.err)
			}
		})
	}
}

// TestRevocationKeyRotation checks that a session re-issued under a new
// key keeps its subject and issue time: the revocation that follows
// rejects both the old token and the re-issued one.
func TestRevocationKeyRotation(t *testing.T) {
	oldKey, newKey := cookiecodec.GenerateKey(), cookiecodec.GenerateKey()
	oldRing, err := cookiecodec.NewKeyring(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	newRing, err := cookiecodec.NewKeyring(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	store := NewMemoryStore()
	before := newRevocationServer(t, newCodec(t, oldRing, cookiecodec.Options{}), store, clk, RevokerOptions{})
	after := newRevocationServer(t, newCodec(t, newRing, cookiecodec.Options{}), store, clk, RevokerOptions{})
	oldToken := before.login(t, "harry")
	resp := serve(t, after.m, func(w http.ResponseWriter, r *http.Request) { From(r).Subject() }, oldToken)
	if len(resp.Cookies()) != 1 {
		t.Fatalf("Set-Cookie = %q, want the session re-issued under the new key", setCookies(resp))
	}
	reissued := resp.Cookies()[0]
	clk.advance(time.Minute)
	if got := after.user(t, reissued); got != "harry" {
		t.Fatalf("re-issued session: subject %q, want harry", got)
	}
	if err := after.rv.Revoke(context.Background(), "harry"); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*http.Cookie{"old token": oldToken, "re-issued token": reissued} {
		if got := after.user(t, c); got != "" || !errors.Is(after.err, ErrRevoked) {
			t.Errorf("%s after the revocation: subject %q, err %v; want an empty session, ErrRevoked", name, got, after.err)
		}
	}
}

// TestRevocationFlask runs revocation over the Flask codec, whose
// timestamps have whole seconds: a revocation at 12:00:00.7 revokes a
// login at 12:00:00.2 and not one at 12:00:00.9, and a session the Flask
// side writes back keeps its subject and issue time.
func TestRevocationFlask(t *testing.T) {
	codec := newFlaskCodec(t, "a Flask SECRET_KEY of some length")
	clk := newClock()
	store := NewMemoryStore()
	srv := newRevocationServer(t, codec, store, clk, RevokerOptions{})
	clk.advance(200 * time.Millisecond)
	early := srv.login(t, "harry")
	clk.advance(500 * time.Millisecond)
	if err := srv.rv.Revoke(context.Background(), "harry"); err != nil {
		t.Fatal(err)
	}
	clk.advance(200 * time.Millisecond)
	late := srv.login(t, "harry")
	if got := srv.user(t, early); got != "" {
		t.Errorf("Flask session issued before the revocation in its second: subject %q, want an empty session", got)
	}
	if got := srv.user(t, late); got != "harry" {
		t.Errorf("Flask session issued after the revocation in its second: subject %q (err %v), want harry", got, srv.err)
	}
	// What Flask reads and writes back: the JSON of the session.
	s, _, err := codec.Decode("session", late.Value)
	if err != nil {
		t.Fatal(err)
	}
	js, err := flask.MarshalTagged(s)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`"_sub_at":%d`, clk.now().UnixMicro())
	if !strings.Contains(string(js), want) {
		t.Errorf("Flask JSON %s does not hold %s", js, want)
	}
	back, err := flask.UnmarshalTagged(js)
	if err != nil {
		t.Fatal(err)
	}
	rewritten, err := codec.Encode("session", back)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.user(t, &http.Cookie{Name: "session", Value: rewritten}); got != "harry" {
		t.Errorf("session written back from Flask's JSON: subject %q (err %v), want harry", got, srv.err)
	}
}

func TestRevokerRetainCheckedByNew(t *testing.T) {
	codec := newCodec(t, nil, cookiecodec.Options{MaxAge: 24 * time.Hour})
	for _, tc := range []struct {
		retain time.Duration
		ok     bool
	}{
		{0, true},
		{24 * time.Hour, true},
		{48 * time.Hour, true},
		{time.Hour, false},
	} {
		rv, err := NewRevoker(NewMemoryStore(), RevokerOptions{Retain: tc.retain})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(codec, Options{Revoker: rv}); (err == nil) != tc.ok {
			t.Errorf("New with Retain %v and a codec MaxAge of 24h: err = %v, want ok %v", tc.retain, err, tc.ok)
		}
	}
}

func TestSetSubject(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if got := s.Subject(); got != "" {
			t.Errorf("Subject() of a new session = %q, want empty", got)
		}
		for _, bad := range []string{"", strings.Repeat("x", MaxSubjectLength+1)} {
			if err := s.SetSubject(bad); err == nil {
				t.Errorf("SetSubject of %d bytes succeeded", len(bad))
			}
		}
		if s.Len() != 0 {
			t.Errorf("failed SetSubject left keys %v", s.Keys())
		}
		// Without a Revoker, the subject is recorded all the same.
		if err := s.SetSubject("harry"); err != nil || s.Subject() != "harry" {
			t.Errorf("SetSubject(harry) = %v, Subject() = %q", err, s.Subject())
		}
		if at, ok := Get[int64](s, subjectAtKey); !ok || at <= 0 {
			t.Errorf("issue time %d, %v, want a time", at, ok)
		}
		s.Clear()
		if got := s.Subject(); got != "" {
			t.Errorf("Subject() after Clear = %q", got)
		}
	})
	var detached *Session
	if err := detached.SetSubject("harry"); err == nil || detached.Subject() != "" {
		t.Errorf("nil Session SetSubject = %v, want an error", err)
	}
}

// BenchmarkRevocation serves a request that reads a session with a
// subject: without a Revoker, and with one whose cache answers (the
// common case: one store question per subject and CacheFor).
func BenchmarkRevocation(b *testing.B) {
	codec := newCodec(b, nil, cookiecodec.Options{Encrypt: true})
	value, err := codec.Encode("session", cookiecodec.Session{subjectKey: "harry", subjectAtKey: time.Now().UnixMicro(), "visits": 1})
	if err != nil {
		b.Fatal(err)
	}
	rv, err := NewRevoker(NewMemoryStore(), RevokerOptions{CacheFor: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		rv   *Revoker
	}{{"no-revoker", nil}, {"cache-hit", rv}} {
		b.Run(bc.name, func(b *testing.B) {
			m, _ := newMiddleware(b, codec, Options{Revoker: bc.rv})
			var sub string
			h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sub = From(r).Subject() }))
			req, _ := http.NewRequest("GET", "https://example.com/", nil)
			req.AddCookie(&http.Cookie{Name: "session", Value: value})
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
			if sub != "harry" {
				b.Fatalf("subject %q, want harry", sub)
			}
		})
	}
}

// TestLazySessionSubject checks SetSubject and Subject on a session read
// lazily, by a middleware without a Revoker (whose sessions stay Views):
// SetSubject must not panic on the map not yet built, and Subject must
// see the subject stored in the cookie.
func TestLazySessionSubject(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	login := serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Set("user", "Harry") })
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		if err := From(r).SetSubject("harry"); err != nil {
			t.Errorf("SetSubject(harry) = %v", err)
		}
	}, login.Cookies()...)
	if len(resp.Cookies()) != 1 {
		t.Fatalf("SetSubject: Set-Cookie = %q, want the session saved", setCookies(resp))
	}
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		if got := From(r).Subject(); got != "harry" {
			t.Errorf("Subject() = %q, want harry", got)
		}
		if user, _ := Get[string](From(r), "user"); user != "Harry" {
			t.Errorf("Get(user) = %q after SetSubject, want Harry", user)
		}
	}, resp.Cookies()...)
}
