package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
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
			ring, err := loginapp.Keyring(&stderr)
			if tc.wantErr {
				if err == nil || strings.Contains(err.Error(), tc.keys) {
					t.Errorf("Keyring() err = %v, want an error without the key text", err)
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
				t.Errorf("Keyring() = %v, want primary %s and one decode-only key", ring, tc.wantID)
			}
		})
	}
}

func TestNewHandlerCookie(t *testing.T) {
	t.Setenv(cookiecodec.EnvKeys, "")
	t.Setenv(cookiecodec.EnvKeyFile, "")
	for _, tc := range []struct {
		name     string
		args     []string
		wantName string
	}{
		// Plain HTTP on localhost: not Secure, but HttpOnly and SameSite=Lax.
		{"plain HTTP", nil, "session"},
		// Behind TLS: Secure, and the __Host- prefix.
		{"secure", []string{"-secure"}, "__Host-session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := parseFlags(tc.args, new(strings.Builder))
			if !ok {
				t.Fatal("parseFlags failed")
			}
			h, err := newHandler(c, new(strings.Builder))
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost:8080/login", nil))
			cs := rec.Result().Cookies()
			if len(cs) != 1 {
				t.Fatalf("GET /login: Set-Cookie = %q, want the session with its CSRF token", rec.Result().Header.Values("Set-Cookie"))
			}
			if c := cs[0]; c.Name != tc.wantName || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != (tc.args != nil) {
				t.Errorf("Set-Cookie = %q, want %s, HttpOnly, SameSite=Lax, Secure %v", c.Raw, tc.wantName, tc.args != nil)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	c, ok := parseFlags(nil, new(strings.Builder))
	if !ok || c.IdleTimeout != 30*time.Minute || c.AbsoluteTimeout != 30*24*time.Hour || c.Secure || c.Addr != "localhost:8080" {
		t.Errorf("defaults = %+v, want localhost:8080, not secure, idle 30m, absolute 720h", c)
	}
	c, ok = parseFlags([]string{"-idle-timeout", "5m", "-absolute-timeout", "8h", "-tls-cert", "c.pem", "-tls-key", "k.pem"}, new(strings.Builder))
	if !ok || c.IdleTimeout != 5*time.Minute || c.AbsoluteTimeout != 8*time.Hour || c.SessionOptions(nil).Insecure {
		t.Errorf("parseFlags = %+v, want idle 5m, absolute 8h, secure with TLS files", c)
	}
	for _, args := range [][]string{
		{"-tls-cert", "c.pem"},
		{"-idle-timeout", "-1m"},
		{"-idle-timeout", "soon"},
	} {
		var stderr strings.Builder
		if _, ok := parseFlags(args, &stderr); ok || stderr.Len() == 0 {
			t.Errorf("parseFlags(%q) ok, want an error on stderr", args)
		}
	}
}

// TestTimeoutsReachSessions checks that the timeout flags configure the
// sessions: an idle timeout over the absolute one is refused by
// httpsession.New.
func TestTimeoutsReachSessions(t *testing.T) {
	t.Setenv(cookiecodec.EnvKeys, "")
	t.Setenv(cookiecodec.EnvKeyFile, "")
	var stderr strings.Builder
	if code := run([]string{"-idle-timeout", "2h", "-absolute-timeout", "1h"}, &stderr); code != 2 || !strings.Contains(stderr.String(), "IdleTimeout") {
		t.Errorf("run with idle over absolute = %d, stderr %q, want 2 and httpsession's error", code, stderr.String())
	}
}

// TestRunInsecureOnlyOnLoopback checks that cookies that are not Secure
// are served only on a loopback address.
func TestRunInsecureOnlyOnLoopback(t *testing.T) {
	t.Setenv(cookiecodec.EnvKeys, "")
	t.Setenv(cookiecodec.EnvKeyFile, "")
	var stderr strings.Builder
	if code := run([]string{"-addr", "0.0.0.0:0"}, &stderr); code != 2 || !strings.Contains(stderr.String(), "not a loopback address") || !strings.Contains(stderr.String(), "-secure") {
		t.Errorf("run(-addr 0.0.0.0:0) = %d, stderr %q, want 2 and a hint to use -secure", code, stderr.String())
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
