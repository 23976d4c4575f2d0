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
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/httpsession"
	"golang.org/x/crypto/bcrypt"
)

// Session keys.
const (
	keyUser  = "username"
	keyCSRF  = "csrf_token"
	keyNote  = "note"
	keyTheme = "theme" // in the prefs session
)

// RememberLifetime is how long "remember me" keeps a user logged in
// without a visit: the session cookie's Max-Age when the box is ticked.
const RememberLifetime = 30 * 24 * time.Hour

// PrefsCookieName is the name of the preferences cookie, a second session
// beside the login session; with Secure cookies it is "__Host-prefs".
const PrefsCookieName = "prefs"

// Themes are the display themes the preferences page offers, the first
// the default.
var Themes = []string{"light", "dark"}

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

// New returns the application's handler, with the login session stored by
// codec under opts, and the preferences in a second session, the cookie
// [PrefsCookieName], with the same codec and cookie attributes.
func New(codec httpsession.Codec, opts httpsession.Options) (http.Handler, error) {
	return newHandler(codec, opts, demoUsers, demoDummyHash)
}

// newHandler is New with the user table as a parameter, so that tests can
// use cheap hashes.
func newHandler(codec httpsession.Codec, opts httpsession.Options, users map[string][]byte, dummyHash []byte) (http.Handler, error) {
	if c, ok := codec.(interface{ MaxAge() time.Duration }); ok && c.MaxAge() < RememberLifetime {
		return nil, fmt.Errorf("loginapp: the codec's MaxAge %v is shorter than the %v of remember me", c.MaxAge(), RememberLifetime)
	}
	sessions, err := httpsession.New(codec, opts)
	if err != nil {
		return nil, err
	}
	prefsName := PrefsCookieName
	if !opts.Insecure {
		prefsName = "__Host-" + PrefsCookieName
	}
	prefs, err := httpsession.New(codec, httpsession.Options{
		CookieName: prefsName,
		Insecure:   opts.Insecure,
		SameSite:   opts.SameSite,
		Logger:     opts.Logger,
	})
	if err != nil {
		return nil, err
	}
	a := &app{sessions: sessions, prefs: prefs, revoker: opts.Revoker, users: users, dummyHash: dummyHash}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.index)
	mux.HandleFunc("GET /login", a.loginForm)
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("GET /logout", a.logoutForm)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("GET /notes", a.notes)
	mux.HandleFunc("POST /notes", a.saveNote)
	mux.HandleFunc("GET /prefs", a.prefsForm)
	mux.HandleFunc("POST /prefs", a.savePrefs)
	if a.revoker != nil {
		mux.HandleFunc("POST /logout-everywhere", a.logoutEverywhere)
	}
	return securityHeaders(sessions.Wrap(prefs.Wrap(mux))), nil
}

type app struct {
	sessions  *httpsession.Middleware // the login session
	prefs     *httpsession.Middleware // the preferences
	revoker   *httpsession.Revoker    // opts.Revoker, for log out everywhere
	users     map[string][]byte       // user name to bcrypt hash
	dummyHash []byte                  // a bcrypt hash of the same cost
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

// A formError is a form that cannot be used: the status to answer and a
// message for the user.
type formError struct {
	status int
	msg    string
}

func (e *formError) Error() string { return e.msg }

// checkForm parses a POST form of at most maxFormSize bytes, checks that
// its text is valid UTF-8 (a session cannot store anything else), and
// checks its CSRF token against the session's.
func checkForm(w http.ResponseWriter, r *http.Request, s *httpsession.Session) *formError {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormSize)
	if err := r.ParseForm(); err != nil {
		return &formError{http.StatusBadRequest, "the form could not be read"}
	}
	for _, vs := range r.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return &formError{http.StatusBadRequest, "the form holds text that is not valid UTF-8"}
			}
		}
	}
	want, ok := httpsession.Get[string](s, keyCSRF)
	got := r.PostForm.Get(keyCSRF)
	if !ok || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return &formError{http.StatusForbidden, "the form has expired: go back, reload the page and try again"}
	}
	return nil
}

// data returns what every page shows: its title, the logged-in user, the
// messages flashed to it (read once), and the theme.
func (a *app) data(r *http.Request, title string) pageData {
	s := a.sessions.From(r)
	user, _ := httpsession.Get[string](s, keyUser)
	return pageData{Title: title, User: user, Flashes: s.Flashes(), Theme: a.theme(r)}
}

// theme returns the display theme of the preferences cookie.
func (a *app) theme(r *http.Request) string {
	if t, ok := httpsession.Get[string](a.prefs.From(r), keyTheme); ok && slices.Contains(Themes, t) {
		return t
	}
	return Themes[0]
}

func (a *app) index(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.From(r)
	d := a.data(r, "Home")
	if d.User != "" {
		d.CSRF = csrfToken(s)
		d.Everywhere = a.revoker != nil
	}
	render(w, http.StatusOK, indexPage, d)
}

func (a *app) loginForm(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.From(r)
	if user, _ := httpsession.Get[string](s, keyUser); user != "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d := a.data(r, "Log in")
	d.CSRF = csrfToken(s)
	render(w, http.StatusOK, loginPage, d)
}

