package interop_test

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// TestBrowserLogoutEverywhere logs Harry in from two Chromium profiles
// (two devices) and presses "Log out everywhere" in one: it is logged out
// at once, and the other on its next page load.
func TestBrowserLogoutEverywhere(t *testing.T) {
	exe := requireChromium(t)
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	revoker, err := httpsession.NewRevoker(httpsession.NewMemoryStore(), httpsession.RevokerOptions{Retain: codec.MaxAge()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := loginapp.New(codec, httpsession.Options{Insecure: true, Revoker: revoker})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	laptop := &browser{t: t, ctx: newBrowser(t, exe), url: srv.URL}
	phone := &browser{t: t, ctx: newBrowser(t, exe), url: srv.URL}
	// The phone ticks "remember me": a permanent cookie is revoked too.
	for _, b := range []*browser{laptop, phone} {
		b.login(b == phone)
		if got := b.text("status"); got != loggedInText {
			t.Fatalf("after logging in the page says %q, want %q", got, loggedInText)
		}
	}
	if c := phone.cookies()["session"]; c == nil || c.Session {
		t.Fatalf("the phone holds %v, want a remembered session cookie", cookieNames(phone.cookies()))
	}
	laptop.clickAndLoad("logout-everywhere")
	if got := laptop.text("status"); got != loggedOutText {
		t.Errorf("after log out everywhere the page says %q, want %q", got, loggedOutText)
	}
	if got := laptop.text("flash"); got != "You were logged out everywhere" {
		t.Errorf("flash = %q, want the log out everywhere message", got)
	}
	phone.do("reloading", chromedp.Reload())
	if got := phone.text("status"); got != loggedOutText {
		t.Errorf("the other device after log out everywhere: the page says %q, want %q", got, loggedOutText)
	}
	if cs := phone.cookies(); cs["session"] != nil {
		t.Errorf("the other device still holds %v, want the revoked session cookie deleted", cookieNames(cs))
	}
}
