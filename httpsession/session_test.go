package httpsession

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

// TestSemantics checks when a response carries Set-Cookie and Vary, for
// a request without a cookie and one with a cookie holding {"user": "Harry"}.
func TestSemantics(t *testing.T) {
	for _, tc := range []struct {
		name       string
		withCookie bool
		handler    func(s *Session)
		wantSet    string // "" none, "set" a session cookie, "delete" a deletion
		wantVary   bool
	}{
		{"untouched", false, func(s *Session) {}, "", false},
		{"untouched with cookie", true, func(s *Session) {}, "", false},
		{"read", false, func(s *Session) { s.Get("user") }, "", true},
		{"read with cookie", true, func(s *Session) { s.Get("user") }, "", true},
		{"keys", true, func(s *Session) { s.Keys() }, "", true},
		{"set", false, func(s *Session) { s.Set("user", "Sally") }, "set", true},
		{"set same value", true, func(s *Session) { s.Set("user", "Harry") }, "set", true},
		{"delete missing key", true, func(s *Session) { s.Delete("other") }, "", true},
		{"delete last key", true, func(s *Session) { s.Delete("user") }, "delete", true},
		{"clear", true, func(s *Session) { s.Clear() }, "delete", true},
		{"clear without cookie", false, func(s *Session) { s.Clear() }, "", true},
		{"set then clear", false, func(s *Session) { s.Set("a", 1); s.Clear() }, "", true},
		{"mark modified", true, func(s *Session) { s.MarkModified() }, "set", true},
		{"permanent unchanged", true, func(s *Session) { s.SetPermanent(false) }, "", true},
		{"permanent", true, func(s *Session) { s.SetPermanent(true) }, "set", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newMiddleware(t, nil, Options{})
			var cookies []*http.Cookie
			if tc.withCookie {
				v, err := m.codec.Encode(m.name, cookiecodec.Session{"user": "Harry"})
				if err != nil {
					t.Fatal(err)
				}
				cookies = append(cookies, &http.Cookie{Name: m.name, Value: v})
			}
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				tc.handler(From(r))
				fmt.Fprint(w, "ok")
			}, cookies...)
			got := ""
			if sc := resp.Cookies(); len(sc) == 1 && sc[0].MaxAge < 0 {
				got = "delete"
			} else if len(sc) == 1 {
				got = "set"
			} else if len(sc) > 1 {
				got = fmt.Sprintf("%d cookies", len(sc))
			}
			if got != tc.wantSet {
				t.Errorf("Set-Cookie = %q, want %s", setCookies(resp), tc.wantSet)
			}
			if hasVaryCookie(resp) != tc.wantVary {
				t.Errorf("Vary = %q, want Cookie: %v", resp.Header.Values("Vary"), tc.wantVary)
			}
		})
	}
}

func TestRoundTripAndAttributes(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		s.Set("user", "Harry")
		s.Set("visits", 3)
		s.Set("tags", []string{"a", "b"})
	})
	cs := resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("Set-Cookie = %q, want one cookie", setCookies(resp))
	}
	c := cs[0]
	if c.Name != "session" || c.Path != "/" || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Domain != "" {
		t.Errorf("Set-Cookie = %q, want session, Path=/, HttpOnly, Secure, SameSite=Lax, no Domain", c.Raw)
	}
	if c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("Set-Cookie = %q, want a browser-session cookie", c.Raw)
	}

	resp = serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if user, ok := Get[string](s, "user"); !ok || user != "Harry" {
			t.Errorf("Get[string](user) = %q, %v, want Harry, true", user, ok)
		}
		if n, ok := Get[int](s, "visits"); !ok || n != 3 {
			t.Errorf("Get[int](visits) = %d, %v, want 3, true", n, ok)
		}
		if tags, ok := Get[[]string](s, "tags"); !ok || !slices.Equal(tags, []string{"a", "b"}) {
			t.Errorf("Get[[]string](tags) = %q, %v, want [a b], true", tags, ok)
		}
		if _, ok := Get[int](s, "user"); ok {
			t.Error("Get[int](user) ok = true, want false")
		}
		if got, want := s.Keys(), []string{"tags", "user", "visits"}; !slices.Equal(got, want) {
			t.Errorf("Keys() = %q, want %q", got, want)
		}
		if info, ok := s.Info(); !ok || info.IssuedAt.IsZero() {
			t.Errorf("Info() = %+v, %v, want a valid token's info", info, ok)
		}
	}, c)
	if len(setCookies(resp)) != 0 {
		t.Errorf("unmodified session: Set-Cookie = %q, want none", setCookies(resp))
	}
}

