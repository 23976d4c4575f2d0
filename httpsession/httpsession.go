package httpsession

import (
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
	// DefaultCookieName is the name of the session cookie: the __Host-
	// prefix makes browsers accept it only from this very host, over
	// HTTPS, with Path=/ and no Domain, so that a sibling subdomain (or a
	// plain-HTTP page of this one) cannot plant a cookie of that name for
	// the victim to use, which a cookie called "session" would allow.
	DefaultCookieName = "__Host-session"
	// InsecureCookieName is the default name when [Options.Insecure] is
	// set: Flask's, since a __Host- cookie must be Secure.
	InsecureCookieName = "session"
	// DefaultMaxChunks is how many cookies a chunked session may span.
	DefaultMaxChunks = 4
	// DefaultCookieBudget is how many bytes, 6144 (6 KiB), the cookies of
	// one session may add to a request's Cookie header. Proxies and
	// clients cap a header line at about 8 KiB: nginx's default
	// large_client_header_buffers is 8192 bytes, Apache's
	// LimitRequestFieldSize and curl's outgoing Cookie header 8190 bytes.
	// A session beyond that is silently dropped on its way back and the
	// user is logged out; 6 KiB leaves 2 KiB for the header's name and
	// the site's other cookies.
	DefaultCookieBudget = 6 << 10
)

// MaxCookieSize is the longest Set-Cookie header value, in bytes, that the
// middleware writes: 4096, the least that browsers keep for a cookie.
const MaxCookieSize = 4096

// maxMaxChunks bounds Options.MaxChunks, so that the chunk count fits in
// two digits.
const maxMaxChunks = 99

