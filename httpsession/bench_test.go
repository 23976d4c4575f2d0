package httpsession

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// discardWriter is a ResponseWriter that keeps nothing, so that the
// benchmarks measure the handler and the middleware alone.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkMiddleware serves one request with a session cookie of about
// the given size: through a bare handler that ignores it, through the
// middleware reading one value (load), reading and updating one value
// (load, modify, save), and doing that update by hand with the codec, for
// the cost of the middleware itself. Bytes per second count the request's
// cookie.
func BenchmarkMiddleware(b *testing.B) {
	codec := newCodec(b, nil, cookiecodec.Options{Encrypt: true})
	m, _ := newMiddleware(b, codec, Options{})
	// sub is the running sub-benchmark, the one the handlers may fail:
	// FailNow must be called from its own goroutine.
	var sub *testing.B
	for _, size := range []int{64, 1024, 2800} {
		value, err := codec.Encode(m.name, cookiecodec.Session{"user": "Harry", "visits": 1, "pad": strings.Repeat("p", size)})
		if err != nil {
			b.Fatal(err)
		}
		req := httptest.NewRequest("GET", "https://example.com/", nil)
		req.AddCookie(&http.Cookie{Name: m.name, Value: value})
		for _, bc := range []struct {
			name    string
			handler http.Handler
		}{
			{"bare", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "ok")
			})},
			{"load", m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, ok := Get[string](From(r), "user"); !ok {
					sub.Fatal("no user in session")
				}
				io.WriteString(w, "ok")
			}))},
			{"by-hand", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// The same work without the middleware: the glue every
				// handler would otherwise repeat.
				c, err := r.Cookie(m.name)
				if err != nil {
					sub.Fatal(err)
				}
				s, _, err := codec.Decode(m.name, c.Value)
				if err != nil {
					sub.Fatal(err)
				}
				n, _ := cookiecodec.Get[int](s, "visits")
				s["visits"] = n + 1
				v, err := codec.Encode(m.name, s)
				if err != nil {
					sub.Fatal(err)
				}
				http.SetCookie(w, &http.Cookie{Name: m.name, Value: v, Path: "/", Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
				w.Header().Add("Vary", "Cookie")
				io.WriteString(w, "ok")
			})},
			{"load-modify-save", m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := From(r)
				n, _ := Get[int](s, "visits")
				s.Set("visits", n+1)
				io.WriteString(w, "ok")
			}))},
		} {
			b.Run(fmt.Sprintf("%s/%d", bc.name, len(value)), func(b *testing.B) {
				sub = b
				w := &discardWriter{h: http.Header{}}
				b.SetBytes(int64(len(value)))
				b.ReportAllocs()
				for b.Loop() {
					clear(w.h)
					bc.handler.ServeHTTP(w, req)
				}
			})
		}
	}
}

// BenchmarkChunkedHeader loads a session from a Cookie header carrying
// the given number of chunks among 2000 other cookies: the cost of
// finding the chunks, which must not grow with the chunks times the
// header. The chunks hold one byte each, so the token is then refused.
func BenchmarkChunkedHeader(b *testing.B) {
	for _, chunks := range []int{2, 10, 99} {
		b.Run(fmt.Sprintf("chunks=%d", chunks), func(b *testing.B) {
			m, _ := newMiddleware(b, bigCodec(b), Options{Chunked: true, MaxChunks: 99, OnDecodeError: func(*http.Request, error) {}})
			var hdr strings.Builder
			for i := range 2000 {
				fmt.Fprintf(&hdr, "other%d=x; ", i)
			}
			fmt.Fprintf(&hdr, "session=%d~a", chunks)
			for i := 1; i < chunks; i++ {
				fmt.Fprintf(&hdr, "; session.%d=a", i)
			}
			req := httptest.NewRequest("GET", "https://example.com/", nil)
			req.Header.Set("Cookie", hdr.String())
			h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { From(r).Len() }))
			w := &discardWriter{h: http.Header{}}
			b.SetBytes(int64(hdr.Len()))
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
		})
	}
}
