package interop_test

// A Go service and a Flask application share one login: the Go login
// example (examples/login) over the flask codec, and the Flask tutorial's
// login app (testdata/flasklogin/app.py) in a real Flask, both on
// 127.0.0.1, where one cookie jar sends the same session cookie to each.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/flask"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// startFlaskLogin runs testdata/flasklogin/app.py under python and returns
// its base URL. The process is killed when the test ends.
func startFlaskLogin(t *testing.T, python, secret string) string {
	t.Helper()
	cmd := pythonCommand(python, filepath.Join("testdata", "flasklogin", "app.py"))
	cmd.Env = append(os.Environ(), "FLASK_SECRET_KEY="+secret)
	// Werkzeug logs every request to stderr; it is read only after Wait,
	// to say why the app did not start.
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s app.py: %v", python, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(line)
	}()
	select {
	case p := <-port:
		if p != "" {
			return "http://127.0.0.1:" + p
		}
		cmd.Wait()
		t.Fatalf("%s app.py exited without printing its port:\n%s", python, stderr.Bytes())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%s app.py did not print its port within 30s:\n%s", python, stderr.Bytes())
	}
	return ""
}

// sharedClient is one browser's cookie jar, visiting both applications.
type sharedClient struct {
	t *testing.T
	c *http.Client
}

func (c *sharedClient) do(method, u string, form url.Values) string {
	c.t.Helper()
	var resp *http.Response
	var err error
	if method == "GET" {
		resp, err = c.c.Get(u)
	} else {
		resp, err = c.c.PostForm(u, form)
	}
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s %s: status %d: %s", method, u, resp.StatusCode, body)
	}
	return string(body)
}

var (
	statusLine = regexp.MustCompile(`(?s)<p id="status">(.*?)</p>`)
	csrfInput  = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	htmlTag    = regexp.MustCompile(`<[^>]+>`)
)

// status returns the text of the page's status line.
func (c *sharedClient) status(u string) string {
	c.t.Helper()
	body := c.do("GET", u, nil)
	m := statusLine.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("GET %s: no status line in %q", u, body)
	}
	return strings.Join(strings.Fields(htmlTag.ReplaceAllString(m[1], "")), " ")
}

// csrf returns the CSRF token of the Go page at u.
func (c *sharedClient) csrf(u string) string {
	c.t.Helper()
	body := c.do("GET", u, nil)
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("GET %s: no CSRF token", u)
	}
	return m[1]
}

