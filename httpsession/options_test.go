package httpsession

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// TestDefaultCookieName checks the default names: __Host-session when
// Secure, Flask's session when Insecure.
func TestDefaultCookieName(t *testing.T) {
	codec := newCodec(t, nil, cookiecodec.Options{})
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, "__Host-session"},
		{Options{Insecure: true}, "session"},
	} {
		m, err := New(codec, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if m.CookieName() != tc.want {
			t.Errorf("New(%+v).CookieName() = %q, want %q", tc.opts, m.CookieName(), tc.want)
		}
		rec := httptest.NewRecorder()
		m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { From(r).Set("a", 1) })).
			ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		cs := rec.Result().Cookies()
		if len(cs) != 1 || cs[0].Name != tc.want || cs[0].Path != "/" || cs[0].Domain != "" || cs[0].Secure == tc.opts.Insecure {
			t.Errorf("Set-Cookie = %q, want %s with Path=/, no Domain, Secure %v", rec.Result().Header.Values("Set-Cookie"), tc.want, !tc.opts.Insecure)
		}
	}
}

// TestPartitioned checks that a partitioned session's cookies, and their
// deletions, all carry the attribute.
func TestPartitioned(t *testing.T) {
	m, _ := newMiddleware(t, bigCodec(t), Options{Partitioned: true, Chunked: true, CookieBudget: bigBudget})
	j := jar{}
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Set("note", strings.Repeat("n", 5000)) })
	j.update(resp)
	resp2 := serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Clear() }, j.list()...)
	for _, resp := range []*http.Response{resp, resp2} {
		cs := resp.Cookies()
		if len(cs) != 2 {
			t.Errorf("Set-Cookie = %q, want two chunks", setCookies(resp))
		}
		for _, c := range cs {
			if !c.Partitioned || !c.Secure {
				t.Errorf("Set-Cookie %q lacks Partitioned or Secure", c.Raw)
			}
		}
	}
	if cs := resp2.Cookies(); len(cs) == 2 && (cs[0].MaxAge >= 0 || cs[1].MaxAge >= 0) {
		t.Errorf("Set-Cookie = %q, want deletions", setCookies(resp2))
	}
}

// TestCookieBudget checks that a session whose cookies would exceed the
// Cookie header budget fails at save, through ErrorHandler, with how many
// bytes it is over; and that one within it is saved.
func TestCookieBudget(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    Options
		size    int
		wantErr bool
	}{
		{"default budget, two chunks", Options{Chunked: true}, 4000, false},
		{"default budget, over", Options{Chunked: true}, 6000, true},
		{"raised budget", Options{Chunked: true, CookieBudget: 12 << 10}, 6000, false},
		{"small budget, one cookie", Options{CookieBudget: 200}, 40, false},
		{"small budget, over", Options{CookieBudget: 200}, 300, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gotErr error
			tc.opts.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
				gotErr = err
				http.Error(w, "too large", http.StatusInternalServerError)
			}
			m, _ := newMiddleware(t, newCodec(t, nil, cookiecodec.Options{MaxLength: 64 << 10}), tc.opts)
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				From(r).Set("note", strings.Repeat("n", tc.size))
			})
			if !tc.wantErr {
				if gotErr != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d, err %v, want the session saved", resp.StatusCode, gotErr)
				}
				share := 0
				for _, c := range resp.Cookies() {
					share += len(c.Name) + 1 + len(c.Value) + 2
				}
				if share-2 > m.budget {
					t.Errorf("cookies take %d bytes of the Cookie header, over the budget of %d", share-2, m.budget)
				}
				return
			}
			if !errors.Is(gotErr, cookiecodec.ErrTooLarge) || len(setCookies(resp)) != 0 {
				t.Fatalf("err %v, Set-Cookie %q, want ErrTooLarge and no cookie", gotErr, setCookies(resp))
			}
			// The error says by how much, and the budget.
			if !strings.Contains(gotErr.Error(), "more than the "+fmt.Sprint(m.budget)+"-byte budget") {
				t.Errorf("err = %q, want it to name the budget of %d", gotErr, m.budget)
			}
		})
	}
}

