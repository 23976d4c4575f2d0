package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/httpsession"
	"github.com/cookiecodec/cookiecodec/redisstore/internal/redistest"
)

const loggedIn = "<strong>Harry</strong> Your account is logged in."

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// browser is a cookie jar; instances on one host share its cookies, ports
// apart, as browsers do.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (b *browser) get(srv *httptest.Server, path string) string {
	b.t.Helper()
	resp, err := b.c.Get(srv.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func (b *browser) post(srv *httptest.Server, path, csrfPage string, form url.Values) (int, string) {
	b.t.Helper()
	m := csrfField.FindStringSubmatch(b.get(srv, csrfPage))
	if m == nil {
		b.t.Fatalf("no CSRF token on %s", csrfPage)
	}
	form.Set("csrf_token", m[1])
	resp, err := b.c.PostForm(srv.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) login(srv *httptest.Server) {
	b.t.Helper()
	if code, body := b.post(srv, "/login", "/login", url.Values{"client_name": {"Harry"}, "pwd": {"12345678"}}); code != 200 || !strings.Contains(body, loggedIn) {
		b.t.Fatalf("login = %d %q", code, body)
	}
}

func (b *browser) loggedIn(srv *httptest.Server) bool {
	b.t.Helper()
	return strings.Contains(b.get(srv, "/"), loggedIn)
}

// TestTwoInstances runs the command's application twice, on two ports,
// with the same keys and one real Redis: Harry logs in on each from a
// browser of its own and logs out everywhere on the first; both browsers
// are logged out, on both instances, within the revokers' CacheFor; a
// login right after stays.
func TestTwoInstances(t *testing.T) {
	redisSrv := redistest.Start(t)
	t.Setenv(cookiecodec.EnvKeys, cookiecodec.GenerateKey().ExportSecret())
	t.Setenv(cookiecodec.EnvKeyFile, "")
	var instances []*httptest.Server
	for range 2 {
		store, closeStore, err := openStore(redisSrv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(closeStore)
		h, err := newHandler(loginapp.Server{}, store, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		instances = append(instances, srv)
	}
	a, b := instances[0], instances[1]
	laptop, phone := newBrowser(t), newBrowser(t)
	laptop.login(a)
	phone.login(b)
	for _, srv := range instances {
		if !laptop.loggedIn(srv) || !phone.loggedIn(srv) {
			t.Fatal("a browser logged in on one instance is not on the other: the instances do not share keys")
		}
	}
	code, body := laptop.post(a, "/logout-everywhere", "/", url.Values{})
	if code != 200 || !strings.Contains(body, "You were logged out everywhere") {
		t.Fatalf("log out everywhere = %d %q", code, body)
	}
	revoked := time.Now()
	if laptop.loggedIn(a) || laptop.loggedIn(b) {
		t.Error("the browser that logged out everywhere is still logged in")
	}
	if phone.loggedIn(a) {
		t.Error("the other browser is still logged in on the instance that revoked")
	}
	time.Sleep(time.Until(revoked.Add(httpsession.DefaultRevocationCacheFor)))
	if phone.loggedIn(b) {
		t.Errorf("the other browser is still logged in on the other instance %v after the revocation", httpsession.DefaultRevocationCacheFor)
	}
	phone.login(b)
	time.Sleep(httpsession.DefaultRevocationCacheFor)
	if !phone.loggedIn(a) || !phone.loggedIn(b) {
		t.Error("a login right after log out everywhere did not stay")
	}
}

func TestRunErrors(t *testing.T) {
	// A port nothing listens on: take one, and free it.
	l := httptest.NewServer(http.NotFoundHandler())
	dead := strings.TrimPrefix(l.URL, "http://")
	l.Close()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-nope"}, 2, "usage: login"},
		{[]string{"extra"}, 2, "usage: login"},
		{[]string{"-redis", dead}, 1, "does not answer"},
		{[]string{"-addr", "0.0.0.0:0"}, 2, "not a loopback address"},
		{[]string{"-tls-cert", "c.pem"}, 2, "-tls-cert and -tls-key go together"},
		{[]string{"-idle-timeout", "2h", "-absolute-timeout", "1h"}, 2, "IdleTimeout"},
	} {
		var stderr strings.Builder
		if code := run(tc.args, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}
