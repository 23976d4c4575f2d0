package httpsession_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/gorilla"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// A cookie that gorilla/sessions' CookieStore would read:
// securecookie.New(hashKey, nil).Encode("session", map[string]interface{}{"user": "Harry", "id": 42}).
const gorillaCookie = "MTc5NjE1NTg5N3xEdi1GQkFFQ180WUFBUXdCRUFBQUpQLUdBQUlFZFhObGNnWnpkSEpwYm1jTUJ3QUZTR0Z5Y25rQ2FXUURhVzUwQkFJQVZBPT18lJNfMJxh8A4WW_e4GXYqCLejVpWdyH5twt6fRJliH7o="

// A server that used gorilla/sessions keeps its users logged in: their
// gorilla cookie opens the session once, the response re-issues it
// natively and deletes the gorilla cookie.
func ExampleLegacy() {
	legacy, err := gorilla.New(gorilla.Options{
		Keys: []gorilla.KeyPair{{HashKey: []byte("hash key one: 32 bytes long ....")}},
		// The example's cookie was made on 2026-12-01; a real decoder
		// keeps the store's MaxAge, 30 days by default.
		MaxAge: 100 * 365 * 24 * time.Hour,
	})
	if err != nil {
		panic(err)
	}
	ring, _ := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	codec, _ := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
	sessions, err := httpsession.New(codec, httpsession.Options{
		Legacy: []httpsession.Legacy{{Decoder: legacy, CookieName: "session", Permanent: true}},
	})
	if err != nil {
		panic(err)
	}
	h := sessions.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		user, _ := httpsession.Get[string](s, "user")
		state, _ := s.LoadState()
		fmt.Println(user, state)
	}))

	req := httptest.NewRequest("GET", "https://example.com/", nil)
	req.AddCookie(&http.Cookie{Name: "session", Value: gorillaCookie})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		fmt.Printf("Set-Cookie %s, deleted: %v\n", c.Name, c.MaxAge < 0)
	}
	// Output:
	// Harry migrated
	// Set-Cookie __Host-session, deleted: false
	// Set-Cookie session, deleted: true
}
