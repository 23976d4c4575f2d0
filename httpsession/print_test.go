package httpsession

import (
	"fmt"
	"net/http"
	"testing"
)

// TestSessionString checks that a Session prints its state without its
// values, and that printing it neither loads it nor marks it accessed.
func TestSessionString(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	var before, after string
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		before = fmt.Sprintf("%v", s)
		if s.loaded || s.accessed {
			t.Errorf("printing the session loaded it (loaded %v, accessed %v)", s.loaded, s.accessed)
		}
		s.Set("user", "Harry")
		s.Set("role", "admin")
		after = fmt.Sprintf("%+v", s)
	})
	if len(setCookies(resp)) != 1 {
		t.Fatalf("Set-Cookie = %q, want one cookie", setCookies(resp))
	}
	for _, tc := range []struct{ got, want string }{
		{before, "httpsession.Session(not loaded)"},
		{after, "httpsession.Session(2 keys)"},
		{fmt.Sprintf("%#v", (*Session)(nil)), "httpsession.Session(nil)"},
	} {
		if tc.got != tc.want {
			t.Errorf("printed %q, want %q", tc.got, tc.want)
		}
	}
}
