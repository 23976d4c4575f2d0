package loginapp

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/httpsession"
	"golang.org/x/crypto/bcrypt"
)

// fastUsers is the demo user table with hashes of bcrypt's least cost,
// which the race detector slows down less.
var fastUsers, fastDummy = func() (map[string][]byte, []byte) {
	h, err := bcrypt.GenerateFromPassword([]byte("12345678"), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	d, err := bcrypt.GenerateFromPassword([]byte("dummy"), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return map[string][]byte{"Harry": h}, d
}()

// testClient is a browser stand-in: a cookie jar, and the server under test.
type testClient struct {
	t     *testing.T
	srv   *httptest.Server
	codec *cookiecodec.Codec
	c     *http.Client
}

func newTestClient(t *testing.T) *testClient {
	t.Helper()
	return newTestClientOpts(t, httpsession.Options{Insecure: true, Chunked: true})
}

func newTestClientOpts(t *testing.T, opts httpsession.Options) *testClient {
	t.Helper()
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true, MaxLength: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(codec, opts, fastUsers, fastDummy)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &testClient{t: t, srv: srv, codec: codec, c: &http.Client{Jar: jar}}
}

// do sends a request, following redirects, and returns the final status
// and body.
func (c *testClient) do(method, path string, form url.Values) (int, string) {
	c.t.Helper()
	var resp *http.Response
	var err error
	if method == "GET" {
		resp, err = c.c.Get(c.srv.URL + path)
	} else {
		resp, err = c.c.PostForm(c.srv.URL+path, form)
	}
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf returns the CSRF token of the form on the page at path.
func (c *testClient) csrf(path string) string {
	c.t.Helper()
	_, body := c.do("GET", path, nil)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("GET %s: no CSRF token in %q", path, body)
	}
	return m[1]
}

// session decodes the session the client's jar holds, joining its chunks.
func (c *testClient) session() cookiecodec.Session {
	c.t.Helper()
	u, _ := url.Parse(c.srv.URL)
	chunks := map[string]string{}
	for _, ck := range c.c.Jar.Cookies(u) {
		chunks[ck.Name] = ck.Value
	}
	value, ok := chunks["session"]
	if !ok {
		return nil
	}
	if n, rest, found := strings.Cut(value, "~"); found {
		value = rest
		for i := 1; i < int(n[0]-'0'); i++ {
			value += chunks[fmt.Sprintf("session.%d", i)]
		}
	}
	s, _, err := c.codec.Decode("session", value)
	if err != nil {
		c.t.Fatalf("Decode(session cookie): %v", err)
	}
	return s
}

func (c *testClient) login(name, pwd string) (int, string) {
	c.t.Helper()
	return c.do("POST", "/login", url.Values{"csrf_token": {c.csrf("/login")}, "client_name": {name}, "pwd": {pwd}})
}

const loggedIn = "<strong>Harry</strong> Your account is logged in."

func TestLoginLogout(t *testing.T) {
	c := newTestClient(t)
	if code, body := c.do("GET", "/", nil); code != 200 || !strings.Contains(body, "You are not logged in") || !strings.Contains(body, `href="/login"`) {
		t.Fatalf("GET / = %d %q, want the logged-out page", code, body)
	}
	code, body := c.login("Harry", "12345678")
	if code != 200 || !strings.Contains(body, loggedIn) {
		t.Fatalf("login = %d %q, want the logged-in page", code, body)
	}
	s := c.session()
	if s["username"] != "Harry" {
		t.Errorf("session = %v, want username Harry", s)
	}
	for k, v := range s {
		if k == "pwd" || v == "12345678" {
			t.Errorf("session holds the password: %v", s)
		}
	}
	if code, body := c.do("GET", "/", nil); code != 200 || !strings.Contains(body, loggedIn) {
		t.Errorf("reload = %d %q, want still logged in", code, body)
	}
	if code, _ := c.do("GET", "/login", nil); code != 200 {
		t.Errorf("GET /login when logged in = %d", code)
	}

	// GET /logout only asks; the POST needs the CSRF token.
	if code, body := c.do("GET", "/logout", nil); code != 200 || !strings.Contains(body, `action="/logout"`) || c.session() == nil {
		t.Errorf("GET /logout = %d %q, want a confirmation form and no logout", code, body)
	}
	if code, _ := c.do("POST", "/logout", url.Values{"csrf_token": {"forged"}}); code != http.StatusForbidden || c.session()["username"] != "Harry" {
		t.Errorf("POST /logout with a forged token = %d, session %v, want 403 and still logged in", code, c.session())
	}
	code, body = c.do("POST", "/logout", url.Values{"csrf_token": {c.csrf("/")}})
	if code != 200 || !strings.Contains(body, "You are not logged in") {
		t.Errorf("logout = %d %q, want the logged-out page", code, body)
	}
	if s := c.session(); s != nil {
		t.Errorf("after logout the jar holds session %v, want no cookie", s)
	}
}

func TestLoginFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		form     func(c *testClient) url.Values
		wantCode int
		wantText string
	}{
		{"wrong password", func(c *testClient) url.Values {
			return url.Values{"csrf_token": {c.csrf("/login")}, "client_name": {"Harry"}, "pwd": {"87654321"}}
		}, http.StatusUnauthorized, "Wrong user name or password."},
		{"unknown user", func(c *testClient) url.Values {
			return url.Values{"csrf_token": {c.csrf("/login")}, "client_name": {"Sally"}, "pwd": {"12345678"}}
		}, http.StatusUnauthorized, "Wrong user name or password."},
		{"no CSRF token", func(c *testClient) url.Values {
			c.csrf("/login")
			return url.Values{"client_name": {"Harry"}, "pwd": {"12345678"}}
		}, http.StatusForbidden, "the form has expired"},
		{"CSRF token without a session", func(c *testClient) url.Values {
			return url.Values{"csrf_token": {"AAAAAAAAAAAAAAAAAAAAAAAAAA"}, "client_name": {"Harry"}, "pwd": {"12345678"}}
		}, http.StatusForbidden, "the form has expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t)
			code, body := c.do("POST", "/login", tc.form(c))
			if code != tc.wantCode || !strings.Contains(body, tc.wantText) {
				t.Errorf("POST /login = %d %q, want %d with %q", code, body, tc.wantCode, tc.wantText)
			}
			if _, ok := c.session()["username"]; ok {
				t.Errorf("session = %v after a failed login, want no username", c.session())
			}
		})
	}
}