func (a *app) login(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.From(r)
	d := a.data(r, "Log in")
	if err := checkForm(w, r, s); err != nil {
		d.CSRF, d.Error = csrfToken(s), err.msg
		render(w, err.status, loginPage, d)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("client_name"))
	if !a.checkPassword(name, r.PostForm.Get("pwd")) {
		d.CSRF, d.Name, d.Error = csrfToken(s), name, "Wrong user name or password."
		render(w, http.StatusUnauthorized, loginPage, d)
		return
	}
	// A new CSRF token for the new login, and only the user name: the
	// password never goes into the cookie. The absolute timeout counts
	// from now; "remember me" makes the cookie outlive the browser.
	s.Delete(keyCSRF)
	s.Set(keyUser, name)
	s.Renew()
	// The user name is the subject that log out everywhere revokes.
	if err := s.SetSubject(name); err != nil {
		slog.Error("loginapp: login", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	lifetime := time.Duration(0)
	if r.PostForm.Get("remember") != "" {
		lifetime = RememberLifetime
	}
	if err := s.SetLifetime(lifetime); err != nil {
		// newHandler checked the codec's MaxAge: this does not happen.
		slog.Error("loginapp: remember me", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	s.Flash("You were logged in")
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
	s := a.sessions.From(r)
	d := a.data(r, "Log out")
	if d.User == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	d.CSRF = csrfToken(s)
	render(w, http.StatusOK, logoutPage, d)
}

// logout ends the login session; the preferences cookie stays.
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.From(r)
	if err := checkForm(w, r, s); err != nil {
		d := a.data(r, "Log out")
		d.Error = err.msg
		render(w, err.status, errorPage, d)
		return
	}
	s.Clear()
	s.Flash("You were logged out")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// notes shows the notes demo: a large value stored in the session, to see
// the session cookie split into chunks.
func (a *app) notes(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.From(r)
	d := a.data(r, "Notes demo")
	if d.User == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	d.Note, _ = httpsession.Get[string](s, keyNote)
	d.CSRF, d.Cookies = csrfToken(s), a.sessionCookies(r)
	render(w, http.StatusOK, notesPage, d)
}

// saveNote stores the note if the session, note included, stays within
// the session's cookie budget, and says so otherwise.
func (a *app) saveNote(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.From(r)
	d := a.data(r, "Notes demo")
	if d.User == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err := checkForm(w, r, s); err != nil {
		d.Error = err.msg
		render(w, err.status, errorPage, d)
		return
	}
	note := r.PostForm.Get(keyNote)
	if note == "" {
		s.Delete(keyNote)
		http.Redirect(w, r, "/notes", http.StatusSeeOther)
		return
	}
	old, hadOld := httpsession.Get[string](s, keyNote)
	if err := s.Set(keyNote, note); err != nil {
		d.Error = "The note cannot be stored."
		render(w, http.StatusBadRequest, errorPage, d)
		return
	}
	if err := s.CheckSize(); errors.Is(err, cookiecodec.ErrTooLarge) {
		if hadOld {
			s.Set(keyNote, old)
		} else {
			s.Delete(keyNote)
		}
		d.Note, d.CSRF, d.Cookies = note, csrfToken(s), a.sessionCookies(r)
		d.Error = fmt.Sprintf("The note is too long: at %d bytes it does not fit in the session cookies a browser and a proxy accept together (%v).",
			len(note), err)
		render(w, http.StatusRequestEntityTooLarge, notesPage, d)
		return
	}
	http.Redirect(w, r, "/notes", http.StatusSeeOther)
}

// sessionCookies counts the cookies that carried the login session in r:
// the session cookie and its chunks.
func (a *app) sessionCookies(r *http.Request) int {
	name := a.sessions.CookieName()
	n := 0
	for _, c := range r.Cookies() {
		if c.Name == name || strings.HasPrefix(c.Name, name+".") {
			n++
		}
	}
	return n
}

// prefsForm shows the preferences form. Its CSRF token is the login
// session's, which works whether or not anyone is logged in.
func (a *app) prefsForm(w http.ResponseWriter, r *http.Request) {
	d := a.data(r, "Preferences")
	d.CSRF, d.Themes = csrfToken(a.sessions.From(r)), Themes
	render(w, http.StatusOK, prefsPage, d)
}

// savePrefs stores the theme in the preferences cookie, persistent for the
// codec's MaxAge.
func (a *app) savePrefs(w http.ResponseWriter, r *http.Request) {
	if err := checkForm(w, r, a.sessions.From(r)); err != nil {
		d := a.data(r, "Preferences")
		d.Error = err.msg
		render(w, err.status, errorPage, d)
		return
	}
	theme := r.PostForm.Get(keyTheme)
	if !slices.Contains(Themes, theme) {
		d := a.data(r, "Preferences")
		d.CSRF, d.Themes, d.Error = csrfToken(a.sessions.From(r)), Themes, "Choose one of the themes offered."
		render(w, http.StatusBadRequest, prefsPage, d)
		return
	}
	p := a.prefs.From(r)
	p.Set(keyTheme, theme)
	p.SetPermanent(true)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logoutEverywhere revokes every session of the user, on every server
// that shares the revocation store, this one included, and logs this
// client out at once.
func (a *app) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	s := a.sessions.From(r)
	if err := checkForm(w, r, s); err != nil {
		d := a.data(r, "Log out everywhere")
		d.Error = err.msg
		render(w, err.status, errorPage, d)
		return
	}
	if user, _ := httpsession.Get[string](s, keyUser); user != "" {
		if err := a.revoker.Revoke(r.Context(), user); err != nil {
			slog.Error("loginapp: log out everywhere", "err", err)
			d := a.data(r, "Log out everywhere")
			d.Error = "Your other sessions could not be logged out: try again later."
			render(w, http.StatusServiceUnavailable, errorPage, d)
			return
		}
	}
	s.Clear()
	s.Flash("You were logged out everywhere")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
