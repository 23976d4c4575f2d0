package httpsession_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

func Example() {
	ring, _ := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	codec, _ := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
	sessions, err := httpsession.New(codec, httpsession.Options{})
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /visit", func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		n, _ := httpsession.Get[int](s, "visits")
		s.Set("visits", n+1)
		fmt.Fprintf(w, "visit %d\n", n+1)
	})
	handler := sessions.Wrap(mux)

	// A browser's three visits, each sending back the cookie it was given.
	var cookie *http.Cookie
	for range 3 {
		req := httptest.NewRequest("GET", "https://example.com/visit", nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Print(rec.Body.String())
		cookie = rec.Result().Cookies()[0]
	}
	fmt.Println(cookie.Name, "HttpOnly:", cookie.HttpOnly, "Secure:", cookie.Secure, "SameSite=Lax:", cookie.SameSite == http.SameSiteLaxMode)
	// Output:
	// visit 1
	// visit 2
	// visit 3
	// __Host-session HttpOnly: true Secure: true SameSite=Lax: true
}

// A Go service that shares its login with a Flask application: the same
// middleware over the Flask codec, with Flask's SECRET_KEY.
func ExampleNew_flask() {
	codec, err := flask.New(flask.Options{SecretKeys: [][]byte{[]byte("the Flask app's SECRET_KEY")}})
	if err != nil {
		panic(err)
	}
	sessions, err := httpsession.New(codec, httpsession.Options{})
	if err != nil {
		panic(err)
	}
	handler := sessions.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := httpsession.From(r)
		s.Set("username", "Harry")
		s.SetPermanent(true) // session.permanent = True, in Flask's terms
	}))

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("POST", "https://example.com/login", nil))
	cookie := rec.Result().Cookies()[0]

	// Flask reads this cookie as its own session; so does the codec.
	s, _, err := codec.Decode("session", cookie.Value)
	fmt.Println(flask.LooksLikeFlask(cookie.Value), s["username"], s["_permanent"], err)
	// Output: true Harry true <nil>
}
