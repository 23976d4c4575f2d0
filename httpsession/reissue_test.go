package httpsession

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// decoderFunc is a Decoder made of a function, for legacy formats whose
// decoders return what the native codec refuses.
type decoderFunc func(name, value string) (cookiecodec.Session, cookiecodec.Info, error)

func (f decoderFunc) Decode(name, value string) (cookiecodec.Session, cookiecodec.Info, error) {
	return f(name, value)
}

// noise returns n bytes that do not compress, the same on every run.
func noise(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{7}).Read(b)
	return b
}

// TestReissueFailureRejects checks, end to end, that a cookie the
// middleware must re-issue (migrated from a legacy format, or Stale) but
// cannot save again does not lock the user out: the request runs with an
// empty session, reported as RejectedCookie with ErrCannotReissue, the
// response deletes the cookie (or replaces it with the session the
// handler stores), and the next request is fine.
func TestReissueFailureRejects(t *testing.T) {
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	encrypting := newCodec(t, ring, cookiecodec.Options{Encrypt: true, AcceptAnyMode: true})
	signing := newCodec(t, ring, cookiecodec.Options{})
	// A signed cookie that fits, whose encrypted re-issue (40 bytes
	// longer before base64) does not.
	probe, _ := newMiddleware(t, encrypting, Options{})
	var stale string
	for n := 2900; n < 3100 && stale == ""; n++ {
		data := cookiecodec.Session{"user": "Sally", "blob": noise(n)}
		signed, err := signing.Encode("session", data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := probe.cookies(signed, 0); err == nil && probe.checkSave(data) != nil {
			stale = signed
		}
	}
	if stale == "" {
		t.Fatal("found no signed session that fits and whose encrypted re-issue does not")
	}
	badTypes := decoderFunc(func(string, string) (cookiecodec.Session, cookiecodec.Info, error) {
		return cookiecodec.Session{"user": "Sally", "cart": struct{ Items int }{3}}, cookiecodec.Info{IssuedAt: testNow}, nil
	})
	tooLarge := decoderFunc(func(string, string) (cookiecodec.Session, cookiecodec.Info, error) {
		return cookiecodec.Session{"user": "Sally", "blob": noise(5000)}, cookiecodec.Info{IssuedAt: testNow}, nil
	})
	for _, tc := range []struct {
		name    string
		codec   Codec
		legacy  []Legacy
		cookie  *http.Cookie
		store   bool  // the handler stores a new session in the first request
		wantErr error // beside ErrCannotReissue
	}{
		{name: "legacy values the codec refuses", legacy: []Legacy{{Decoder: badTypes, CookieName: "old"}},
			cookie: &http.Cookie{Name: "old", Value: "x"}},
		{name: "legacy values the codec refuses, kept cookie", legacy: []Legacy{{Decoder: badTypes, CookieName: "old", KeepCookie: true}},
			cookie: &http.Cookie{Name: "old", Value: "x"}},
		{name: "legacy too large", legacy: []Legacy{{Decoder: tooLarge, CookieName: "old"}},
			cookie: &http.Cookie{Name: "old", Value: "x"}, wantErr: cookiecodec.ErrTooLarge},
		{name: "legacy of the native name too large", legacy: []Legacy{{Decoder: tooLarge}},
			cookie: &http.Cookie{Name: "session", Value: "x"}, wantErr: cookiecodec.ErrTooLarge},
		{name: "legacy too large, handler logs in again", legacy: []Legacy{{Decoder: tooLarge, CookieName: "old"}},
			cookie: &http.Cookie{Name: "old", Value: "x"}, store: true, wantErr: cookiecodec.ErrTooLarge},
		{name: "stale native too large", codec: encrypting,
			cookie: &http.Cookie{Name: "session", Value: stale}, wantErr: cookiecodec.ErrTooLarge},
		{name: "stale native too large, handler logs in again", codec: encrypting,
			cookie: &http.Cookie{Name: "session", Value: stale}, store: true, wantErr: cookiecodec.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen []error
			m, _ := newMiddleware(t, tc.codec, Options{
				Legacy: tc.legacy,
				OnLoad: func(_ *http.Request, st LoadState, err error) {
					if st == RejectedCookie {
						seen = append(seen, err)
					}
				},
				ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
					t.Errorf("ErrorHandler(%v)", err)
					http.Error(w, "session", http.StatusInternalServerError)
				},
			})
			j := jar{tc.cookie.Name: tc.cookie}
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				st, err := s.LoadState()
				if st != RejectedCookie || !errors.Is(err, ErrCannotReissue) || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("LoadState() = %v, %v, want rejected, ErrCannotReissue and %v", st, err, tc.wantErr)
				}
				if s.Len() != 0 {
					t.Errorf("Len() = %d, want an empty session", s.Len())
				}
				if tc.store {
					s.Set("user", "Harry")
				}
			}, j.list()...)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("first request: status %d, want 200", resp.StatusCode)
			}
			if len(seen) != 1 || !errors.Is(seen[0], ErrCannotReissue) {
				t.Errorf("OnLoad saw rejections %v, want one with ErrCannotReissue", seen)
			}
			j.update(resp)
			if c, ok := j[tc.cookie.Name]; ok && c.Value == tc.cookie.Value {
				t.Fatalf("Set-Cookie = %q, want the cookie %s deleted or replaced", setCookies(resp), tc.cookie.Name)
			}
			_, hasNative := j["session"]
			if hasNative != tc.store {
				t.Fatalf("after the first request the client holds %v, want a native session: %v", j.list(), tc.store)
			}
			resp = serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				want, wantUser := NoCookie, ""
				if tc.store {
					want, wantUser = ValidCookie, "Harry"
				}
				if st, err := s.LoadState(); st != want || err != nil {
					t.Errorf("second request: LoadState() = %v, %v, want %v", st, err, want)
				}
				if user, _ := Get[string](s, "user"); user != wantUser {
					t.Errorf("second request: user %q, want %q", user, wantUser)
				}
			}, j.list()...)
			if resp.StatusCode != http.StatusOK || len(setCookies(resp)) != 0 {
				t.Errorf("second request: status %d, Set-Cookie %q; want 200 and none", resp.StatusCode, setCookies(resp))
			}
		})
	}
}

