package httpsession_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// A user logged in on a laptop and a phone logs out everywhere from the
// laptop: the phone's next request finds its session revoked.
func ExampleRevoker() {
	ring, _ := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	codec, _ := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
	// One process: a MemoryStore. A fleet shares a store, such as
	// Redis with module github.com/cookiecodec/cookiecodec/redisstore.
	revoker, err := httpsession.NewRevoker(httpsession.NewMemoryStore(), httpsession.RevokerOptions{Retain: codec.MaxAge()})
	if err != nil {
		panic(err)
	}
	sessions, err := httpsession.New(codec, httpsession.Options{Revoker: revoker})
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		// After checking the password: name the user as the subject.
		if err := httpsession.From(r).SetSubject("harry"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("POST /logout-everywhere", func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		if err := revoker.Revoke(r.Context(), s.Subject()); err != nil {
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
		s.Clear()
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		state, err := s.LoadState()
		fmt.Printf("%s: subject %q, revoked %v\n", state, s.Subject(), errors.Is(err, httpsession.ErrRevoked))
	})
	handler := sessions.Wrap(mux)

	// do sends a request with cookie, and returns the cookie the response
	// sets, if any.
	do := func(method, path string, cookie *http.Cookie) *http.Cookie {
		req := httptest.NewRequest(method, "https://example.com"+path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if cs := rec.Result().Cookies(); len(cs) > 0 {
			return cs[0]
		}
		return cookie
	}
	laptop := do("POST", "/login", nil)
	phone := do("POST", "/login", nil)
	do("GET", "/", phone)
	do("POST", "/logout-everywhere", laptop)
	do("GET", "/", phone)
	// Output:
	// valid: subject "harry", revoked false
	// rejected: subject "", revoked true
}