func TestNotesChunks(t *testing.T) {
	c := newTestClient(t)
	if code, body := c.do("GET", "/notes", nil); code != 200 || !strings.Contains(body, `id="client_name"`) {
		t.Errorf("GET /notes logged out = %d, want the login form", code)
	}
	if code, body := c.login("Harry", "12345678"); code != 200 || !strings.Contains(body, loggedIn) {
		t.Fatalf("login = %d %q", code, body)
	}
	note := strings.Repeat("0123456789", 400)
	code, body := c.do("POST", "/notes", url.Values{"csrf_token": {c.csrf("/notes")}, "note": {note}})
	if code != 200 || !strings.Contains(body, "Your note is 4000 bytes long") || !strings.Contains(body, `<span id="cookies">2</span>`) {
		t.Errorf("saving a 4000-byte note = %d %q, want it read back from 2 cookies", code, body)
	}
	if !strings.Contains(body, ">"+note+"</textarea>") {
		t.Error("the notes page does not show the whole note")
	}
	// A note the Cookie header budget cannot hold is refused with a
	// message, and the session keeps the note it had.
	code, body = c.do("POST", "/notes", url.Values{"csrf_token": {c.csrf("/notes")}, "note": {strings.Repeat("x", 6000)}})
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "The note is too long") || !strings.Contains(body, "budget") {
		t.Errorf("saving a 6000-byte note = %d %q, want 413 saying it is too long", code, body)
	}
	if got := c.session()["note"]; got != note {
		t.Errorf("after the refused note the session holds a %d-byte note, want the 4000-byte one", len(fmt.Sprint(got)))
	}
	code, body = c.do("POST", "/notes", url.Values{"csrf_token": {c.csrf("/notes")}, "note": {"short"}})
	if code != 200 || !strings.Contains(body, `<span id="cookies">1</span>`) {
		t.Errorf("saving a short note = %d %q, want one cookie again", code, body)
	}
}