// Options configure a [Middleware]. The zero value is a safe default: a
// cookie named "__Host-session", HttpOnly, Secure, SameSite=Lax, Path=/,
// host-only, saved only when modified, never larger than [MaxCookieSize],
// and at most [DefaultCookieBudget] bytes of the request's Cookie header.
type Options struct {
	// CookieName is the name of the session cookie. Zero means
	// [DefaultCookieName], or [InsecureCookieName] when Insecure is set.
	// A name starting with "__Host-" or "__Secure-", in any case (as
	// browsers match them), is checked against the rules of its prefix:
	// both require Secure, and __Host- also Path "/" and no Domain. To
	// share the cookie with a Flask application, give both the same
	// name: Flask's SESSION_COOKIE_NAME may be "__Host-session" too.
	CookieName string

	// Path is the cookie's Path attribute. Zero means "/".
	Path string

	// Domain is the cookie's Domain attribute. Zero means a host-only
	// cookie, sent back only to the host that set it, which is safest.
	Domain string

	// SameSite is the cookie's SameSite attribute. Zero means
	// [http.SameSiteLaxMode]; [http.SameSiteNoneMode] requires Secure.
	SameSite http.SameSite

	// Partitioned adds the Partitioned attribute (CHIPS): a browser keeps
	// a separate cookie for each top-level site the application is
	// embedded in. It requires Secure; an embedded application also needs
	// SameSite None for the cookie to be sent in a cross-site frame.
	// Deleting the cookie repeats the attribute, without which browsers
	// would not delete a partitioned cookie.
	Partitioned bool

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
	// [cookiecodec.DefaultMaxAge]. It may not be longer than the codec's
	// MaxAge, after which the token inside expires regardless.
	MaxAge time.Duration

	// IdleTimeout ends a session that goes unused for longer, counted
	// from the issue time of its token, which the codec authenticates; a
	// session whose handler uses it is re-issued (at most once a second)
	// so that the time counts from its last use. A session given a
	// lifetime of its own with [Session.SetLifetime] has that as its idle
	// limit instead. Zero means none: a session lasts until its token
	// expires, after the codec's MaxAge. It must be whole seconds, at
	// most the codec's MaxAge and at most AbsoluteTimeout if that is set.
	IdleTimeout time.Duration

	// AbsoluteTimeout ends a session this long after it began, however
	// often it is used: the login time, recorded by [Session.Renew] (call
	// it at login) or at the session's first save, is kept in the signed
	// session under "_login_time" (see the package documentation). A
	// persistent cookie's Max-Age never reaches past it. A session
	// migrated from [Options.Legacy] counts from the legacy token's issue
	// time, when its Decoder reports one. Zero means none.
	AbsoluteTimeout time.Duration

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
	// The codec must accept tokens longer than one cookie holds (set
	// [cookiecodec.Options.MaxLength], or MaxLength in the Options of
	// package flask, to about CookieBudget): [New] refuses a codec whose
	// MaxLength is at most [MaxCookieSize]. CookieBudget bounds the
	// chunks together.
	Chunked bool

	// MaxChunks is how many cookies a chunked session may span, from 2 to
	// 99. Zero means [DefaultMaxChunks]. A larger session fails to save.
	MaxChunks int

	// CookieBudget is how many bytes the session's cookies ("name=value"
	// for each chunk, and the "; " between them) may add to a request's
	// Cookie header. Zero means [DefaultCookieBudget]; raise it only when
	// every proxy and client in the way accepts longer header lines, and
	// remember that the site's other cookies, other sessions included,
	// share the header. A session over budget fails to save, through
	// ErrorHandler, with an error saying by how many bytes. With Chunked
	// it must be more than [MaxCookieSize], or no second chunk fits.
	CookieBudget int

	// ErrorHandler responds when the session cannot be saved: it cannot be
	// encoded, or its cookies are too large for a cookie or for
	// CookieBudget (errors matching [cookiecodec.ErrTooLarge]). It runs before any of the
	// handler's response has been sent, and the handler's own response is
	// then discarded. Nil means a 500 Internal Server Error response and
	// an error logged to Logger. Only a session the handler changed
	// reaches it: a migrated or Stale session that cannot be re-issued is
	// rejected when it loads, with [ErrCannotReissue], and a valid session
	// re-issued unchanged (to slide its idle limit, for
	// RefreshEachRequest, or to add its login time) that no longer fits
	// has its cookie deleted, with a warning logged, so that a cookie the
	// server cannot write back never fails every request that carries it.
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
	// why, or for a session accepted without its revocation check
	// ([RevokerOptions.FailOpen]) an error matching
	// [ErrRevocationUnavailable] (as [Session.LoadState] reports them),
	// so that an application
	// can count missing, valid, rejected and migrated cookies. Sessions
	// load lazily: a request whose handler never uses the session is not
	// observed, unless RefreshEachRequest is set. For a rejection it runs
	// after OnDecodeError. It must not use the request's session, and
	// must not log the cookie.
	OnLoad func(r *http.Request, state LoadState, err error)

	// Legacy lists the cookie formats to migrate sessions from, tried in
	// order when the request carries no valid native cookie: a session one
	// of them opens is re-issued natively (see [Legacy]).
	Legacy []Legacy

	// Revoker, if set, checks every loaded session that names a subject
	// (see [Session.SetSubject]) against its store, and rejects the
	// revoked ones with an error matching [ErrRevoked]. Nil means
	// sessions are never checked for revocation.
	Revoker *Revoker

	// Logger receives the middleware's log lines, which never contain
	// cookie values or session contents. Nil means [slog.Default].
	Logger *slog.Logger
}

// A Middleware loads and saves sessions for the handlers it wraps. It is
// immutable and safe for concurrent use.
type Middleware struct {
	codec       Codec
	name        string
	path        string
	domain      string
	sameSite    http.SameSite
	secure      bool
	partitioned bool
	maxAge      time.Duration
	refresh     bool
	idle        time.Duration
	absolute    time.Duration
	maxLifetime time.Duration // the longest Session.SetLifetime
	chunked     bool
	maxChunks   int
	budget      int
	onError     func(http.ResponseWriter, *http.Request, error)
	onDecode    func(*http.Request, error)
	onLoad      func(*http.Request, LoadState, error)
	checks      []postCheck    // run on every decoded session, in order
	fallbacks   []legacyFormat // Options.Legacy, tried when codec refuses a cookie
	log         *slog.Logger

	revoker *Revoker // checks sessions with a subject, if not nil

	now func() time.Time // time.Now, except in tests
}