func TestPermanent(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{MaxAge: 2 * time.Hour})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		s.Set("user", "Harry")
		s.SetPermanent(true)
	})
	cs := resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("Set-Cookie = %q, want one cookie", setCookies(resp))
	}
	if cs[0].MaxAge != 7200 || !cs[0].Expires.Equal(testNow.Add(2*time.Hour)) {
		t.Errorf("Set-Cookie = %q, want Max-Age=7200 and Expires %v", cs[0].Raw, testNow.Add(2*time.Hour))
	}
	s, _, err := m.codec.Decode(m.name, cs[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	if s["_permanent"] != true {
		t.Errorf("decoded session = %v, want _permanent: true, as Flask stores it", s)
	}

	resp = serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if !s.Permanent() {
			t.Error("Permanent() = false after a round trip")
		}
		s.SetPermanent(false)
	}, cs[0])
	cs = resp.Cookies()
	if len(cs) != 1 || cs[0].MaxAge != 0 || !cs[0].Expires.IsZero() {
		t.Errorf("after SetPermanent(false): Set-Cookie = %q, want a browser-session cookie", setCookies(resp))
	}
}

func TestMaxAgeFromCodec(t *testing.T) {
	codec := newCodec(t, nil, cookiecodec.Options{MaxAge: 90 * time.Minute})
	m, _ := newMiddleware(t, codec, Options{})
	if m.maxAge != 90*time.Minute {
		t.Errorf("maxAge = %v, want the codec's 1h30m0s", m.maxAge)
	}
}

func TestRefreshEachRequest(t *testing.T) {
	for _, tc := range []struct {
		name      string
		refresh   bool
		permanent bool
		want      int
	}{
		{"permanent refreshed", true, true, 1},
		{"browser session not refreshed", true, false, 0},
		{"refresh off", false, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newMiddleware(t, nil, Options{RefreshEachRequest: tc.refresh})
			data := cookiecodec.Session{"user": "Harry"}
			if tc.permanent {
				data["_permanent"] = true
			}
			v, err := m.codec.Encode(m.name, data)
			if err != nil {
				t.Fatal(err)
			}
			// The handler never touches the session.
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {}, &http.Cookie{Name: m.name, Value: v})
			if got := len(resp.Cookies()); got != tc.want {
				t.Errorf("Set-Cookie = %q, want %d cookies", setCookies(resp), tc.want)
			}
			if tc.want > 0 && !hasVaryCookie(resp) {
				t.Errorf("Vary = %q, want Cookie with Set-Cookie", resp.Header.Values("Vary"))
			}
		})
	}
}

