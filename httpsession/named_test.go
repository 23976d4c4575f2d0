package httpsession

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// TestNamedSessions checks that a handler wrapped by two middlewares
// reaches both sessions by name, that From still returns the innermost,
// and that each saves its own cookie.
func TestNamedSessions(t *testing.T) {
	codec := newCodec(t, nil, cookiecodec.Options{})
	login, _ := newMiddleware(t, codec, Options{CookieName: "session"})
	prefs, _ := newMiddleware(t, codec, Options{CookieName: "prefs"})
	h := login.Wrap(prefs.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if From(r) != Named(r, "prefs") || prefs.From(r) != Named(r, "prefs") || login.From(r) != Named(r, "session") {
			t.Error("From, Named and Middleware.From disagree")
		}
		if Named(r, "session") == Named(r, "prefs") || Named(r, "other") != nil {
			t.Errorf("Named(session) = %p, Named(prefs) = %p, Named(other) = %p, want two sessions and nil",
				Named(r, "session"), Named(r, "prefs"), Named(r, "other"))
		}
		if r.URL.Path == "/set" {
			Named(r, "session").Set("user", "Harry")
			Named(r, "prefs").Set("theme", "dark")
			return
		}
		user, _ := Get[string](Named(r, "session"), "user")
		theme, _ := Get[string](Named(r, "prefs"), "theme")
		fmt.Fprintf(w, "%s %s", user, theme)
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/set", nil))
	cs := rec.Result().Cookies()
	if len(cs) != 2 {
		t.Fatalf("Set-Cookie = %q, want a session and a prefs cookie", rec.Result().Header.Values("Set-Cookie"))
	}
	req := httptest.NewRequest("GET", "/", nil)
	for _, c := range cs {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Body.String(); got != "Harry dark" {
		t.Errorf("body = %q, want both sessions read back: Harry dark", got)
	}
	if Named(httptest.NewRequest("GET", "/", nil), "session") != nil {
		t.Error("Named on a request without middleware is not nil")
	}
}
