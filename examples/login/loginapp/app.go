// Package loginapp is the login example's web application: the classic
// Flask session tutorial (an index page, a login form, a logout) in Go,
// on top of package httpsession.
//
// Unlike the tutorial, it never stores the password in the cookie. It
// checks the password against a bcrypt hash and stores only the user name,
// and every form carries a CSRF token kept in the session. The command in
// the parent directory serves it; tests build it with [New].
package loginapp

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/cookiecodec/cookiecodec/httpsession"
	"golang.org/x/crypto/bcrypt"
)

// Session keys.
const (
	keyUser = "username"
	keyCSRF = "csrf_token"
	keyNote = "note"
)

// MaxNoteLength is the longest note, in bytes, that the notes demo stores
// in the session.
const MaxNoteLength = 4000

// maxFormSize bounds a request body, in bytes.
const maxFormSize = 64 << 10

// demoUsers is the demo's user table: user name to bcrypt hash of the
// password. Harry's password is 12345678.
var demoUsers = map[string][]byte{
	"Harry": []byte("$2a$10$OI1rHBGzwPd69u8aWfg3ZeKFfriR7NNdVaqPtRRCIP7qMK6yhdNay"),
}

// demoDummyHash is compared against for unknown users, so that a login
// takes as long whether or not the user exists. It has the cost of the
// real hashes.
var demoDummyHash = []byte("$2a$10$AKR5Aos4SeFNNZpSLQ8G2eMGJbKzICSbV33FXqmrWEUVzD3RXr.be")

// New returns the application's handler, with sessions stored by codec
// under the given options.
func New(codec httpsession.Codec, opts httpsession.Options) (http.Handler, error) {
	return newHandler(codec, opts, demoUsers, demoDummyHash)
}

// newHandler is New with the user table as a parameter, so that tests can
// use cheap hashes.
func newHandler(codec httpsession.Codec, opts httpsession.Options, users map[string][]byte, dummyHash []byte) (http.Handler, error) {
	sessions, err := httpsession.New(codec, opts)
	if err != nil {
		return nil, err
	}
	a := &app{cookieName: sessions.CookieName(), users: users, dummyHash: dummyHash}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.index)
	mux.HandleFunc("GET /login", a.loginForm)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("GET /logout", a.logoutForm)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("GET /notes", a.notes)
	mux.HandleFunc("POST /notes", a.saveNote)
	return securityHeaders(sessions.Wrap(mux)), nil
}

type app struct {
	cookieName string
	users      map[string][]byte // user name to bcrypt hash
	dummyHash  []byte            // a bcrypt hash of the same cost
}

// securityHeaders sets headers that keep the pages from being framed,
// sniffed or cached.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// csrfToken returns the session's CSRF token, creating one if needed.
func csrfToken(s *httpsession.Session) string {
	if t, ok := httpsession.Get[string](s, keyCSRF); ok && t != "" {
		return t
	}
	// rand.Text is 128 bits from crypto/rand, in base32.
	t := rand.Text()
	s.Set(keyCSRF, t)
	return t
}

// checkForm parses a POST form of at most maxFormSize bytes and checks its
// CSRF token against the session's.
func checkForm(w http.ResponseWriter, r *http.Request, s *httpsession.Session) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormSize)
	if err := r.ParseForm(); err != nil {
		return errors.New("the form could not be read")
	}
	want, ok := httpsession.Get[string](s, keyCSRF)
	got := r.PostForm.Get(keyCSRF)
	if !ok || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errors.New("the form has expired: go back, reload the page and try again")
	}
	return nil
}

func (a *app) index(w http.ResponseWriter, r *http.Request) {
	s := httpsession.From(r)
	user, _ := httpsession.Get[string](s, keyUser)
	d := pageData{Title: "Home", User: user}
	if user != "" {
		d.CSRF = csrfToken(s)
	}
	render(w, http.StatusOK, indexPage, d)
}

func (a *app) loginForm(w http.ResponseWriter, r *http.Request) {
	s := httpsession.From(r)
	if user, _ := httpsession.Get[string](s, keyUser); user != "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	render(w, http.StatusOK, loginPage, pageData{Title: "Log in", CSRF: csrfToken(s)})
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	s := httpsession.From(r)
	if err := checkForm(w, r, s); err != nil {
		render(w, http.StatusForbidden, loginPage, pageData{Title: "Log in", CSRF: csrfToken(s), Error: err.Error()})
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("client_name"))
	if !a.checkPassword(name, r.PostForm.Get("pwd")) {
		render(w, http.StatusUnauthorized, loginPage, pageData{Title: "Log in", CSRF: csrfToken(s), Name: name,
			Error: "Wrong user name or password."})
		return
	}
	// A new CSRF token for the new login, and only the user name: the
	// password never goes into the cookie.
	s.Delete(keyCSRF)
	s.Set(keyUser, name)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// checkPassword reports whether password is the user's, in about the same
// time whether or not the user exists.
func (a *app) checkPassword(name, password string) bool {
	hash, ok := a.users[name]
	if !ok {
		hash = a.dummyHash
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	return ok && err == nil
}

// logoutForm answers GET /logout with a button that posts the logout:
// logging out changes state, so it takes a POST with the CSRF token, and
// another site cannot log a user out with a link or an image.
func (a *app) logoutForm(w http.ResponseWriter, r *http.Request) {
	s := httpsession.From(r)
	user, _ := httpsession.Get[string](s, keyUser)
	if user == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	render(w, http.StatusOK, logoutPage, pageData{Title: "Log out", User: user, CSRF: csrfToken(s)})
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	s := httpsession.From(r)
	if err := checkForm(w, r, s); err != nil {
		render(w, http.StatusForbidden, errorPage, pageData{Title: "Log out", Error: err.Error()})
		return
	}
	s.Clear()
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// notes shows the notes demo: a large value stored in the session, to see
// the session cookie split into chunks.
func (a *app) notes(w http.ResponseWriter, r *http.Request) {
	s := httpsession.From(r)
	user, _ := httpsession.Get[string](s, keyUser)
	if user == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	note, _ := httpsession.Get[string](s, keyNote)
	render(w, http.StatusOK, notesPage, pageData{Title: "Notes demo", User: user, CSRF: csrfToken(s),
		Note: note, Cookies: a.sessionCookies(r)})
}

func (a *app) saveNote(w http.ResponseWriter, r *http.Request) {
	s := httpsession.From(r)
	user, _ := httpsession.Get[string](s, keyUser)
	if user == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err := checkForm(w, r, s); err != nil {
		render(w, http.StatusForbidden, errorPage, pageData{Title: "Notes demo", Error: err.Error()})
		return
	}
	note := r.PostForm.Get(keyNote)
	if len(note) > MaxNoteLength {
		render(w, http.StatusRequestEntityTooLarge, notesPage, pageData{Title: "Notes demo", User: user, CSRF: csrfToken(s),
			Note: note, Cookies: a.sessionCookies(r), Error: "The note is too long for the demo."})
		return
	}
	if note == "" {
		s.Delete(keyNote)
	} else {
		s.Set(keyNote, note)
	}
	http.Redirect(w, r, "/notes", http.StatusSeeOther)
}

// sessionCookies counts the cookies that carried the session in r: the
// session cookie and its chunks.
func (a *app) sessionCookies(r *http.Request) int {
	n := 0
	for _, c := range r.Cookies() {
		if c.Name == a.cookieName || strings.HasPrefix(c.Name, a.cookieName+".") {
			n++
		}
	}
	return n
}
