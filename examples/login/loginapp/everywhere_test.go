package loginapp

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/httpsession"
)

// another returns a second browser on c's server, with a jar of its own.
func (c *testClient) another() *testClient {
	c.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return &testClient{t: c.t, srv: c.srv, codec: c.codec, c: &http.Client{Jar: jar}}
}

// flakyStore is a memory store whose revocations fail while down is set.
type flakyStore struct {
	*httpsession.MemoryStore
	down atomic.Bool
}

func (s *flakyStore) Revoke(ctx context.Context, subject string, before, forgetAfter time.Time) error {
	if s.down.Load() {
		return errors.New("store unreachable")
	}
	return s.MemoryStore.Revoke(ctx, subject, before, forgetAfter)
}

func newEverywhereClient(t *testing.T, store httpsession.RevocationStore) *testClient {
	t.Helper()
	rv, err := httpsession.NewRevoker(store, httpsession.RevokerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return newTestClientOpts(t, httpsession.Options{Insecure: true, Chunked: true, Revoker: rv})
}

// TestLogoutEverywhere logs Harry in from three browsers and Sally from a
// fourth, and logs out everywhere from one of Harry's: it is logged out at
// once, Harry's other browsers on their next request, Sally not. A forged
// form changes nothing, and Harry can log in again at once.
func TestLogoutEverywhere(t *testing.T) {
	laptop := newEverywhereClient(t, httpsession.NewMemoryStore())
	phone, tablet := laptop.another(), laptop.another()
	for _, c := range []*testClient{laptop, phone, tablet} {
		if code, body := c.login("Harry", "12345678"); code != 200 || !strings.Contains(body, loggedIn) {
			t.Fatalf("login = %d %q", code, body)
		}
	}
	_, body := laptop.do("GET", "/", nil)
	if !strings.Contains(body, `action="/logout-everywhere"`) || !strings.Contains(body, "Log out everywhere") {
		t.Fatalf("index page %q has no log out everywhere button", body)
	}
	if s := laptop.session(); s["_sub"] != "Harry" {
		t.Errorf("session %v, want subject Harry", s)
	}

	if code, _ := laptop.do("POST", "/logout-everywhere", url.Values{"csrf_token": {"forged"}}); code != http.StatusForbidden {
		t.Errorf("log out everywhere with a forged token = %d, want 403", code)
	}
	if _, body := phone.do("GET", "/", nil); !strings.Contains(body, loggedIn) {
		t.Fatalf("after a forged log out everywhere, another browser is logged out: %q", body)
	}

	code, body := laptop.do("POST", "/logout-everywhere", url.Values{"csrf_token": {laptop.csrf("/")}})
	if code != 200 || !strings.Contains(body, "You are not logged in") || !strings.Contains(body, "You were logged out everywhere") {
		t.Errorf("log out everywhere = %d %q, want the logged-out page and its message", code, body)
	}
	for name, c := range map[string]*testClient{"laptop": laptop, "phone": phone, "tablet": tablet} {
		if _, body := c.do("GET", "/", nil); !strings.Contains(body, "You are not logged in") {
			t.Errorf("%s after log out everywhere: %q, want logged out", name, body)
		}
	}
	if code, body := phone.login("Harry", "12345678"); code != 200 || !strings.Contains(body, loggedIn) {
		t.Errorf("login right after log out everywhere = %d %q, want logged in", code, body)
	}
	if _, body := phone.do("GET", "/", nil); !strings.Contains(body, loggedIn) {
		t.Errorf("reload after logging in again: %q, want logged in", body)
	}
}

// TestLogoutEverywhereStoreDown checks that a revocation the store cannot
// record says so, and logs no one out.
func TestLogoutEverywhereStoreDown(t *testing.T) {
	store := &flakyStore{MemoryStore: httpsession.NewMemoryStore()}
	laptop := newEverywhereClient(t, store)
	phone := laptop.another()
	laptop.login("Harry", "12345678")
	phone.login("Harry", "12345678")
	store.down.Store(true)
	code, body := laptop.do("POST", "/logout-everywhere", url.Values{"csrf_token": {laptop.csrf("/")}})
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "could not be logged out") {
		t.Errorf("log out everywhere with the store down = %d %q, want 503 and a message", code, body)
	}
	for _, c := range []*testClient{laptop, phone} {
		if _, body := c.do("GET", "/", nil); !strings.Contains(body, loggedIn) {
			t.Errorf("after a failed log out everywhere: %q, want still logged in", body)
		}
	}
}

// TestNoLogoutEverywhereWithoutRevoker checks that the button and its
// route exist only with a revoker.
func TestNoLogoutEverywhereWithoutRevoker(t *testing.T) {
	c := newTestClient(t)
	c.login("Harry", "12345678")
	if _, body := c.do("GET", "/", nil); strings.Contains(body, "logout-everywhere") {
		t.Errorf("index page without a revoker shows the button: %q", body)
	}
	if code, _ := c.do("POST", "/logout-everywhere", url.Values{"csrf_token": {c.csrf("/")}}); code != http.StatusMethodNotAllowed && code != http.StatusNotFound {
		t.Errorf("POST /logout-everywhere without a revoker = %d, want 404 or 405", code)
	}
}
