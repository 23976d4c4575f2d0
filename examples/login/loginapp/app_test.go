package loginapp

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

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
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true, MaxLength: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHandler(codec, httpsession.Options{Insecure: true, Chunked: true}, fastUsers, fastDummy)
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

// session decodes the session the client's jar holds.
func (c *testClient) session() cookiecodec.Session {
	c.t.Helper()
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == "session" {
			s, _, err := c.codec.Decode("session", ck.Value)
			if err != nil {
				c.t.Fatalf("Decode(session cookie): %v", err)
			}
			return s
		}
	}
	return nil
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
	code, body = c.do("POST", "/notes", url.Values{"csrf_token": {c.csrf("/notes")}, "note": {strings.Repeat("x", MaxNoteLength+1)}})
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("saving a note over MaxNoteLength = %d, want 413", code)
	}
	code, body = c.do("POST", "/notes", url.Values{"csrf_token": {c.csrf("/notes")}, "note": {"short"}})
	if code != 200 || !strings.Contains(body, `<span id="cookies">1</span>`) {
		t.Errorf("saving a short note = %d %q, want one cookie again", code, body)
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