// startSharedLogin starts the Go login example over the flask codec and
// the Flask login app under python, sharing one secret key, and returns
// their URLs, the Go side's codec and one browser, whose cookie jar visits
// both. Both stop when
// the test ends.
func startSharedLogin(t *testing.T, python string) (goURL, flaskURL string, codec *flask.Codec, jar *cookiejar.Jar, c *sharedClient) {
	t.Helper()
	const secret = "a SECRET_KEY the Go service and the Flask app share"
	codec, err := flask.New(flask.Options{SecretKeys: [][]byte{[]byte(secret)}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := loginapp.New(codec, httpsession.Options{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	goSrv := httptest.NewServer(h)
	t.Cleanup(goSrv.Close)
	flaskURL = startFlaskLogin(t, python, secret)
	jar, err = cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return goSrv.URL, flaskURL, codec, jar, &sharedClient{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func TestFlaskSharedLogin(t *testing.T) {
	forEachFlask(t, testFlaskSharedLogin)
}

func testFlaskSharedLogin(t *testing.T, python string) {
	goURL, flaskURL, codec, jar, c := startSharedLogin(t, python)
	sessionCookie := func() *http.Cookie {
		u, _ := url.Parse(goURL)
		for _, ck := range jar.Cookies(u) {
			if ck.Name == "session" {
				return ck
			}
		}
		return nil
	}

	for _, step := range []struct {
		name      string
		act       func()
		wantGo    string
		wantFlask string
	}{
		{"nobody logged in", func() {}, loggedOutText, loggedOutText},
		{"log in on Flask", func() {
			c.do("POST", flaskURL+"/login", url.Values{"client_name": {"Harry"}, "pwd": {"12345678"}})
		}, loggedInText, loggedInText},
		{"log out on Go", func() {
			c.do("POST", goURL+"/logout", url.Values{"csrf_token": {c.csrf(goURL + "/")}})
		}, loggedOutText, loggedOutText},
		{"log in on Go", func() {
			c.do("POST", goURL+"/login", url.Values{"csrf_token": {c.csrf(goURL + "/login")}, "client_name": {"Harry"}, "pwd": {"12345678"}})
		}, loggedInText, loggedInText},
		{"log out on Flask", func() {
			c.do("GET", flaskURL+"/logout", nil)
		}, loggedOutText, loggedOutText},
	} {
		step.act()
		if got := c.status(goURL + "/"); got != step.wantGo {
			t.Errorf("%s: the Go app says %q, want %q", step.name, got, step.wantGo)
		}
		if got := c.status(flaskURL + "/"); got != step.wantFlask {
			t.Errorf("%s: the Flask app says %q, want %q", step.name, got, step.wantFlask)
		}
		if step.name == "log in on Flask" {
			// The Go app added its CSRF token to Flask's permanent
			// session and saved it as permanent: the mark survives.
			ck := sessionCookie()
			if ck == nil {
				t.Fatalf("%s: no session cookie", step.name)
			}
			s, _, err := codec.Decode("session", ck.Value)
			if err != nil || s["_permanent"] != true || s["username"] != "Harry" {
				t.Errorf("%s: session = %v, %v, want Flask's _permanent mark and username Harry", step.name, s, err)
			}
		}
	}
}

// TestFlaskSharedFlashes checks that flashes cross between Go and Flask in
// either direction: a message the Go app flashes comes out of Flask's
// get_flashed_messages(), and one Flask flashes shows on the Go app's next
// page, once.
func TestFlaskSharedFlashes(t *testing.T) {
	forEachFlask(t, testFlaskSharedFlashes)
}

func testFlaskSharedFlashes(t *testing.T, python string) {
	goURL, flaskURL, _, _, c := startSharedLogin(t, python)
	flaskFlashes := func() [][]string {
		t.Helper()
		var got [][]string
		if err := json.Unmarshal([]byte(c.do("GET", flaskURL+"/flashes", nil)), &got); err != nil {
			t.Fatalf("GET /flashes: %v", err)
		}
		return got
	}

	// Log in on Go without following its redirect, so that the flash is
	// still in the session when Flask reads it.
	noFollow := *c.c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.PostForm(goURL+"/login", url.Values{
		"csrf_token": {c.csrf(goURL + "/login")}, "client_name": {"Harry"}, "pwd": {"12345678"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /login on Go = %d, want 303", resp.StatusCode)
	}
	if got, want := flaskFlashes(), [][]string{{"message", "You were logged in"}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Flask's get_flashed_messages() after a Go flash = %q, want %q", got, want)
	}
	if got := flaskFlashes(); len(got) != 0 {
		t.Errorf("Flask's get_flashed_messages() a second time = %q, want none", got)
	}
	if got := c.status(goURL + "/"); got != loggedInText {
		t.Errorf("after Flask read the flash the Go app says %q, want %q: the login must survive", got, loggedInText)
	}

	// Flask flashes; the Go app shows it on its next page, and not again.
	c.do("POST", flaskURL+"/flash", url.Values{"message": {"Hello from <Flask>"}, "category": {"info"}})
	flashLine := regexp.MustCompile(`<p class="flash ([^"]*)" id="flash">([^<]*)</p>`)
	body := c.do("GET", goURL+"/", nil)
	if m := flashLine.FindAllStringSubmatch(body, -1); len(m) != 1 || m[0][1] != "info" || m[0][2] != "Hello from &lt;Flask&gt;" {
		t.Errorf("the Go page after a Flask flash shows %q, want one info flash, escaped", m)
	}
	if body := c.do("GET", goURL+"/", nil); flashLine.MatchString(body) {
		t.Error("the Go page shows Flask's flash a second time")
	}
	if got := flaskFlashes(); len(got) != 0 {
		t.Errorf("Flask's get_flashed_messages() after Go showed the flash = %q, want none", got)
	}
}
