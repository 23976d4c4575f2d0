package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

func TestKeyring(t *testing.T) {
	key := cookiecodec.GenerateKey()
	old := cookiecodec.GenerateKey()
	for _, tc := range []struct {
		name       string
		keys       string
		wantErr    bool
		wantStderr string
		wantID     cookiecodec.KeyID
	}{
		{"fresh key", "", false, "using a fresh random key", 0},
		{"from env", key.ExportSecret() + "," + old.ExportSecret(), false, "", key.ID()},
		{"bad env", "not-a-key", true, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(cookiecodec.EnvKeys, tc.keys)
			t.Setenv(cookiecodec.EnvKeyFile, "")
			var stderr strings.Builder
			ring, err := keyring(&stderr)
			if tc.wantErr {
				if err == nil || strings.Contains(err.Error(), tc.keys) {
					t.Errorf("keyring() err = %v, want an error without the key text", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) || tc.wantStderr == "" && stderr.Len() > 0 {
				t.Errorf("stderr = %q, want %q", stderr.String(), tc.wantStderr)
			}
			if tc.wantID != 0 && (ring.Primary().ID() != tc.wantID || ring.Len() != 2) {
				t.Errorf("keyring() = %v, want primary %s and one decode-only key", ring, tc.wantID)
			}
		})
	}
}

func TestNewHandlerCookie(t *testing.T) {
	t.Setenv(cookiecodec.EnvKeys, "")
	t.Setenv(cookiecodec.EnvKeyFile, "")
	h, err := newHandler(new(strings.Builder))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost:8080/login", nil))
	cs := rec.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("GET /login: Set-Cookie = %q, want the session with its CSRF token", rec.Result().Header.Values("Set-Cookie"))
	}
	// Plain HTTP on localhost: not Secure, but HttpOnly and SameSite=Lax.
	if c := cs[0]; c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("Set-Cookie = %q, want HttpOnly, SameSite=Lax, not Secure", c.Raw)
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"extra"}} {
		var stderr strings.Builder
		if code := run(args, &stderr); code != 2 || !strings.Contains(stderr.String(), "usage: login") {
			t.Errorf("run(%q) = %d, stderr %q, want 2 and the usage", args, code, stderr.String())
		}
	}
}

func TestServerURL(t *testing.T) {
	for _, tc := range []struct {
		addr, listening, want string
	}{
		{"localhost:8080", "127.0.0.1:8080", "http://localhost:8080/"},
		{"localhost:0", "127.0.0.1:41234", "http://localhost:41234/"},
		{":8080", "[::]:8080", "http://localhost:8080/"},
		{"0.0.0.0:8080", "0.0.0.0:8080", "http://localhost:8080/"},
		{"192.0.2.1:80", "192.0.2.1:80", "http://192.0.2.1:80/"},
		{"[::1]:8080", "[::1]:8080", "http://[::1]:8080/"},
	} {
		ln, err := net.ResolveTCPAddr("tcp", tc.listening)
		if err != nil {
			t.Fatal(err)
		}
		if got := serverURL(tc.addr, ln); got != tc.want {
			t.Errorf("serverURL(%q, %s) = %q, want %q", tc.addr, tc.listening, got, tc.want)
		}
	}
}
