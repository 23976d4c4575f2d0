package httpsession

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// bigBudget is a CookieBudget for tests of chunking beyond the default
// budget.
const bigBudget = 64 << 10

// testNow is the pinned clock of the tests' middlewares.
var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func newCodec(t testing.TB, ring *cookiecodec.Keyring, opts cookiecodec.Options) *cookiecodec.Codec {
	t.Helper()
	if ring == nil {
		var err error
		if ring, err = cookiecodec.NewKeyring(cookiecodec.GenerateKey()); err != nil {
			t.Fatal(err)
		}
	}
	c, err := cookiecodec.New(ring, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// logBuffer is a slog handler's output that tests read while servers
// write to it.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newMiddleware returns a middleware over codec (a fresh native codec if
// nil, able to hold a chunked session if opts.Chunked is set) with its
// clock pinned and its log captured. Its cookie is called "session"
// unless opts names it: TestDefaultCookieName checks the default.
func newMiddleware(t testing.TB, codec Codec, opts Options) (*Middleware, *logBuffer) {
	t.Helper()
	if codec == nil {
		var copts cookiecodec.Options
		if opts.Chunked {
			copts.MaxLength = 64 << 10
		}
		codec = newCodec(t, nil, copts)
	}
	if opts.CookieName == "" {
		opts.CookieName = "session"
	}
	logs := &logBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	m, err := New(codec, opts)
	if err != nil {
		t.Fatal(err)
	}
	m.now = func() time.Time { return testNow }
	return m, logs
}

// serve runs one request with the given cookies through m.Wrap(h) and
// returns the recorded response.
func serve(t testing.TB, m *Middleware, h http.HandlerFunc, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", "http://example.com/", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	m.Wrap(h).ServeHTTP(rec, req)
	return rec.Result()
}

// jar keeps the cookies a client would, from one response to the next.
type jar map[string]*http.Cookie

func (j jar) update(resp *http.Response) {
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			delete(j, c.Name)
		} else {
			j[c.Name] = c
		}
	}
}

func (j jar) list() []*http.Cookie {
	var cs []*http.Cookie
	for _, c := range j {
		cs = append(cs, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return cs
}

// setCookies returns the response's Set-Cookie header values.
func setCookies(resp *http.Response) []string { return resp.Header.Values("Set-Cookie") }

func hasVaryCookie(resp *http.Response) bool {
	for _, v := range resp.Header.Values("Vary") {
		if strings.Contains(v, "Cookie") {
			return true
		}
	}
	return false
}
