package interop_test

// End-to-end test of httpsession in a real browser: headless Chromium,
// driven with chromedp, uses the login example (examples/login) as a
// person would.

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// screenshotPath is where TestBrowserLogin leaves a picture of the
// logged-in page, for a person to look at.
var screenshotPath = filepath.Join(os.TempDir(), "cookiecodec-browser-login.png")

// requireChromium returns the path of Chromium, skipping the test if there
// is none that runs, or failing it when COOKIECODEC_REQUIRE_PEERS=1.
func requireChromium(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		p, err := exec.LookPath(name)
		if err != nil || slices.Contains(tried, p) {
			continue
		}
		out, err := exec.Command(p, "--version").Output()
		if err == nil && (strings.Contains(string(out), "Chromium") || strings.Contains(string(out), "Chrome")) {
			return p
		}
		tried = append(tried, p)
	}
	detail := "no chromium, chromium-browser or google-chrome on PATH"
	if len(tried) > 0 {
		detail = strings.Join(tried, ", ") + ": --version failed"
	}
	missingPeer(t, "Chromium", "apt-get install chromium", detail)
	return ""
}

// newBrowser starts headless Chromium with a fresh profile and returns a
// context for one tab. The browser stops when the test ends.
func newBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 700),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first run starts the browser; it must not have a deadline, or
	// the deadline would stop the browser too.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return ctx
}

// browser is a tab with the helpers the test's steps share.
type browser struct {
	t   *testing.T // the running step's
	ctx context.Context
	url string
}

// stepTimeout bounds each exchange with the browser, so that a hung
// browser fails the test instead of stalling it until go test's timeout.
const stepTimeout = 30 * time.Second

// timeout returns the tab's context with a deadline of stepTimeout.
func (b *browser) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// do runs actions with a deadline, failing the test on error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// clickAndLoad clicks the element with the id and waits for the page it
// leads to.
func (b *browser) clickAndLoad(id string) {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.ID(id)))); err != nil {
		b.t.Fatalf("clicking #%s: %v", id, err)
	}
}

// text returns the text of the element with the id.
func (b *browser) text(id string) string {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	if err != nil {
		b.t.Fatalf("reading #%s: %v", id, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// cookies returns the cookies the browser holds for the server, by name.
func (b *browser) cookies() map[string]*network.Cookie {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.url}})
	if err != nil {
		b.t.Fatalf("Network.getCookies: %v", err)
	}
	m := make(map[string]*network.Cookie)
	for _, c := range res.Cookies {
		m[c.Name] = c
	}
	return m
}

// login logs in through the form, as a person would: from the home page,
// follow the link, type the name and password, tick "remember me" if asked
// to, press the button.
func (b *browser) login(remember bool) {
	b.t.Helper()
	b.do("opening the home page", chromedp.Navigate(b.url+"/"))
	b.clickAndLoad("login")
	b.do("filling in the form",
		chromedp.WaitVisible(chromedp.ID("client_name")),
		chromedp.SendKeys(chromedp.ID("client_name"), "Harry"),
		chromedp.SendKeys(chromedp.ID("pwd"), "12345678"),
	)
	if remember {
		b.do("ticking remember me", chromedp.Click(chromedp.ID("remember")))
	}
	b.clickAndLoad("submit")
}