// TestReissueHandlerTooLarge checks that a migrated session that fits,
// to which the handler adds too much, still fails through ErrorHandler:
// that is the handler's error to see, and the legacy cookie, all that
// holds the session, is left in place.
func TestReissueHandlerTooLarge(t *testing.T) {
	legacy := newCodec(t, nil, cookiecodec.Options{})
	old, err := legacy.Encode("old", cookiecodec.Session{"user": "Sally"})
	if err != nil {
		t.Fatal(err)
	}
	var handled error
	m, _ := newMiddleware(t, nil, Options{
		Legacy: []Legacy{{Decoder: legacy, CookieName: "old"}},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			handled = err
			w.WriteHeader(http.StatusInternalServerError)
		},
	})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if st, err := s.LoadState(); st != MigratedCookie || err != nil {
			t.Errorf("LoadState() = %v, %v, want migrated", st, err)
		}
		s.Set("blob", noise(5000))
	}, &http.Cookie{Name: "old", Value: old})
	if resp.StatusCode != http.StatusInternalServerError || !errors.Is(handled, cookiecodec.ErrTooLarge) || errors.Is(handled, ErrCannotReissue) {
		t.Errorf("status %d, ErrorHandler(%v); want 500 with ErrTooLarge, not ErrCannotReissue", resp.StatusCode, handled)
	}
	if len(setCookies(resp)) != 0 {
		t.Errorf("Set-Cookie = %q, want none", setCookies(resp))
	}
}

// TestReissueUnchangedFailureDeletes checks that a valid native session
// that the middleware re-issues without any change by the handler (to
// slide its idle limit, or to add the login time AbsoluteTimeout needs),
// and that no longer fits under the server's configuration, has its
// cookie deleted with a warning rather than failing every request; and
// that a change by the handler still fails through ErrorHandler.
func TestReissueUnchangedFailureDeletes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before Options // of the server that issued the cookie
		after  Options // of the server that cannot re-issue it
		change bool    // the handler changes the session
	}{
		{name: "idle slide, smaller budget", before: Options{IdleTimeout: time.Hour}, after: Options{IdleTimeout: time.Hour, CookieBudget: 3000}},
		{name: "login time added", before: Options{}, after: Options{AbsoluteTimeout: time.Hour}},
		{name: "idle slide, smaller budget, handler change", before: Options{IdleTimeout: time.Hour}, after: Options{IdleTimeout: time.Hour, CookieBudget: 3000}, change: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClockClient(t, tc.before)
			// A session that just fits the first server's cookie.
			var blob []byte
			for n := 2900; n < 3100; n++ {
				data := cookiecodec.Session{"user": "Sally", "blob": noise(n)}
				if c.m.checkSave(data) != nil {
					break
				}
				blob = noise(n)
			}
			c.at(0, func(s *Session) { s.Set("user", "Sally"); s.Set("blob", blob) })
			if _, ok := c.jar["session"]; !ok {
				t.Fatal("the first server issued no cookie")
			}
			var handled error
			codec := c.m.codec
			tc.after.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
				handled = err
				w.WriteHeader(http.StatusInternalServerError)
			}
			c.m, _ = newMiddleware(t, codec, tc.after)
			c.m.now = func() time.Time { return c.clock }
			resp := c.at(time.Minute, func(s *Session) {
				if user, _ := Get[string](s, "user"); user != "Sally" {
					t.Errorf("user %q, want Sally", user)
				}
				if tc.change {
					s.Set("visits", 2)
				}
			})
			if tc.change {
				if resp.StatusCode != http.StatusInternalServerError || !errors.Is(handled, cookiecodec.ErrTooLarge) {
					t.Errorf("handler change: status %d, ErrorHandler(%v); want 500 with ErrTooLarge", resp.StatusCode, handled)
				}
				return
			}
			if resp.StatusCode != http.StatusOK || handled != nil {
				t.Fatalf("status %d, ErrorHandler(%v); want 200", resp.StatusCode, handled)
			}
			if _, ok := c.jar["session"]; ok {
				t.Errorf("Set-Cookie = %q, want the session cookie deleted", setCookies(resp))
			}
			if user, st, err := c.user(2 * time.Minute); user != "" || st != NoCookie || err != nil {
				t.Errorf("next request: user %q, %v, %v; want no cookie", user, st, err)
			}
		})
	}
}
