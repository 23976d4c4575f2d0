package httpsession

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// TestLazySession checks that a request which only reads its session
// never builds the map (the session stays a View of its cookie, through
// the save), that each method which writes or iterates builds it, and
// that reads agree either way.
func TestLazySession(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	login := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		s.Set("user", "Harry")
		s.Set("visits", 3)
		s.SetPermanent(true)
	})
	for _, tc := range []struct {
		name     string
		use      func(s *Session)
		wantLazy bool
	}{
		{"Get", func(s *Session) { s.Get("user") }, true},
		{"typed Get", func(s *Session) { Get[int](s, "visits") }, true},
		{"Len", func(s *Session) { s.Len() }, true},
		{"Permanent", func(s *Session) { s.Permanent() }, true},
		{"Lifetime", func(s *Session) { s.Lifetime() }, true},
		{"Set", func(s *Session) { s.Set("visits", 4) }, false},
		{"Delete", func(s *Session) { s.Delete("visits") }, false},
		{"Keys", func(s *Session) { s.Keys() }, false},
		{"Clear", func(s *Session) { s.Clear() }, false},
		{"MarkModified", func(s *Session) { s.MarkModified() }, false},
		{"Flashes", func(s *Session) { s.Flashes() }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s *Session
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				s = From(r)
				if user, ok := Get[string](s, "user"); !ok || user != "Harry" {
					t.Errorf("Get[string](user) = %q, %v; want Harry, true", user, ok)
				}
				if n, ok := Get[int](s, "visits"); !ok || n != 3 {
					t.Errorf("Get[int](visits) = %d, %v; want 3, true", n, ok)
				}
				if !s.Permanent() || s.Len() != 3 {
					t.Errorf("Permanent() = %v, Len() = %d; want true, 3", s.Permanent(), s.Len())
				}
				tc.use(s)
				w.Write([]byte("ok"))
			}, login.Cookies()...)
			if s.lazy != tc.wantLazy || (s.data == nil) != tc.wantLazy {
				t.Errorf("after %s and the save: lazy = %v, map built = %v; want lazy %v", tc.name, s.lazy, s.data != nil, tc.wantLazy)
			}
			if tc.wantLazy && len(setCookies(resp)) != 0 {
				t.Errorf("a read-only request set cookies: %q", setCookies(resp))
			}
		})
	}
}

// TestLazySessionReissues checks that a session still a View is
// re-issued when it must be: here, read with a key that is no longer the
// primary, so that its cookie moves to the new key.
func TestLazySessionReissues(t *testing.T) {
	old := cookiecodec.GenerateKey()
	oldRing, _ := cookiecodec.NewKeyring(old)
	m1, _ := newMiddleware(t, newCodec(t, oldRing, cookiecodec.Options{}), Options{})
	login := serve(t, m1, func(w http.ResponseWriter, r *http.Request) { From(r).Set("user", "Harry") })
	newRing, _ := cookiecodec.NewKeyring(cookiecodec.GenerateKey(), old)
	m2, _ := newMiddleware(t, newCodec(t, newRing, cookiecodec.Options{}), Options{})
	resp := serve(t, m2, func(w http.ResponseWriter, r *http.Request) { From(r).Get("user") }, login.Cookies()...)
	if len(resp.Cookies()) != 1 {
		t.Fatalf("Set-Cookie = %q, want the session re-issued under the new primary", setCookies(resp))
	}
	resp = serve(t, m2, func(w http.ResponseWriter, r *http.Request) {
		if user, _ := Get[string](From(r), "user"); user != "Harry" {
			t.Errorf("re-issued session: user = %q, want Harry", user)
		}
		if info, ok := From(r).Info(); !ok || info.Stale {
			t.Errorf("re-issued session: Info = %+v, %v; want a valid token of the primary", info, ok)
		}
	}, resp.Cookies()...)
}

// TestLazySessionInPlaceChange checks the promise of Session.Get: the
// value is the session's own, so that a slice or map changed in place and
// followed by MarkModified is saved, even when the session was a View of
// its cookie when Get returned it.
func TestLazySessionInPlaceChange(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	login := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("cart", []any{"apple"})
		From(r).Set("prefs", map[string]any{"theme": "light"})
		From(r).Set("list", []any{1})
	})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		v, _ := s.Get("cart")
		v.([]any)[0] = "pear"
		p, _ := Get[map[string]any](s, "prefs")
		p["theme"] = "dark"
		l, _ := Get[any](s, "list")
		l.([]any)[0] = 2
		s.MarkModified()
	}, login.Cookies()...)
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		v, _ := From(r).Get("cart")
		if cart, _ := v.([]any); len(cart) != 1 || cart[0] != "pear" {
			t.Errorf("cart = %v after an in-place change and MarkModified, want [pear]", v)
		}
		p, _ := Get[map[string]any](From(r), "prefs")
		if p["theme"] != "dark" {
			t.Errorf("prefs = %v after an in-place change and MarkModified, want theme dark", p)
		}
		if l, _ := Get[[]any](From(r), "list"); len(l) != 1 || l[0] != int64(2) {
			t.Errorf("list = %v after an in-place change and MarkModified, want [2]", l)
		}
	}, resp.Cookies()...)
}

// TestLazySessionTimeouts checks that the View path enforces the idle and
// absolute timeouts as the map path does (the tests of lifetime_test.go
// run on a codec without DecodeView): a timed-out session is rejected as
// expired and its cookie deleted.
func TestLazySessionTimeouts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  Options
		after time.Duration
	}{
		{"idle", Options{IdleTimeout: time.Hour}, 2 * time.Hour},
		{"absolute", Options{AbsoluteTimeout: time.Hour}, 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newMiddleware(t, nil, tc.opts)
			// The codec's own clock is the real one: the middleware's
			// starts there, so that issue times and login times agree.
			start := time.Now()
			m.now = func() time.Time { return start }
			login := serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Set("user", "Harry") })
			if _, ok := m.codec.(viewDecoder); !ok {
				t.Fatal("the test's codec has no DecodeView")
			}
			m.now = func() time.Time { return start.Add(tc.after) }
			var st LoadState
			var err error
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				if user, _ := Get[string](From(r), "user"); user != "" {
					t.Errorf("user = %q after the timeout, want none", user)
				}
				st, err = From(r).LoadState()
			}, login.Cookies()...)
			if st != RejectedCookie || !errors.Is(err, cookiecodec.ErrExpired) {
				t.Errorf("LoadState() = %v, %v; want rejected, ErrExpired", st, err)
			}
			if cs := resp.Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
				t.Errorf("Set-Cookie = %q, want the cookie deleted", setCookies(resp))
			}
		})
	}
}

// TestLazySessionInPlace checks that a list read from a session that is
// still a View, changed in place and marked modified, is saved: the value
// handed out is the session's own, as with a map.
func TestLazySessionInPlace(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	j := jar{}
	j.update(serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("cart", []any{"a", "b"})
		From(r).Set("tags", []any{"x"})
	}))
	j.update(serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		v, _ := s.Get("cart")
		v.([]any)[0] = "changed"
		tags, _ := Get[[]any](s, "tags")
		tags[0] = "changed"
		s.MarkModified()
	}, j.list()...))
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		cart, _ := Get[[]string](From(r), "cart")
		tags, _ := Get[[]string](From(r), "tags")
		if len(cart) != 2 || cart[0] != "changed" || len(tags) != 1 || tags[0] != "changed" {
			t.Errorf("after changes in place: cart = %q, tags = %q; want [changed b], [changed]", cart, tags)
		}
	}, j.list()...)
}