// flashes returns the texts of the flashed messages on the page.
func (b *browser) flashes() []string {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("p.flash"), p => p.textContent.trim())`))
	if err != nil {
		b.t.Fatalf("reading the flashes: %v", err)
	}
	return got
}

// wantFlashes fails the test unless the page shows exactly want.
func (b *browser) wantFlashes(when string, want ...string) {
	b.t.Helper()
	if got := b.flashes(); !slices.Equal(got, want) {
		b.t.Errorf("%s the page flashes %q, want %q", when, got, want)
	}
}

const (
	loggedInText  = "Harry Your account is logged in."
	loggedOutText = "You are not logged in"
)

func TestBrowserLogin(t *testing.T) {
	exe := requireChromium(t)
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	// The configuration of examples/login: encrypted, long enough for
	// chunks within the Cookie header budget, and not Secure because the
	// test serves plain HTTP.
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true, MaxLength: httpsession.DefaultCookieBudget})
	if err != nil {
		t.Fatal(err)
	}
	h, err := loginapp.New(codec, httpsession.Options{Insecure: true, Chunked: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	b := &browser{t: t, ctx: newBrowser(t, exe), url: srv.URL}

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"logged out at first", func(t *testing.T) {
			b.do("opening the home page", chromedp.Navigate(srv.URL+"/"))
			if got := b.text("status"); got != loggedOutText {
				t.Fatalf("home page says %q, want %q", got, loggedOutText)
			}
		}},
		{"log in through the form", func(t *testing.T) {
			b.login(false)
			if got := b.text("status"); got != loggedInText {
				t.Fatalf("after logging in the page says %q, want %q", got, loggedInText)
			}
			b.wantFlashes("after logging in", "You were logged in")
			ctx, cancel := b.timeout()
			defer cancel()
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot: %v", err)
			}
			if err := os.WriteFile(screenshotPath, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot of the logged-in page: %s", screenshotPath)
		}},
		{"reload and stay logged in", func(t *testing.T) {
			b.do("reloading", chromedp.Reload())
			if got := b.text("status"); got != loggedInText {
				t.Fatalf("after a reload the page says %q, want %q", got, loggedInText)
			}
			b.wantFlashes("after a reload")
		}},
		{"cookie attributes", func(t *testing.T) {
			c := b.cookies()["session"]
			if c == nil {
				t.Fatalf("the browser holds no session cookie: %v", b.cookies())
			}
			if !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax || c.Path != "/" || !c.Session || c.Secure {
				t.Errorf("session cookie: HttpOnly %v, SameSite %q, Path %q, session %v, Secure %v; want HttpOnly, Lax, /, a browser-session cookie, not Secure",
					c.HTTPOnly, c.SameSite, c.Path, c.Session, c.Secure)
			}
			ctx, cancel := b.timeout()
			defer cancel()
			js, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.cookie"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(js, "session") {
				t.Errorf("document.cookie = %q: scripts can read the HttpOnly session cookie", js)
			}
		}},
		{"a session that needs chunks", func(t *testing.T) {
			note := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 160)[:4000]
			b.do("opening the notes demo", chromedp.Navigate(srv.URL+"/notes"), chromedp.SetValue(chromedp.ID("note"), note))
			b.clickAndLoad("save")
			if got := b.text("cookies"); got != "2" {
				t.Errorf("the notes page read the session from %s cookies, want 2", got)
			}
			ctx, cancel := b.timeout()
			defer cancel()
			back, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("note")))
			if err != nil {
				t.Fatal(err)
			}
			if back != note {
				t.Errorf("the note read back is %d bytes, want the %d stored", len(back), len(note))
			}
			cs := b.cookies()
			header := 0
			for _, name := range []string{"session", "session.1"} {
				c := cs[name]
				if c == nil {
					t.Errorf("the browser holds no %s cookie", name)
					continue
				}
				header += int(c.Size) + 2
				if c.Size > httpsession.MaxCookieSize || !c.HTTPOnly {
					t.Errorf("cookie %s: %d bytes, HttpOnly %v", name, c.Size, c.HTTPOnly)
				}
			}
			// Chromium's Size is len(name)+len(value); the "=" and "; "
			// make up the rest of the Cookie header.
			if header > httpsession.DefaultCookieBudget {
				t.Errorf("the session's cookies take about %d bytes of the Cookie header, over the budget of %d", header, httpsession.DefaultCookieBudget)
			}

			// A note over the budget is refused, and the session keeps
			// the note it had.
			b.do("writing a long note", chromedp.SetValue(chromedp.ID("note"), strings.Repeat("x", 6000)))
			b.clickAndLoad("save")
			if got := b.text("error"); !strings.Contains(got, "The note is too long") {
				t.Errorf("after a 6000-byte note the page says %q, want that it is too long", got)
			}
			b.do("opening the notes demo", chromedp.Navigate(srv.URL+"/notes"))
			if got := b.text("size"); !strings.Contains(got, "Your note is 4000 bytes long") {
				t.Errorf("after the refused note the page says %q, want the 4000-byte note kept", got)
			}

			b.do("shortening the note", chromedp.SetValue(chromedp.ID("note"), "short"))
			b.clickAndLoad("save")
			if got := b.text("cookies"); got != "1" {
				t.Errorf("after shortening the note the session came in %s cookies, want 1", got)
			}
			cs = b.cookies()
			if cs["session.1"] != nil || cs["session"] == nil {
				t.Errorf("after shortening the note the browser holds %v, want only the session cookie", cookieNames(cs))
			}
			b.do("opening the home page", chromedp.Navigate(srv.URL+"/"))
			if got := b.text("status"); got != loggedInText {
				t.Errorf("home page says %q, want %q", got, loggedInText)
			}
		}},
		{"a tampered cookie logs out", func(t *testing.T) {
			c := b.cookies()["session"]
			if c == nil {
				t.Fatal("no session cookie to tamper with")
			}
			v := []byte(c.Value)
			if i := len(v) / 2; v[i] == 'A' {
				v[i] = 'B'
			} else {
				v[i] = 'A'
			}
			httpOnly := true
			ctx, cancel := b.timeout()
			defer cancel()
			_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
				Name: "session", Value: string(v), URL: srv.URL, Path: "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
			})
			if err != nil {
				t.Fatalf("Network.setCookie: %v", err)
			}
			if c := b.cookies()["session"]; c == nil || c.Value != string(v) {
				t.Fatal("the browser did not take the tampered session cookie")
			}
			b.do("opening the home page", chromedp.Navigate(srv.URL+"/"))
			if got := b.text("status"); got != loggedOutText {
				t.Fatalf("with a tampered cookie the page says %q, want %q", got, loggedOutText)
			}
		}},
		{"log out", func(t *testing.T) {
			b.login(false)
			if got := b.text("status"); got != loggedInText {
				t.Fatalf("after logging in again the page says %q, want %q", got, loggedInText)
			}
			b.clickAndLoad("logout")
			if got := b.text("status"); got != loggedOutText {
				t.Errorf("after logging out the page says %q, want %q", got, loggedOutText)
			}
			b.wantFlashes("after logging out", "You were logged out")
			if cs := b.cookies(); cs["session"] != nil {
				t.Errorf("after logging out the browser holds %v, want no session cookie", cookieNames(cs))
			}
			b.do("reloading", chromedp.Reload())
			b.wantFlashes("after a reload")
		}},
		{"remember me", func(t *testing.T) {
			b.login(true)
			if got := b.text("status"); got != loggedInText {
				t.Fatalf("after logging in with remember me the page says %q, want %q", got, loggedInText)
			}
			c := b.cookies()["session"]
			if c == nil {
				t.Fatal("no session cookie after logging in with remember me")
			}
			// Chromium reports the expiry in seconds since the epoch.
			want := time.Now().Add(loginapp.RememberLifetime)
			got := time.Unix(int64(c.Expires), 0)
			if c.Session || got.Sub(want).Abs() > time.Minute {
				t.Errorf("remembered session cookie: browser-session %v, expires %v, want persistent until about %v", c.Session, got, want)
			}
			b.clickAndLoad("logout")
			b.login(false)
			if c := b.cookies()["session"]; c == nil || !c.Session {
				t.Errorf("session cookie without remember me: %+v, want a browser-session cookie", c)
			}
		}},
		{"preferences cookie", func(t *testing.T) {
			b.do("opening the preferences", chromedp.Navigate(srv.URL+"/prefs"),
				chromedp.WaitVisible(chromedp.ID("theme")), chromedp.SetValue(chromedp.ID("theme"), "dark"))
			b.clickAndLoad("save")
			if got := b.text("theme"); got != "Theme: dark" {
				t.Errorf("after choosing dark the home page says %q, want Theme: dark", got)
			}
			c := b.cookies()["prefs"]
			if c == nil || !c.HTTPOnly || c.Session {
				t.Fatalf("prefs cookie = %+v, want a persistent HttpOnly cookie", c)
			}
			b.do("opening the home page", chromedp.Navigate(srv.URL+"/"))
			b.clickAndLoad("logout")
			if got, st := b.text("theme"), b.text("status"); got != "Theme: dark" || st != loggedOutText {
				t.Errorf("after logging out the page says %q and %q, want %q and Theme: dark", st, got, loggedOutText)
			}
			if cs := b.cookies(); cs["prefs"] == nil || cs["session"] != nil {
				t.Errorf("after logging out the browser holds %v, want prefs and no session", cookieNames(cs))
			}
		}},
	}
	for _, step := range steps {
		ok := t.Run(step.name, func(t *testing.T) {
			b.t = t
			step.run(t)
		})
		if !ok {
			t.Fatalf("stopping after %q failed", step.name)
		}
	}
}

func cookieNames(cs map[string]*network.Cookie) []string {
	var names []string
	for n := range cs {
		names = append(names, n)
	}
	return names
}