// TestFlashes checks that the login and logout messages show once.
func TestFlashes(t *testing.T) {
	c := newTestClient(t)
	_, body := c.login("Harry", "12345678")
	if strings.Count(body, "You were logged in") != 1 {
		t.Errorf("page after login = %q, want the flash \"You were logged in\" once", body)
	}
	if _, body := c.do("GET", "/", nil); strings.Contains(body, "You were logged in") {
		t.Error("the flash shows again after a reload")
	}
	_, body = c.do("POST", "/logout", url.Values{"csrf_token": {c.csrf("/")}})
	if strings.Count(body, "You were logged out") != 1 || !strings.Contains(body, "You are not logged in") {
		t.Errorf("page after logout = %q, want the flash \"You were logged out\" once", body)
	}
	if _, body := c.do("GET", "/", nil); strings.Contains(body, "You were logged out") {
		t.Error("the logout flash shows again after a reload")
	}
	if s := c.session(); s != nil {
		t.Errorf("after the flash was shown the jar holds session %v, want none", s)
	}
}

// loginResponse posts the login form without following the redirect, and
// returns the session cookie it sets.
func (c *testClient) loginCookie(form url.Values) *http.Cookie {
	c.t.Helper()
	form.Set("csrf_token", c.csrf("/login"))
	noFollow := *c.c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.PostForm(c.srv.URL+"/login", form)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "session" {
			return ck
		}
	}
	c.t.Fatalf("POST /login = %d, Set-Cookie %q, want the session cookie", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	return nil
}

// TestRemember checks that "remember me" makes the session cookie
// persistent for 30 days, and that without it the cookie is a
// browser-session cookie.
func TestRemember(t *testing.T) {
	c := newTestClient(t)
	ck := c.loginCookie(url.Values{"client_name": {"Harry"}, "pwd": {"12345678"}, "remember": {"1"}})
	if ck.MaxAge != 2592000 || ck.Expires.IsZero() {
		t.Errorf("remembered: Set-Cookie = %q, want Max-Age=2592000 and Expires", ck.Raw)
	}
	c = newTestClient(t)
	ck = c.loginCookie(url.Values{"client_name": {"Harry"}, "pwd": {"12345678"}})
	if ck.MaxAge != 0 || !ck.Expires.IsZero() {
		t.Errorf("not remembered: Set-Cookie = %q, want neither Max-Age nor Expires", ck.Raw)
	}
}

// TestPrefs checks the preferences cookie: the form with its CSRF token,
// the theme on the index, its survival of a logout, and a bad theme.
func TestPrefs(t *testing.T) {
	c := newTestClient(t)
	if _, body := c.do("GET", "/", nil); !strings.Contains(body, "Theme: light") {
		t.Errorf("index = %q, want the default Theme: light", body)
	}
	c.login("Harry", "12345678")
	code, body := c.do("POST", "/prefs", url.Values{"csrf_token": {c.csrf("/prefs")}, "theme": {"dark"}})
	if code != 200 || !strings.Contains(body, "Theme: dark") {
		t.Errorf("after choosing dark: %d %q, want Theme: dark", code, body)
	}
	u, _ := url.Parse(c.srv.URL)
	found := false
	for _, ck := range c.c.Jar.Cookies(u) {
		found = found || ck.Name == "prefs"
	}
	if !found {
		t.Error("no prefs cookie in the jar")
	}
	c.do("POST", "/logout", url.Values{"csrf_token": {c.csrf("/")}})
	if _, body := c.do("GET", "/", nil); !strings.Contains(body, "Theme: dark") || !strings.Contains(body, "You are not logged in") {
		t.Errorf("after logout: %q, want logged out with Theme: dark", body)
	}
	for _, form := range []url.Values{
		{"csrf_token": {c.csrf("/prefs")}, "theme": {"blue"}},
		{"csrf_token": {"forged"}, "theme": {"light"}},
	} {
		if code, _ := c.do("POST", "/prefs", form); code != http.StatusBadRequest && code != http.StatusForbidden {
			t.Errorf("POST /prefs %v = %d, want 400 or 403", form, code)
		}
	}
	if _, body := c.do("GET", "/", nil); !strings.Contains(body, "Theme: dark") {
		t.Errorf("after refused changes: %q, want Theme: dark", body)
	}
}

