package httpsession

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
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

// TestLazySessionString checks that String counts the keys of a session
// still read as a View.
func TestLazySessionString(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{})
	login := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("user", "Harry")
		From(r).Set("visits", 3)
	})
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		From(r).Len()
		if got, want := From(r).String(), "httpsession.Session(2 keys)"; got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}, login.Cookies()...)
}

// TestSessionValuePrint checks that a Session printed by value, where fmt
// cannot call its Format method, shows none of its values: the flashed
// messages, read or pending, sit behind a pointer with the rest.
func TestSessionValuePrint(t *testing.T) {
	const secret = "flashed-secret-message"
	m, _ := newMiddleware(t, nil, Options{})
	first := serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Flash(secret) })
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		s.Flashes()
		s.Flash(secret)
		v := reflect.ValueOf(s).Elem().Interface()
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			if got := fmt.Sprintf(verb, v); strings.Contains(got, secret) {
				t.Errorf("Sprintf(%q, Session) = %s, shows a flashed message", verb, got)
			}
		}
	}, first.Cookies()...)
}