func TestDecodeFailureStartsEmpty(t *testing.T) {
	other := newCodec(t, nil, cookiecodec.Options{})
	m, logs := newMiddleware(t, nil, Options{})
	good, err := m.codec.Encode(m.name, cookiecodec.Session{"user": "Harry"})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.Encode(m.name, cookiecodec.Session{"user": "Mallory"})
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(good)
	tampered[len(tampered)/2] ^= 'A' ^ 'B'
	if tampered[len(tampered)/2] == good[len(good)/2] {
		tampered[len(tampered)/2] = 'C'
	}
	for _, tc := range []struct {
		name, value string
	}{
		{"tampered", string(tampered)},
		{"unknown key", foreign},
		{"garbage", "not a token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hookErr error
			hooked, _ := newMiddleware(t, m.codec, Options{OnDecodeError: func(r *http.Request, err error) { hookErr = err }})
			serve(t, hooked, func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				if s.Len() != 0 {
					t.Errorf("Len() = %d, want an empty session", s.Len())
				}
				if _, ok := s.Info(); ok {
					t.Error("Info() ok = true for a rejected cookie")
				}
			}, &http.Cookie{Name: m.name, Value: tc.value})
			if !errors.Is(hookErr, cookiecodec.ErrInvalid) {
				t.Errorf("OnDecodeError got %v, want ErrInvalid", hookErr)
			}

			serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Get("user") },
				&http.Cookie{Name: m.name, Value: tc.value})
			if !strings.Contains(logs.String(), "level=DEBUG") || strings.Contains(logs.String(), tc.value) {
				t.Errorf("default hook logged %q, want a debug line without the cookie", logs.String())
			}
		})
	}
}

func TestRotationReissues(t *testing.T) {
	oldKey, newKey := cookiecodec.GenerateKey(), cookiecodec.GenerateKey()
	oldRing, err := cookiecodec.NewKeyring(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := cookiecodec.NewKeyring(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	newOnly, err := cookiecodec.NewKeyring(newKey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := newCodec(t, oldRing, cookiecodec.Options{}).Encode("session", cookiecodec.Session{"user": "Harry"})
	if err != nil {
		t.Fatal(err)
	}

	m, _ := newMiddleware(t, newCodec(t, rotated, cookiecodec.Options{}), Options{})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		if user, _ := Get[string](From(r), "user"); user != "Harry" {
			t.Errorf("user = %q, want Harry from the old key's cookie", user)
		}
	}, &http.Cookie{Name: "session", Value: v})
	cs := resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("Set-Cookie = %q, want the session re-issued under the new primary", setCookies(resp))
	}
	s, info, err := newCodec(t, newOnly, cookiecodec.Options{}).Decode("session", cs[0].Value)
	if err != nil || s["user"] != "Harry" || info.KeyID != newKey.ID() {
		t.Errorf("re-issued cookie: Decode = %v, %+v, %v, want user Harry under key %s", s, info, err, newKey.ID())
	}

	// Under the new primary, it is not re-issued again.
	resp = serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Get("user") }, cs[0])
	if len(setCookies(resp)) != 0 {
		t.Errorf("Set-Cookie = %q, want none for a current cookie", setCookies(resp))
	}
}

func TestVaryMerge(t *testing.T) {
	for _, tc := range []struct {
		name     string
		existing []string
		want     []string
	}{
		{"none", nil, []string{"Cookie"}},
		{"other", []string{"Accept-Encoding"}, []string{"Accept-Encoding", "Cookie"}},
		{"already", []string{"Accept-Encoding, cookie"}, []string{"Accept-Encoding, cookie"}},
		{"star", []string{"*"}, []string{"*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newMiddleware(t, nil, Options{})
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				for _, v := range tc.existing {
					w.Header().Add("Vary", v)
				}
				From(r).Set("a", 1)
			})
			if got := resp.Header.Values("Vary"); !slices.Equal(got, tc.want) {
				t.Errorf("Vary = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEncodeErrorGoesToErrorHandler(t *testing.T) {
	var gotErr error
	m, _ := newMiddleware(t, nil, Options{ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		gotErr = err
		http.Error(w, "session trouble", http.StatusServiceUnavailable)
	}})
	var writeErr error
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		// Set checks the value; a change made in place afterwards is
		// found only when the session is encoded.
		inner := map[string]any{}
		if err := From(r).Set("m", inner); err != nil {
			t.Fatal(err)
		}
		inner["ch"] = make(chan int)
		From(r).MarkModified()
		_, writeErr = fmt.Fprint(w, "handler body")
	})
	if gotErr == nil {
		t.Fatal("ErrorHandler not called for an unencodable value")
	}
	if writeErr == nil {
		t.Error("handler's Write err = nil after the error handler responded")
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || len(setCookies(resp)) != 0 || string(body) != "session trouble\n" {
		t.Errorf("response %d, Set-Cookie %q, body %q, want the error handler's 503, no cookie and its body", resp.StatusCode, setCookies(resp), body)
	}
}

func TestNoMiddleware(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	s := From(req)
	if s != nil {
		t.Fatalf("From(request without middleware) = %v, want nil", s)
	}
	logs := &logBuffer{}
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, nil)))
	// None of these may panic.
	s.Set("a", 1)
	s.Delete("a")
	s.Clear()
	s.SetPermanent(true)
	s.MarkModified()
	if v, ok := s.Get("a"); v != nil || ok {
		t.Errorf("nil Session Get = %v, %v, want nil, false", v, ok)
	}
	if n, ok := Get[int](s, "a"); n != 0 || ok {
		t.Errorf("nil Session Get[int] = %v, %v, want 0, false", n, ok)
	}
	if s.Len() != 0 || s.Keys() != nil || s.Permanent() {
		t.Error("nil Session is not empty")
	}
	if _, ok := s.Info(); ok {
		t.Error("nil Session Info ok = true")
	}
	if got := strings.Count(logs.String(), "wrap the handler with Middleware.Wrap"); got != 5 {
		t.Errorf("log = %q, want 5 error lines naming Middleware.Wrap", logs.String())
	}
}

