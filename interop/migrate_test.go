package interop_test

// Switching a server from gorilla/sessions, or from Flask, to httpsession
// with the old format as a legacy decoder: the user stays logged in, the
// first response re-issues the session natively, and the next request
// carries only the native cookie.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/gorilla"
	"github.com/cookiecodec/cookiecodec/httpsession"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// newNativeCodec returns a codec of one fresh key.
func newNativeCodec(t *testing.T, opts cookiecodec.Options) *cookiecodec.Codec {
	t.Helper()
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	c, err := cookiecodec.New(ring, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// loadRecorder keeps what Options.OnLoad saw and the names of the cookies
// each request carried.
type loadRecorder struct {
	mu      sync.Mutex
	states  []httpsession.LoadState
	cookies [][]string
}

func (l *loadRecorder) onLoad(r *http.Request, st httpsession.LoadState, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.states = append(l.states, st)
	var names []string
	for _, c := range r.Cookies() {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	l.cookies = append(l.cookies, names)
}

func (l *loadRecorder) last() (httpsession.LoadState, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.states) == 0 {
		return -1, nil
	}
	return l.states[len(l.states)-1], l.cookies[len(l.cookies)-1]
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", u, resp.StatusCode, b)
	}
	return string(b)
}

func jarNames(jar http.CookieJar, u string) []string {
	pu, _ := url.Parse(u)
	var names []string
	for _, c := range jar.Cookies(pu) {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	return names
}

// TestMigrateFromGorillaSessions runs a gorilla/sessions application, logs
// a user in, and switches the same server to httpsession with the gorilla
// reader as its legacy decoder.
func TestMigrateFromGorillaSessions(t *testing.T) {
	hashKey, blockKey := securecookie.GenerateRandomKey(64), securecookie.GenerateRandomKey(32)
	login := time.Now().Add(-time.Hour).Truncate(time.Second)

	// The application before the switch, as gorilla/sessions' docs write it.
	store := sessions.NewCookieStore(hashKey, blockKey)
	before := http.NewServeMux()
	before.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s, _ := store.Get(r, "app-session")
		s.Values["user"] = "Harry"
		s.Values["uid"] = 7
		s.Values["login"] = login
		if err := s.Save(r, w); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprint(w, "logged in")
	})
	before.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s, _ := store.Get(r, "app-session")
		user, _ := s.Values["user"].(string)
		fmt.Fprintf(w, "user=%q", user)
	})

	// The application after it: httpsession over the native codec.
	native := newNativeCodec(t, cookiecodec.Options{Encrypt: true})
	legacy, err := gorilla.New(gorilla.Options{Keys: []gorilla.KeyPair{{HashKey: hashKey, BlockKey: blockKey}}})
	if err != nil {
		t.Fatal(err)
	}
	var rec loadRecorder
	mw, err := httpsession.New(native, httpsession.Options{
		Legacy: []httpsession.Legacy{{Decoder: legacy, CookieName: "app-session", Permanent: true}},
		OnLoad: rec.onLoad,
	})
	if err != nil {
		t.Fatal(err)
	}
	after := http.NewServeMux()
	after.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		user, _ := httpsession.Get[string](s, "user")
		uid, _ := httpsession.Get[int](s, "uid")
		at, _ := httpsession.Get[time.Time](s, "login")
		fmt.Fprintf(w, "user=%q uid=%d login=%d", user, uid, at.Unix())
	})

	var handler atomic.Pointer[http.Handler]
	var h http.Handler = before
	handler.Store(&h)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*handler.Load()).ServeHTTP(w, r)
	}))
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)

	get(t, client, srv.URL+"/login")
	if got := get(t, client, srv.URL+"/"); got != `user="Harry"` {
		t.Fatalf("before the switch: %s", got)
	}

	h = mw.Wrap(after)
	handler.Store(&h)
	want := fmt.Sprintf(`user="Harry" uid=7 login=%d`, login.Unix())
	if got := get(t, client, srv.URL+"/"); got != want {
		t.Errorf("first request after the switch: %s, want %s", got, want)
	}
	if st, names := rec.last(); st != httpsession.MigratedCookie || !slices.Equal(names, []string{"app-session"}) {
		t.Errorf("first request after the switch: %v with cookies %v, want migrated from app-session", st, names)
	}
	if names := jarNames(client.Jar, srv.URL); !slices.Equal(names, []string{mw.CookieName()}) {
		t.Errorf("after the first response the browser holds %v, want only %s", names, mw.CookieName())
	}
	if got := get(t, client, srv.URL+"/"); got != want {
		t.Errorf("second request after the switch: %s, want %s", got, want)
	}
	if st, names := rec.last(); st != httpsession.ValidCookie || !slices.Equal(names, []string{mw.CookieName()}) {
		t.Errorf("second request after the switch: %v with cookies %v, want a valid %s alone", st, names, mw.CookieName())
	}
}

