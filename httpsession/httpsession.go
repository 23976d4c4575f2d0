// Package httpsession keeps a session in a cookie for any net/http handler,
// with the semantics of Flask's default session: the session is loaded
// lazily, saved only when it changed, deleted when it becomes empty, and the
// response varies on the Cookie header whenever the session was used.
//
//	ring, _ := cookiecodec.NewKeyring(key)
//	codec, _ := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true})
//	sessions, _ := httpsession.New(codec, httpsession.Options{})
//	http.ListenAndServe(addr, sessions.Wrap(mux))
//
// Inside a handler, [From] returns the request's [*Session]:
//
//	s := httpsession.From(r)
//	s.Set("user", "Harry")
//	name, ok := httpsession.Get[string](s, "user")
//
// The middleware works with any [Codec]: the native [*cookiecodec.Codec], or
// the Flask-compatible codec of package flask, so that a Go service and a
// Flask application can share one login cookie.
//
// # Saving
//
// The session is saved into a Set-Cookie header just before the response's
// headers go out: at the handler's first call to WriteHeader, Write, Flush or
// ReadFrom, or when the handler returns without writing. Changes made after
// that point cannot reach the client; they are logged as an error. The
// wrapped ResponseWriter keeps Flush, Hijack and ReadFrom working, and
// [net/http.ResponseController] reaches the server's writer through its
// Unwrap method.
//
// A session is saved when it was modified, when it was opened with a key
// that is no longer the primary ([cookiecodec.Info.Stale], so that a key
// rotation moves every active session to the new key as users come back),
// and on every request for a permanent session when
// [Options.RefreshEachRequest] is set. A
// session that becomes empty deletes its cookie. A handler that never uses
// the session costs nothing: the cookie is not even decoded, and so not
// re-issued either (unless RefreshEachRequest is set, which decodes it).
//
// Several middlewares, with different cookie names, may wrap one handler;
// [From] then returns the innermost one's session.
//
// # Rejected cookies
//
// A cookie the codec refuses (tampered with, expired, sealed with an
// unknown key) leaves the request with an empty session, as in Flask.
// [Session.LoadState] tells a handler whether the request carried no
// cookie, a valid one, or a rejected one and why (an error matching
// [cookiecodec.ErrExpired] or [cookiecodec.ErrInvalid]), and
// [Options.OnLoad] observes every load, to count rejections. Neither ever
// sees the cookie's value.
//
// # Permanent sessions
//
// By default the cookie is a browser-session cookie, deleted when the
// browser closes; the token inside still expires after the codec's MaxAge.
// [Session.SetPermanent] stores the key "_permanent" in the session, as
// Flask does, and a permanent session's cookie carries Expires and Max-Age
// set to [Options.MaxAge] from now.
//
// # Cookie size
//
// Browsers keep cookies of up to 4096 bytes ([MaxCookieSize]), counted here
// on the whole Set-Cookie header value: name, value and attributes. A larger
// session is either split into numbered cookies ([Options.Chunked]) or not
// saved at all: the request fails through [Options.ErrorHandler], never with a
// cookie the browser silently drops.
//
// # Security properties
//
// The cookie is HttpOnly, Secure, SameSite=Lax and Path=/ by default. The
// codec authenticates it; whether the client can read it depends on the
// codec (see [cookiecodec.Options.Encrypt]). A stolen cookie replays until
// its token expires: logging out deletes the cookie from the browser, not
// from an attacker who copied it. SameSite=Lax stops cross-site POSTs from
// carrying the cookie in current browsers, but it is not a CSRF defence for
// GET handlers that change state, nor for older browsers: keep a CSRF token
// in the session for forms, as examples/login does.
//
// Every response that uses the session varies on the Cookie header, but a
// response that sets the cookie must still not be stored by a shared cache
// and served to others: keep such caches from storing responses with
// Set-Cookie (most do by default), or mark the responses Cache-Control:
// private.
package httpsession

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// A Codec turns a session into a cookie value and back. The native
// [*cookiecodec.Codec] and the Flask codec of package flask implement it.
//
// Decode must return an error for every value it does not accept; a nil
// session with a nil error is treated as an empty session.
type Codec interface {
	Encode(name string, s cookiecodec.Session) (string, error)
	Decode(name, value string) (cookiecodec.Session, cookiecodec.Info, error)
}

// Defaults applied to the zero fields of [Options].
const (
	// DefaultCookieName is Flask's session cookie name.
	DefaultCookieName = "session"
	// DefaultMaxChunks is how many cookies a chunked session may span.
	DefaultMaxChunks = 4
)

// MaxCookieSize is the longest Set-Cookie header value, in bytes, that the
// middleware writes: 4096, the least that browsers keep for a cookie.
const MaxCookieSize = 4096

// maxMaxChunks bounds Options.MaxChunks, so that the chunk count fits in
// two digits.
const maxMaxChunks = 99

