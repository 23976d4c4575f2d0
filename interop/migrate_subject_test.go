package interop_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/gorilla"
	"github.com/cookiecodec/cookiecodec/httpsession"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// TestMigrateGorillaSubject checks Legacy.Subject with cookies of the real
// gorilla/sessions: a user revoked after logging in on the old
// application is logged out when that device's gorilla cookie reaches the
// new one, and a login on the old application after the revocation is
// migrated with its subject, which a later revocation reaches.
func TestMigrateGorillaSubject(t *testing.T) {
	hashKey, blockKey := securecookie.GenerateRandomKey(64), securecookie.GenerateRandomKey(32)
	store := sessions.NewCookieStore(hashKey, blockKey)
	gorillaLogin := func() *http.Cookie {
		t.Helper()
		req := httptest.NewRequest("GET", "http://example.com/login", nil)
		rec := httptest.NewRecorder()
		s, _ := store.Get(req, "app-session")
		s.Values["user"] = "harry"
		if err := s.Save(req, rec); err != nil {
			t.Fatal(err)
		}
		cs := rec.Result().Cookies()
		if len(cs) != 1 {
			t.Fatalf("gorilla/sessions set %d cookies, want 1", len(cs))
		}
		return cs[0]
	}

	native := newNativeCodec(t, cookiecodec.Options{})
	legacy, err := gorilla.New(gorilla.Options{Keys: []gorilla.KeyPair{{HashKey: hashKey, BlockKey: blockKey}}})
	if err != nil {
		t.Fatal(err)
	}
	rv, err := httpsession.NewRevoker(httpsession.NewMemoryStore(), httpsession.RevokerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mw, err := httpsession.New(native, httpsession.Options{
		Revoker: rv,
		Legacy: []httpsession.Legacy{{Decoder: legacy, CookieName: "app-session", Permanent: true,
			Subject: func(s cookiecodec.Session) string { v, _ := s["user"].(string); return v }}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// visit returns what the new application's handler saw, and the
	// cookies its response set.
	visit := func(cookies ...*http.Cookie) (httpsession.LoadState, error, string, []*http.Cookie) {
		t.Helper()
		var st httpsession.LoadState
		var loadErr error
		var subject string
		h := mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := httpsession.From(r)
			st, loadErr = s.LoadState()
			subject = s.Subject()
		}))
		req := httptest.NewRequest("GET", "https://example.com/", nil)
		for _, c := range cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return st, loadErr, subject, rec.Result().Cookies()
	}

	laptop := gorillaLogin()
	if err := rv.Revoke(context.Background(), "harry"); err != nil {
		t.Fatal(err)
	}
	st, loadErr, subject, set := visit(laptop)
	if st != httpsession.RejectedCookie || !errors.Is(loadErr, httpsession.ErrRevoked) || subject != "" {
		t.Errorf("gorilla cookie issued before the revocation: %v, %v, subject %q; want rejected, ErrRevoked", st, loadErr, subject)
	}
	if len(set) != 1 || set[0].Name != "app-session" || set[0].MaxAge >= 0 {
		t.Errorf("gorilla cookie issued before the revocation: Set-Cookie %v, want it deleted", set)
	}

	// securecookie's timestamps are whole seconds: a cookie of the
	// revocation's second dates from before it.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	phone := gorillaLogin()
	st, loadErr, subject, set = visit(phone)
	if st != httpsession.MigratedCookie || loadErr != nil || subject != "harry" {
		t.Fatalf("gorilla cookie issued after the revocation: %v, %v, subject %q; want migrated, harry", st, loadErr, subject)
	}
	var nativeCookie *http.Cookie
	for _, c := range set {
		if c.Name == mw.CookieName() && c.MaxAge > 0 {
			nativeCookie = c
		}
	}
	if nativeCookie == nil {
		t.Fatalf("Set-Cookie %v, want the native cookie", set)
	}
	if st, _, subject, _ = visit(nativeCookie); st != httpsession.ValidCookie || subject != "harry" {
		t.Errorf("the migrated session: %v, subject %q; want valid, harry", st, subject)
	}
	time.Sleep(time.Millisecond)
	if err := rv.Revoke(context.Background(), "harry"); err != nil {
		t.Fatal(err)
	}
	if st, loadErr, _, _ = visit(nativeCookie); st != httpsession.RejectedCookie || !errors.Is(loadErr, httpsession.ErrRevoked) {
		t.Errorf("the migrated session after a second revocation: %v, %v; want rejected, ErrRevoked", st, loadErr)
	}
}

// TestMigrateFlaskSubject checks Legacy.Subject with cookies of a real
// Flask: a login on the Flask application made before the user was
// logged out everywhere does not come back through the Go one, and a
// login made after it is migrated with its subject, so that the next
// revocation reaches it.
func TestMigrateFlaskSubject(t *testing.T) {
	forEachFlask(t, testMigrateFlaskSubject)
}

func testMigrateFlaskSubject(t *testing.T, python string) {
	const secret = "the Flask app's SECRET_KEY"
	flaskCodec := newFlaskCodec(t, []byte(secret))
	native := newNativeCodec(t, cookiecodec.Options{})
	rv, err := httpsession.NewRevoker(httpsession.NewMemoryStore(), httpsession.RevokerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rec loadRecorder
	h, err := loginapp.New(native, httpsession.Options{
		Insecure:   true, // the test serves plain HTTP on 127.0.0.1
		CookieName: "go-session",
		Revoker:    rv,
		Legacy: []httpsession.Legacy{{Decoder: flaskCodec, CookieName: "session",
			// The Flask app keeps the user's name, the Go one's subject.
			Subject: func(s cookiecodec.Session) string { v, _ := s["username"].(string); return v }}},
		OnLoad: rec.onLoad,
	})
	if err != nil {
		t.Fatal(err)
	}
	goSrv := httptest.NewServer(h)
	defer goSrv.Close()
	flaskURL := startFlaskLogin(t, python, secret)
	flaskLogin := func() *sharedClient {
		t.Helper()
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		c := &sharedClient{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
		c.do("POST", flaskURL+"/login", url.Values{"client_name": {"Harry"}, "pwd": {"12345678"}})
		if got := c.status(flaskURL + "/"); got != loggedInText {
			t.Fatalf("Flask after logging in: %q", got)
		}
		return c
	}

	laptop := flaskLogin()
	if err := rv.Revoke(context.Background(), "Harry"); err != nil {
		t.Fatal(err)
	}
	if got := laptop.status(goSrv.URL + "/"); got != loggedOutText {
		t.Errorf("Go with a Flask login from before the revocation: %q, want %q", got, loggedOutText)
	}
	if st, names := rec.last(); st != httpsession.RejectedCookie || !slices.Equal(names, []string{"session"}) {
		t.Errorf("Go with a Flask login from before the revocation: %v with cookies %v, want session rejected", st, names)
	}

	// itsdangerous's timestamps are whole seconds: a cookie of the
	// revocation's second dates from before it.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	phone := flaskLogin()
	if got := phone.status(goSrv.URL + "/"); got != loggedInText {
		t.Errorf("Go with a Flask login from after the revocation: %q, want %q", got, loggedInText)
	}
	if st, _ := rec.last(); st != httpsession.MigratedCookie {
		t.Errorf("Go with a Flask login from after the revocation: %v, want migrated", st)
	}
	if got := phone.status(goSrv.URL + "/"); got != loggedInText {
		t.Errorf("the migrated session: %q, want %q", got, loggedInText)
	}
	if st, names := rec.last(); st != httpsession.ValidCookie || !slices.Equal(names, []string{"go-session"}) {
		t.Errorf("the migrated session: %v with cookies %v, want a valid go-session alone", st, names)
	}
	time.Sleep(time.Millisecond)
	if err := rv.Revoke(context.Background(), "Harry"); err != nil {
		t.Fatal(err)
	}
	if got := phone.status(goSrv.URL + "/"); got != loggedOutText {
		t.Errorf("the migrated session after a second revocation: %q, want %q", got, loggedOutText)
	}
	if st, _ := rec.last(); st != httpsession.RejectedCookie {
		t.Errorf("the migrated session after a second revocation: %v, want rejected", st)
	}
}