func TestConcurrentUse(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				s.Set(fmt.Sprint("k", i), i)
				s.Get("k0")
				s.Keys()
			})
		}
		wg.Wait()
	})
	cs := resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("Set-Cookie = %q, want one cookie", setCookies(resp))
	}
	s, _, err := m.codec.Decode(m.name, cs[0].Value)
	if err != nil || len(s) != 8 {
		t.Errorf("Decode = %v, %v, want 8 keys", s, err)
	}
}

func TestNewOptions(t *testing.T) {
	codec := newCodec(t, nil, cookiecodec.Options{})
	for _, tc := range []struct {
		name    string
		codec   Codec
		opts    Options
		wantErr string // "" for success
	}{
		{"zero", codec, Options{}, ""},
		{"nil codec", nil, Options{}, "nil codec"},
		{"bad name", codec, Options{CookieName: "a b"}, "not a valid cookie name"},
		{"long name", codec, Options{CookieName: strings.Repeat("a", 251)}, "not a valid cookie name"},
		{"bad path", codec, Options{Path: "/a;b"}, "invalid Path"},
		{"samesite none insecure", codec, Options{SameSite: http.SameSiteNoneMode, Insecure: true}, "requires Secure"},
		{"samesite none", codec, Options{SameSite: http.SameSiteNoneMode}, ""},
		{"samesite unknown", codec, Options{SameSite: 9}, "unknown SameSite"},
		{"host prefix", codec, Options{CookieName: "__Host-s"}, ""},
		{"host prefix domain", codec, Options{CookieName: "__Host-s", Domain: "example.com"}, "__Host-"},
		{"host prefix path", codec, Options{CookieName: "__Host-s", Path: "/app"}, "__Host-"},
		{"host prefix insecure", codec, Options{CookieName: "__Host-s", Insecure: true}, "__Host-"},
		{"secure prefix insecure", codec, Options{CookieName: "__Secure-s", Insecure: true}, "__Secure-"},
		{"short max age", codec, Options{MaxAge: time.Millisecond}, "less than one second"},
		{"one chunk", codec, Options{MaxChunks: 1}, "MaxChunks"},
		{"100 chunks", codec, Options{MaxChunks: 100}, "MaxChunks"},
		// Browsers match the prefixes in any case.
		{"host prefix lowercase insecure", codec, Options{CookieName: "__host-s", Insecure: true}, "unset Insecure"},
		{"host prefix uppercase domain", codec, Options{CookieName: "__HOST-s", Domain: "example.com"}, "unset Domain"},
		{"host prefix mixed path", codec, Options{CookieName: "__hOsT-s", Path: "/app"}, `set Path to "/"`},
		{"secure prefix uppercase insecure", codec, Options{CookieName: "__SECURE-s", Insecure: true}, "__Secure-"},
		{"secure prefix domain", codec, Options{CookieName: "__Secure-s", Domain: "example.com", Path: "/app"}, ""},
		{"default name insecure", codec, Options{Insecure: true}, ""},
		{"partitioned", codec, Options{Partitioned: true}, ""},
		{"partitioned insecure", codec, Options{Partitioned: true, Insecure: true}, "Partitioned requires Secure"},
		{"max age over codec", codec, Options{MaxAge: cookiecodec.DefaultMaxAge + time.Second}, "longer than the codec's MaxAge"},
		{"max age over flask codec", newFlaskCodec(t, "k"), Options{MaxAge: 32 * 24 * time.Hour}, "longer than the codec's MaxAge"},
		{"max age within codec", codec, Options{MaxAge: time.Hour}, ""},
		{"chunked default codec", codec, Options{Chunked: true}, "raise the codec's MaxLength"},
		{"chunked default flask codec", func() Codec {
			c, _ := flask.New(flask.Options{SecretKeys: [][]byte{[]byte("k")}})
			return c
		}(), Options{Chunked: true}, "raise the codec's MaxLength"},
		{"chunked big codec", bigCodec(t), Options{Chunked: true}, ""},
		{"chunked small budget", bigCodec(t), Options{Chunked: true, CookieBudget: 4096}, "raise CookieBudget above 4096"},
		{"negative budget", codec, Options{CookieBudget: -1}, "CookieBudget"},
		{"small budget", codec, Options{CookieBudget: 100}, ""},
		{"timeouts", codec, Options{IdleTimeout: time.Hour, AbsoluteTimeout: 24 * time.Hour}, ""},
		{"idle over codec", codec, Options{IdleTimeout: 32 * 24 * time.Hour}, "longer than the codec's MaxAge"},
		{"idle over absolute", codec, Options{IdleTimeout: 2 * time.Hour, AbsoluteTimeout: time.Hour}, "longer than AbsoluteTimeout"},
		{"idle fraction", codec, Options{IdleTimeout: 1500 * time.Millisecond}, "whole number of seconds"},
		{"negative absolute", codec, Options{AbsoluteTimeout: -time.Hour}, "whole number of seconds"},
		{"absolute over codec", codec, Options{AbsoluteTimeout: 365 * 24 * time.Hour}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.codec, tc.opts)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("New(%+v) err = %v, want %q", tc.opts, err, tc.wantErr)
			}
		})
	}
}