// Options configure a [Middleware]. The zero value is a safe default: a
// cookie named "session", HttpOnly, Secure, SameSite=Lax, Path=/, host-only,
// saved only when modified, and never larger than [MaxCookieSize].
type Options struct {
	// CookieName is the name of the session cookie. Zero means
	// [DefaultCookieName]. A name starting with "__Host-" or "__Secure-"
	// is checked against the rules of its prefix.
	CookieName string

	// Path is the cookie's Path attribute. Zero means "/".
	Path string

	// Domain is the cookie's Domain attribute. Zero means a host-only
	// cookie, sent back only to the host that set it, which is safest.
	Domain string

	// SameSite is the cookie's SameSite attribute. Zero means
	// [http.SameSiteLaxMode]; [http.SameSiteNoneMode] requires Secure.
	SameSite http.SameSite

	// Insecure drops the Secure attribute, so that browsers send the
	// cookie over plain HTTP.
	//
	// Warning: use it only for development on localhost. Over plain HTTP
	// anyone on the network path can copy the cookie and replay it.
	// Chromium stores Secure cookies from http://localhost and
	// http://127.0.0.1, but other browsers may not.
	Insecure bool

	// MaxAge is the lifetime of a permanent session's cookie. Zero means
	// the codec's MaxAge if the codec has a MaxAge method, otherwise
	// [cookiecodec.DefaultMaxAge]. Keep it no longer than the codec's
	// MaxAge: the token inside expires after that regardless.
	MaxAge time.Duration

	// RefreshEachRequest re-issues a permanent session on every request,
	// so that it expires MaxAge after the user's last visit rather than
	// after its last change. Flask does this by default; here it is
	// opt-in, because it decodes and encodes on every request and sends a
	// Set-Cookie header with every response.
	RefreshEachRequest bool

	// Chunked splits a session whose cookie would exceed MaxCookieSize
	// into cookies named CookieName, CookieName.1, CookieName.2 and so on,
	// and joins them back when reading. The first cookie's value starts
	// with the number of cookies and a tilde ("3~"). Chunks left over from
	// a larger session are deleted when it is saved smaller.
	//
	// The codec must accept tokens that long (set
	// [cookiecodec.Options.MaxLength], or MaxLength in the Options of
	// package flask), and every proxy in front of the server must
	// accept a Cookie header that long: nginx refuses header lines over
	// 8 KiB by default.
	Chunked bool

	// MaxChunks is how many cookies a chunked session may span, from 2 to
	// 99. Zero means [DefaultMaxChunks]. A larger session fails to save.
	MaxChunks int

	// ErrorHandler responds when the session cannot be saved: it cannot be
	// encoded, or its cookie is too large. It runs before any of the
	// handler's response has been sent, and the handler's own response is
	// then discarded. Nil means a 500 Internal Server Error response and
	// an error logged to Logger.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

	// OnDecodeError is called when the request's cookie is rejected
	// (tampered with, expired, sealed with an unknown key, or refused by a
	// check after decoding), with the error [Session.LoadState] reports,
	// after which the request continues with an empty session, as in
	// Flask. It must not use the request's session. Nil means a
	// debug-level line in Logger: these errors are routine and anyone can
	// cause them.
	OnDecodeError func(r *http.Request, err error)

	// OnLoad, if set, is called once for each request whose session is
	// loaded, with what became of its cookie and, for [RejectedCookie],
	// why (as [Session.LoadState] reports them), so that an application
	// can count missing, valid, rejected and migrated cookies. Sessions
	// load lazily: a request whose handler never uses the session is not
	// observed, unless RefreshEachRequest is set. For a rejection it runs
	// after OnDecodeError. It must not use the request's session, and
	// must not log the cookie.
	OnLoad func(r *http.Request, state LoadState, err error)

	// Logger receives the middleware's log lines, which never contain
	// cookie values or session contents. Nil means [slog.Default].
	Logger *slog.Logger
}

// A Middleware loads and saves sessions for the handlers it wraps. It is
// immutable and safe for concurrent use.
type Middleware struct {
	codec     Codec
	name      string
	path      string
	domain    string
	sameSite  http.SameSite
	secure    bool
	maxAge    time.Duration
	refresh   bool
	chunked   bool
	maxChunks int
	onError   func(http.ResponseWriter, *http.Request, error)
	onDecode  func(*http.Request, error)
	onLoad    func(*http.Request, LoadState, error)
	checks    []postCheck // run on every decoded session, in order
	fallbacks []Codec     // legacy decoders tried when codec refuses a cookie
	log       *slog.Logger

	now func() time.Time // time.Now, except in tests
}