// New returns a Middleware that stores sessions with codec.
func New(codec Codec, opts Options) (*Middleware, error) {
	if codec == nil {
		return nil, errors.New("httpsession: nil codec")
	}
	m := &Middleware{
		codec:       codec,
		name:        opts.CookieName,
		path:        opts.Path,
		domain:      opts.Domain,
		sameSite:    opts.SameSite,
		secure:      !opts.Insecure,
		partitioned: opts.Partitioned,
		maxAge:      opts.MaxAge,
		refresh:     opts.RefreshEachRequest,
		idle:        opts.IdleTimeout,
		absolute:    opts.AbsoluteTimeout,
		chunked:     opts.Chunked,
		maxChunks:   opts.MaxChunks,
		budget:      opts.CookieBudget,
		onError:     opts.ErrorHandler,
		onDecode:    opts.OnDecodeError,
		onLoad:      opts.OnLoad,
		log:         opts.Logger,
		now:         time.Now,
	}
	if err := m.checkCookie(); err != nil {
		return nil, err
	}
	if err := m.checkLimits(opts); err != nil {
		return nil, err
	}
	if err := m.setLegacy(opts.Legacy); err != nil {
		return nil, err
	}
	if m.log == nil {
		m.log = slog.Default()
	}
	if err := m.useRevoker(opts.Revoker); err != nil {
		return nil, err
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
		r = r.WithContext(&sessionContext{r.Context(), s})
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
	if m.refresh && !s.loaded && s.requestCookies().present() {
		s.loadLocked()
	}
	if !s.loaded {
		return nil
	}
	var cookies []string
	// The session the cookie held ended here: logged out, expired, timed
	// out, revoked or impossible to re-issue, whatever the handler stored
	// since.
	expired := errors.Is(s.loadErr, cookiecodec.ErrExpired) || errors.Is(s.loadErr, ErrRevoked) ||
		errors.Is(s.loadErr, ErrCannotReissue)
	ended := s.cleared || expired
	switch {
	case s.values().len() == 0:
		// Delete the cookie of a session emptied here, and of one that
		// expired, timed out, was revoked or cannot be re-issued (a
		// legacy cookie's included), so that the browser stops sending
		// it.
		if !s.hadCookie || !s.modified && !expired {
			break
		}
		ended = true
		cookies = m.deletions(s)
	default:
		changed := s.modified // by the handler
		maxAge, slide := m.prepareSave(s)
		if !s.modified && !s.info.Stale && !slide && !(m.refresh && isPermanent(s.values())) {
			break
		}
		var err error
		if cookies, err = m.encode(s, maxAge); err != nil {
			if changed || !s.hadCookie {
				return err
			}
			// Only re-issuing the session as it came failed (to slide
			// its idle limit, refresh it, or add its login time, under
			// a configuration with less room than the one that issued
			// it): delete its cookie, as one that cannot be re-issued
			// is at load, rather than fail every request carrying it.
			m.log.Warn("httpsession: deleting a session cookie that cannot be re-issued",
				"method", s.req.Method, "path", s.req.URL.Path, "err", err)
			ended = true
			cookies = m.deletions(s)
		}
	}
	// Legacy deletions come first: one of the native cookie's name must
	// reach a browser before the native cookie, or it would delete it.
	cookies = append(m.legacyDeletions(s, ended), cookies...)
	if s.accessed || len(cookies) > 0 {
		addVaryCookie(h)
	}
	for _, c := range cookies {
		h.Add("Set-Cookie", c)
	}
	return nil
}

// deletions returns the Set-Cookie header values that delete s's cookie
// and the chunks of it that the request carried.
func (m *Middleware) deletions(s *Session) []string {
	cookies := []string{m.deletion(m.name)}
	for _, i := range s.requestCookies().chunks() {
		cookies = append(cookies, m.deletion(chunkName(m.name, i)))
	}
	return cookies
}

// encode returns the Set-Cookie header values that save s with the given
// Max-Age, deleting chunks the request carried that it no longer needs.
func (m *Middleware) encode(s *Session, maxAge time.Duration) ([]string, error) {
	s.writable()
	value, err := m.codec.Encode(m.name, s.data)
	if err != nil {
		return nil, fmt.Errorf("httpsession: encoding session: %w", err)
	}
	cookies, err := m.cookies(value, maxAge)
	if err != nil {
		return nil, err
	}
	for _, i := range s.requestCookies().chunks() {
		if i >= len(cookies) {
			cookies = append(cookies, m.deletion(chunkName(m.name, i)))
		}
	}
	return cookies, nil
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
func isPermanent(data values) bool {
	v, _ := data.get(permanentKey)
	p, _ := v.(bool)
	return p
}