func TestInsecureAndAttributes(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{Insecure: true, SameSite: http.SameSiteStrictMode, Path: "/app", Domain: "example.com", CookieName: "sid"})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Set("a", 1) })
	cs := resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("Set-Cookie = %q, want one cookie", setCookies(resp))
	}
	c := cs[0]
	if c.Name != "sid" || c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/app" || c.Domain != "example.com" {
		t.Errorf("Set-Cookie = %q, want sid, no Secure, HttpOnly, SameSite=Strict, Path=/app, Domain=example.com", c.Raw)
	}
}

func TestNestedMiddlewares(t *testing.T) {
	codec := newCodec(t, nil, cookiecodec.Options{})
	outer, _ := newMiddleware(t, codec, Options{CookieName: "outer"})
	inner, _ := newMiddleware(t, codec, Options{CookieName: "inner"})
	if inner.CookieName() != "inner" {
		t.Errorf("CookieName() = %q, want inner", inner.CookieName())
	}
	h := outer.Wrap(inner.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("a", 1)
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	cs := rec.Result().Cookies()
	if len(cs) != 1 || cs[0].Name != "inner" {
		t.Errorf("Set-Cookie = %q, want only the inner middleware's cookie", rec.Result().Header.Values("Set-Cookie"))
	}
}
