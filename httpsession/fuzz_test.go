package httpsession

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCookieHeader sends arbitrary Cookie headers through a chunking
// middleware. It must never panic; a header that does not carry a valid
// session gives an empty session; and saving afterwards writes only
// cookies within MaxCookieSize, deleting only chunks the request carried.
func FuzzCookieHeader(f *testing.F) {
	// Every rejected header logs a line: discard them, or a long run
	// would keep them all in memory.
	m, _ := newMiddleware(f, bigCodec(f), Options{Chunked: true, CookieBudget: bigBudget, Logger: slog.New(slog.DiscardHandler)})
	resp := serve(f, m, func(w http.ResponseWriter, r *http.Request) {
		From(r).Set("note", strings.Repeat("n", 7000))
	})
	var real []string
	for _, c := range resp.Cookies() {
		real = append(real, c.Name+"="+c.Value)
	}
	for _, seed := range []string{
		strings.Join(real, "; "),
		strings.Join(real[:2], "; "),
		"session=3~abc; session.1=def; session.2=ghi",
		"session=99~x; session.98=y",
		"session.1=a; session.01=b; session.1=c",
		"session=~; session.=x; =y; ;;",
		"session=\"quoted\"; session.1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Cookie", header)
		valid := header == strings.Join(real, "; ")
		rec := httptest.NewRecorder()
		m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := From(r)
			if n := s.Len(); n != 0 && !valid {
				// Only the real cookies open; fuzzing does not forge.
				if _, ok := s.Info(); !ok {
					t.Errorf("non-empty session (%d keys) without a valid token", n)
				}
			}
			s.Set("k", "v")
		})).ServeHTTP(rec, req)
		rc := m.parseCookies(req)
		chunks := rc.chunks()
		for _, h := range rec.Result().Header.Values("Set-Cookie") {
			if len(h) > MaxCookieSize {
				t.Errorf("Set-Cookie header of %d bytes", len(h))
			}
		}
		for _, c := range rec.Result().Cookies() {
			if c.MaxAge < 0 && c.Name != m.name {
				found := false
				for _, i := range chunks {
					found = found || chunkName(m.name, i) == c.Name
				}
				if !found {
					t.Errorf("deleted %s, which the request did not carry (chunks %v)", c.Name, chunks)
				}
			}
		}
	})
}

// FuzzParseCookies checks that the single pass over the Cookie header
// finds, for the session cookie and each chunk name, the value net/http's
// own parser returns first: the same leniency, quoting and white space.
func FuzzParseCookies(f *testing.F) {
	m, _ := newMiddleware(f, nil, Options{})
	for _, seed := range []string{
		"session=a; session.1=b; session.2=c",
		` session = "q" ;session.1="x;other=1; session.1=second`,
		"session.0=x; session.01=x; session.x=y; session.100=z; session.99=w; session.98=v",
		"session=\x7f; session=ok; session.1=a\\b; session.1=c d,e",
		"sessions=a; session.=b; .1=c; session.1",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if strings.Count(header, ";") > 1000 {
			return // net/http gives up on a header of more than 3000 cookies
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.Header["Cookie"] = []string{header}
		rc := m.parseCookies(req)
		for i := range maxMaxChunks {
			got, ok := rc.get(i)
			want := req.CookiesNamed(chunkName(m.name, i))
			if ok != (len(want) > 0) || ok && got != want[0].Value {
				t.Fatalf("chunk %d of %q: parseCookies = %q, %v; net/http = %v", i, header, got, ok, want)
			}
		}
	})
}