// TestInvalidUTF8 checks that a form with invalid UTF-8 gets a 400 with a
// message, and logs no error.
func TestInvalidUTF8(t *testing.T) {
	var logs strings.Builder
	c := newTestClientOpts(t, httpsession.Options{Insecure: true, Chunked: true,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if code, body := c.login("Harry\xff", "12345678"); code != http.StatusBadRequest || !strings.Contains(body, "not valid UTF-8") {
		t.Errorf("login with invalid UTF-8 = %d %q, want 400 with a message", code, body)
	}
	c.login("Harry", "12345678")
	for _, path := range []string{"/notes", "/prefs"} {
		code, body := c.do("POST", path, url.Values{"csrf_token": {c.csrf(path)}, "note": {"\xff"}, "theme": {"dark\xff"}})
		if code != http.StatusBadRequest || !strings.Contains(body, "not valid UTF-8") {
			t.Errorf("POST %s with invalid UTF-8 = %d %q, want 400 with a message", path, code, body)
		}
	}
	if logs.Len() != 0 {
		t.Errorf("log = %q, want nothing at WARN or above", logs.String())
	}
}

// TestCheckPassword checks the demo's real user table, whose hashes cost
// a second or more each under the race detector.
func TestCheckPassword(t *testing.T) {
	a := &app{users: demoUsers, dummyHash: demoDummyHash}
	if cost, err := bcrypt.Cost(demoDummyHash); err != nil || cost != bcrypt.DefaultCost {
		t.Errorf("dummy hash cost = %d, %v, want %d like the users' hashes", cost, err, bcrypt.DefaultCost)
	}
	for _, tc := range []struct {
		name, pwd string
		want      bool
	}{
		{"Harry", "12345678", true},
		{"Harry", "1234567", false},
		{"Sally", "12345678", false},
	} {
		t.Run(tc.name+"/"+tc.pwd, func(t *testing.T) {
			t.Parallel()
			if got := a.checkPassword(tc.name, tc.pwd); got != tc.want {
				t.Errorf("checkPassword(%q, %q) = %v, want %v", tc.name, tc.pwd, got, tc.want)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	c := newTestClient(t)
	resp, err := c.c.Get(c.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "no-store",
		"Content-Type":           "text/html; charset=utf-8",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q, want frame-ancestors 'none'", resp.Header.Get("Content-Security-Policy"))
	}
}

// TestTimeouts checks that the example logs out a session left unused for
// the idle timeout, and one older than the absolute timeout however much
// it is used. Tokens carry whole seconds, so the test waits in seconds;
// httpsession's own tests pin the clock instead.
func TestTimeouts(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		c := newTestClientOpts(t, httpsession.Options{Insecure: true, IdleTimeout: time.Second})
		if _, body := c.login("Harry", "12345678"); !strings.Contains(body, loggedIn) {
			t.Fatal("login failed")
		}
		time.Sleep(2100 * time.Millisecond)
		if _, body := c.do("GET", "/", nil); !strings.Contains(body, "You are not logged in") {
			t.Error("still logged in after twice the idle timeout unused")
		}
	})
	t.Run("absolute", func(t *testing.T) {
		t.Parallel()
		c := newTestClientOpts(t, httpsession.Options{Insecure: true, IdleTimeout: 3 * time.Second, AbsoluteTimeout: 3 * time.Second})
		if _, body := c.login("Harry", "12345678"); !strings.Contains(body, loggedIn) {
			t.Fatal("login failed")
		}
		// Used every second: within a whole second of truncation, the
		// first use is surely within both timeouts.
		for i := range 4 {
			time.Sleep(time.Second)
			if _, body := c.do("GET", "/", nil); i == 0 && !strings.Contains(body, loggedIn) {
				t.Fatal("logged out a second after the login")
			}
		}
		time.Sleep(100 * time.Millisecond)
		if _, body := c.do("GET", "/", nil); !strings.Contains(body, "You are not logged in") {
			t.Error("still logged in, used every second, past the absolute timeout")
		}
	})
}