// TestCookieHeaderParsedOnce checks that reading a 99-chunk session costs
// a constant number of allocations, not one parse of the Cookie header per
// chunk.
func TestCookieHeaderParsedOnce(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{Chunked: true, MaxChunks: 99, CookieBudget: bigBudget})
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, "other%d=x; ", i)
	}
	b.WriteString("session=99~a")
	for i := 1; i < 99; i++ {
		fmt.Fprintf(&b, "; session.%d=a", i)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", b.String())
	var value string
	allocs := testing.AllocsPerRun(10, func() {
		s := &Session{m: m, req: r}
		value, _, _ = m.readCookie(s.requestCookies())
		s.requestCookies().chunks()
	})
	if value != strings.Repeat("a", 99) {
		t.Fatalf("readCookie = %q, want 99 chunks joined", value)
	}
	// The session, its chunk table, the joined value, the chunk list.
	if allocs > 6 {
		t.Errorf("reading 99 chunks allocates %v times, want at most 6", allocs)
	}
}

// TestCheckSize checks that CheckSize reports, before the save, the error
// the save would meet, and nil for a session that fits.
func TestCheckSize(t *testing.T) {
	m, _ := newMiddleware(t, nil, Options{Chunked: true, AbsoluteTimeout: time.Hour})
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if err := s.CheckSize(); err != nil {
			t.Errorf("empty session: CheckSize() = %v", err)
		}
		s.Set("note", strings.Repeat("n", 4000))
		if err := s.CheckSize(); err != nil {
			t.Errorf("4000-byte note: CheckSize() = %v, want nil", err)
		}
		s.Set("note", strings.Repeat("n", 6000))
		if err := s.CheckSize(); !errors.Is(err, cookiecodec.ErrTooLarge) || !strings.Contains(err.Error(), "budget") {
			t.Errorf("6000-byte note: CheckSize() = %v, want ErrTooLarge over the budget", err)
		}
		s.Set("note", "short")
	})
	if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 {
		t.Errorf("status %d, Set-Cookie %q, want the short note saved", resp.StatusCode, setCookies(resp))
	}
	var s *Session
	if s.CheckSize() == nil {
		t.Error("nil Session CheckSize() = nil, want an error")
	}
}

// TestSetRejectsUnsupported checks that Set reports a value the codec
// cannot encode at the call, leaves the session as it was, and names the
// key without the value.
func TestSetRejectsUnsupported(t *testing.T) {
	type point struct{ X, Y int }
	for _, tc := range []struct {
		name  string
		codec Codec
	}{
		{"native", nil},
		{"flask", newFlaskCodec(t, "a Flask SECRET_KEY of some length")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newMiddleware(t, tc.codec, Options{})
			resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				if err := s.Set("user", "Harry"); err != nil {
					t.Errorf("Set(user, Harry) = %v, want nil", err)
				}
				for _, v := range []any{[]int{1}, map[string]string{"a": "b"}, point{1, 2}, make(chan int), "secret\xff", []any{[]any{struct{}{}}}} {
					err := s.Set("bad", v)
					if err == nil {
						t.Errorf("Set(bad, %T) = nil, want an error", v)
						continue
					}
					if !strings.Contains(err.Error(), `"bad"`) || strings.Contains(err.Error(), "secret") {
						t.Errorf("Set(bad, %T) = %q, want the key named and the value not quoted", v, err)
					}
				}
				if _, ok := s.Get("bad"); ok || s.Len() != 1 {
					t.Errorf("after failed Sets: Keys() = %q, want only user", s.Keys())
				}
			})
			if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 {
				t.Errorf("status %d, Set-Cookie %q, want 200 and the session saved", resp.StatusCode, setCookies(resp))
			}
		})
	}
	var s *Session
	if err := s.Set("a", 1); err == nil {
		t.Error("nil Session Set = nil, want an error")
	}
}