// TestMigrateFromFlask logs a user in on the real Flask login app, then
// sends the browser to the Go login example over the native codec with
// the Flask codec as its legacy decoder, on the same host.
func TestMigrateFromFlask(t *testing.T) {
	forEachFlask(t, testMigrateFromFlask)
}

func testMigrateFromFlask(t *testing.T, python string) {
	const secret = "the Flask app's SECRET_KEY"
	flaskCodec := newFlaskCodec(t, []byte(secret))
	native := newNativeCodec(t, cookiecodec.Options{})
	var rec loadRecorder
	h, err := loginapp.New(native, httpsession.Options{
		Insecure:   true, // the test serves plain HTTP on 127.0.0.1
		CookieName: "go-session",
		Legacy:     []httpsession.Legacy{{Decoder: flaskCodec, CookieName: "session"}},
		OnLoad:     rec.onLoad,
	})
	if err != nil {
		t.Fatal(err)
	}
	goSrv := httptest.NewServer(h)
	defer goSrv.Close()
	flaskURL := startFlaskLogin(t, python, secret)

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &sharedClient{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	c.do("POST", flaskURL+"/login", url.Values{"client_name": {"Harry"}, "pwd": {"12345678"}})
	if got := c.status(flaskURL + "/"); got != loggedInText {
		t.Fatalf("Flask after logging in: %q", got)
	}
	if names := jarNames(jar, goSrv.URL); !slices.Equal(names, []string{"session"}) {
		t.Fatalf("after the Flask login the browser holds %v, want Flask's session", names)
	}

	if got := c.status(goSrv.URL + "/"); got != loggedInText {
		t.Errorf("Go after the switch: %q, want %q", got, loggedInText)
	}
	if st, names := rec.last(); st != httpsession.MigratedCookie || !slices.Equal(names, []string{"session"}) {
		t.Errorf("first Go request: %v with cookies %v, want migrated from session", st, names)
	}
	if names := jarNames(jar, goSrv.URL); !slices.Equal(names, []string{"go-session"}) {
		t.Errorf("after the first Go response the browser holds %v, want only go-session", names)
	}
	// Flask marked the session permanent; so is the native cookie.
	u, _ := url.Parse(goSrv.URL)
	for _, ck := range jar.Cookies(u) {
		s, _, err := native.Decode("go-session", ck.Value)
		if err != nil || s["_permanent"] != true || !strings.EqualFold(fmt.Sprint(s["username"]), "Harry") {
			t.Errorf("native cookie decodes to %v, %v, want Harry's permanent session", s, err)
		}
	}
	if got := c.status(goSrv.URL + "/"); got != loggedInText {
		t.Errorf("second Go request: %q, want %q", got, loggedInText)
	}
	if st, names := rec.last(); st != httpsession.ValidCookie || !slices.Equal(names, []string{"go-session"}) {
		t.Errorf("second Go request: %v with cookies %v, want a valid go-session alone", st, names)
	}
}