// New returns a Middleware that stores sessions with codec.
func New(codec Codec, opts Options) (*Middleware, error) {
	if codec == nil {
		return nil, errors.New("httpsession: nil codec")
	}
	m := &Middleware{
		codec:     codec,
		name:      opts.CookieName,
		path:      opts.Path,
		domain:    opts.Domain,
		sameSite:  opts.SameSite,
		secure:    !opts.Insecure,
		maxAge:    opts.MaxAge,
		refresh:   opts.RefreshEachRequest,
		chunked:   opts.Chunked,
		maxChunks: opts.MaxChunks,
		onError:   opts.ErrorHandler,
		onDecode:  opts.OnDecodeError,
		onLoad:    opts.OnLoad,
		log:       opts.Logger,
		now:       time.Now,
	}
	if m.name == "" {
		m.name = DefaultCookieName
	}
	if (&http.Cookie{Name: m.name}).Valid() != nil || len(m.name) > 250 {
		return nil, fmt.Errorf("httpsession: cookie name %q is not a valid cookie name of at most 250 bytes", m.name)
	}
	if m.path == "" {
		m.path = "/"
	}
	if (&http.Cookie{Name: m.name, Path: m.path, Domain: m.domain}).Valid() != nil {
		return nil, fmt.Errorf("httpsession: invalid Path %q or Domain %q", m.path, m.domain)
	}
	if m.sameSite == 0 {
		m.sameSite = http.SameSiteLaxMode
	}
	if m.sameSite < http.SameSiteDefaultMode || m.sameSite > http.SameSiteNoneMode {
		return nil, fmt.Errorf("httpsession: unknown SameSite mode %d", m.sameSite)
	}
	if m.sameSite == http.SameSiteNoneMode && !m.secure {
		return nil, errors.New("httpsession: SameSite=None requires Secure; unset Insecure")
	}
	switch {
	case strings.HasPrefix(m.name, "__Host-"):
		if !m.secure || m.path != "/" || m.domain != "" {
			return nil, errors.New("httpsession: a __Host- cookie must be Secure, with Path / and no Domain")
		}
	case strings.HasPrefix(m.name, "__Secure-"):
		if !m.secure {
			return nil, errors.New("httpsession: a __Secure- cookie must be Secure")
		}
	}
	switch {
	case m.maxAge == 0:
		m.maxAge = cookiecodec.DefaultMaxAge
		if c, ok := codec.(interface{ MaxAge() time.Duration }); ok && c.MaxAge() > 0 {
			m.maxAge = c.MaxAge()
		}
	case m.maxAge < time.Second:
		return nil, fmt.Errorf("httpsession: MaxAge %v is less than one second", opts.MaxAge)
	}
	switch {
	case m.maxChunks == 0:
		m.maxChunks = DefaultMaxChunks
	case m.maxChunks < 2 || m.maxChunks > maxMaxChunks:
		return nil, fmt.Errorf("httpsession: MaxChunks %d is not between 2 and %d", m.maxChunks, maxMaxChunks)
	}
	if m.log == nil {
		m.log = slog.Default()
	}
	if m.onError == nil {
		m.onError = m.defaultErrorHandler
	}
	if m.onDecode == nil {
		m.onDecode = m.defaultDecodeHook
	}
	return m, nil
}

// CookieName returns the name of the session cookie.
func (m *Middleware) CookieName() string { return m.name }

// Wrap returns a handler that gives next's requests a session, available
// through [From], and saves it into the response.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := &Session{m: m}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, s))
		s.req = r
		rw := &responseWriter{ResponseWriter: w, s: s, req: r}
		next.ServeHTTP(rw, r)
		rw.finish()
	})
}

func (m *Middleware) defaultErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	m.log.Error("httpsession: cannot save session", "method", r.Method, "path", r.URL.Path, "err", err)
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

func (m *Middleware) defaultDecodeHook(r *http.Request, err error) {
	m.log.Debug("httpsession: starting an empty session", "method", r.Method, "path", r.URL.Path, "err", err)
}

// save writes the session's Set-Cookie and Vary headers into h, if the
// session needs saving. It reports an error when the session cannot be
// saved, in which case h is unchanged.
func (m *Middleware) save(s *Session, h http.Header) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.committed = true
	if m.refresh && !s.loaded && m.requestHasCookie(s.req) {
		s.loadLocked()
	}
	if !s.loaded {
		return nil
	}
	var cookies []string
	switch {
	case len(s.data) == 0:
		if !s.modified || !s.hadCookie {
			break
		}
		cookies = append(cookies, m.deletion(m.name))
		for _, i := range m.requestChunks(s.req) {
			cookies = append(cookies, m.deletion(chunkName(m.name, i)))
		}
	case s.modified || s.info.Stale || (m.refresh && isPermanent(s.data)):
		value, err := m.codec.Encode(m.name, s.data)
		if err != nil {
			return fmt.Errorf("httpsession: encoding session: %w", err)
		}
		if cookies, err = m.cookies(value, isPermanent(s.data)); err != nil {
			return err
		}
		for _, i := range m.requestChunks(s.req) {
			if i >= len(cookies) {
				cookies = append(cookies, m.deletion(chunkName(m.name, i)))
			}
		}
	}
	if s.accessed || len(cookies) > 0 {
		addVaryCookie(h)
	}
	for _, c := range cookies {
		h.Add("Set-Cookie", c)
	}
	return nil
}

// addVaryCookie adds "Cookie" to h's Vary header unless it is there.
func addVaryCookie(h http.Header) {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, "Cookie") {
				return
			}
		}
	}
	h.Add("Vary", "Cookie")
}

// isPermanent reports whether data is marked permanent the way Flask marks
// it: the key "_permanent" holds true.
func isPermanent(data cookiecodec.Session) bool {
	p, _ := data[permanentKey].(bool)
	return p
}
