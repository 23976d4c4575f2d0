package httpsession_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// newCodec returns a codec with a fresh key, for the examples; a server
// reads its keys with cookiecodec.KeyringFromEnv or a key file.
func newCodec(opts cookiecodec.Options) *cookiecodec.Codec {
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		panic(err)
	}
	codec, err := cookiecodec.New(ring, opts)
	if err != nil {
		panic(err)
	}
	return codec
}

// serve sends one request with the cookies given and returns the response.
func serve(h http.Handler, method, target string, cookies []*http.Cookie) *http.Response {
	req := httptest.NewRequest(method, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// Logging out clears the session; the middleware then deletes the cookie.
func ExampleSession_Clear() {
	sessions, err := httpsession.New(newCodec(cookiecodec.Options{}), httpsession.Options{})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		httpsession.From(r).Set("user", "Harry")
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		httpsession.From(r).Clear()
	})
	h := sessions.Wrap(mux)

	login := serve(h, "POST", "https://example.com/login", nil)
	logout := serve(h, "POST", "https://example.com/logout", login.Cookies())
	c := logout.Cookies()[0]
	fmt.Println(c.Name, "deleted:", c.MaxAge < 0, "value empty:", c.Value == "")
	// Output: __Host-session deleted: true value empty: true
}

// A permanent session's cookie outlives the browser: it carries Max-Age
// (and Expires), here Options.MaxAge of 7 days. Without SetPermanent the
// cookie is deleted when the browser closes.
func ExampleSession_SetPermanent() {
	sessions, err := httpsession.New(newCodec(cookiecodec.Options{}), httpsession.Options{MaxAge: 7 * 24 * time.Hour})
	if err != nil {
		panic(err)
	}
	h := sessions.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		s.Set("user", "Harry")
		s.SetPermanent(r.FormValue("remember") == "on")
	}))

	for _, target := range []string{"https://example.com/?remember=on", "https://example.com/"} {
		c := serve(h, "POST", target, nil).Cookies()[0]
		fmt.Printf("%s: Max-Age %d, has Expires %v\n", target, c.MaxAge, !c.Expires.IsZero())
	}
	// Output:
	// https://example.com/?remember=on: Max-Age 604800, has Expires true
	// https://example.com/: Max-Age 0, has Expires false
}

// A session larger than one cookie is split into numbered cookies when
// Options.Chunked is set, and the codec accepts tokens that long.
func ExampleOptions_chunked() {
	codec := newCodec(cookiecodec.Options{MaxLength: 6000})
	sessions, err := httpsession.New(codec, httpsession.Options{Chunked: true})
	if err != nil {
		panic(err)
	}
	h := sessions.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		if r.Method == "POST" {
			// 3,500 bytes of random text: about 4,700 in the cookie.
			s.Set("blob", []byte(randomText(3500)))
			return
		}
		b, _ := httpsession.Get[[]byte](s, "blob")
		fmt.Println("read back", len(b), "bytes")
	}))

	resp := serve(h, "POST", "https://example.com/", nil)
	for _, c := range resp.Cookies() {
		fmt.Println(c.Name, len(c.Value) > 100)
	}
	serve(h, "GET", "https://example.com/", resp.Cookies())
	// Output:
	// __Host-session true
	// __Host-session.1 true
	// read back 3500 bytes
}

// ErrorHandler answers when a session cannot be saved, here because it is
// larger than a browser keeps. The handler's own response is discarded.
func ExampleOptions_errorHandler() {
	sessions, err := httpsession.New(newCodec(cookiecodec.Options{}), httpsession.Options{
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if errors.Is(err, cookiecodec.ErrTooLarge) {
				http.Error(w, "that note is too long to keep", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "internal error", http.StatusInternalServerError)
		},
	})
	if err != nil {
		panic(err)
	}
	h := sessions.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpsession.From(r).Set("note", randomText(5000))
		fmt.Fprintln(w, "saved")
	}))

	resp := serve(h, "POST", "https://example.com/", nil)
	fmt.Println(resp.Status, "cookies:", len(resp.Cookies()))
	// Output: 413 Request Entity Too Large cookies: 0
}

// randomText returns n bytes of text that does not compress.
func randomText(n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(cookiecodec.GenerateKey().ExportSecret())
	}
	return b.String()[:n]
}
