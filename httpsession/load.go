package httpsession

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"

	"github.com/cookiecodec/cookiecodec"
)

// A LoadState says what became of a request's session cookie: absent,
// accepted, rejected, or accepted from a legacy format.
type LoadState int

const (
	// NoCookie means the request carried no session cookie, nor any
	// chunk of one.
	NoCookie LoadState = iota
	// ValidCookie means the codec accepted the cookie and every check
	// after decoding passed.
	ValidCookie
	// RejectedCookie means the request carried a cookie that was not
	// accepted: tampered with, expired, sealed with an unknown key,
	// timed out or revoked. The session starts empty, as in Flask.
	RejectedCookie
	// MigratedCookie means the codec rejected the cookie but a decoder
	// of a legacy format accepted it; the session is re-issued in the
	// codec's format when the response is sent.
	MigratedCookie
)

// String returns the state's name in lowercase: "no cookie", "valid",
// "rejected" or "migrated".
func (st LoadState) String() string {
	switch st {
	case NoCookie:
		return "no cookie"
	case ValidCookie:
		return "valid"
	case RejectedCookie:
		return "rejected"
	case MigratedCookie:
		return "migrated"
	}
	return "LoadState(" + strconv.Itoa(int(st)) + ")"
}

// ErrCannotReissue is wrapped by the error of a cookie that was accepted
// but had to be re-issued, being [MigratedCookie] or
// [cookiecodec.Info.Stale], and cannot be: the codec refuses its values
// (a legacy [Decoder] may return types the codec does not encode) or its
// cookies would be too large (the error then matches
// [cookiecodec.ErrTooLarge] too, as a session in a larger format, or
// sealed in another mode, may be). Such a cookie is [RejectedCookie]: the
// request starts with an empty session and the response deletes the
// cookie, or replaces it with the session the handler stores, rather
// than failing every request that carries it until the user clears their
// cookies.
var ErrCannotReissue = errors.New("httpsession: session cannot be re-issued")

// LoadState loads the session if it was not yet, and reports what became
// of the request's cookie. For [RejectedCookie] the error says why, for
// logs: it matches [cookiecodec.ErrExpired] (with errors.Is) for a cookie
// that expired or timed out ([Options.IdleTimeout],
// [Options.AbsoluteTimeout], [Session.SetLifetime]), [ErrRevoked] for a
// revoked one ([Options.Revoker]), [ErrCannotReissue] for a migrated or
// Stale session that cannot be saved again, and [cookiecodec.ErrInvalid]
// for every other rejection by the codec. The error never contains the cookie's
// value.
//
// For the other states the error is nil, except for a session accepted
// without its revocation check because the [RevocationStore] failed and
// [RevokerOptions.FailOpen] is set: the state is then [ValidCookie] or
// [MigratedCookie], and the error matches [ErrRevocationUnavailable], so
// that a handler can refuse what a revoked session must not do (change a
// password, pay) while the store is down. [Options.OnLoad] sees the same
// error.
//
// LoadState counts as using the session: the response varies on the
// Cookie header.
func (s *Session) LoadState() (LoadState, error) {
	if !s.lock() {
		return NoCookie, nil
	}
	defer s.mu.Unlock()
	return s.state, s.loadErr
}

// requestCookies returns the request's session cookie and chunks, parsed
// from its Cookie headers on the first call.
func (s *Session) requestCookies() *requestCookies {
	if s.rc == nil {
		rc := s.m.parseCookies(s.req)
		s.rc = &rc
	}
	return s.rc
}

// loadLocked reads and decodes the request's cookie, once, and reports
// the outcome to the middleware's hooks.
func (s *Session) loadLocked() {
	if s.loaded {
		return
	}
	s.loaded = true
	s.sessionValues = &sessionValues{data: cookiecodec.Session{}}
	value, present, err := s.m.readCookie(s.requestCookies())
	s.hadCookie = present
	if !present && !s.m.carriesLegacy(s.req) {
		s.state = NoCookie
		s.m.observe(s.req, NoCookie, nil)
		return
	}
	var data cookiecodec.Session
	var info cookiecodec.Info
	state := RejectedCookie
	if vd, ok := s.m.codec.(viewDecoder); ok && present && err == nil && len(s.m.checks) == 0 {
		// No check needs the map (the timeouts read a View): read the
		// cookie as a View, and build the map only if a handler writes or
		// iterates the session.
		view, vinfo, verr := vd.DecodeView(s.m.name, value)
		if verr != nil {
			data, info, state, err = s.m.decodeFallback(s.req, value, nil, cookiecodec.Info{}, verr)
		} else if err = s.m.checkTimeouts(values{v: view, lazy: true}, vinfo); err == nil && vinfo.Stale {
			// A Stale session is re-issued: it needs its map anyway.
			data, info, state = view.Session(), vinfo, ValidCookie
			if err = s.m.checkReissue(data); err != nil {
				data, info, state = nil, cookiecodec.Info{}, RejectedCookie
			}
		} else if err == nil {
			s.data, s.view, s.lazy = nil, view, true
			s.info, s.valid, s.state = vinfo, true, ValidCookie
			s.m.observe(s.req, ValidCookie, nil)
			return
		}
	} else if err == nil {
		data, info, state, err = s.m.decode(s.req, value, present)
	}
	s.state, s.loadErr = state, err
	if state == RejectedCookie {
		s.m.onDecode(s.req, err)
		s.m.observe(s.req, RejectedCookie, err)
		return
	}
	if data != nil {
		s.data = data
	}
	s.info = info
	s.valid = true
	s.m.observe(s.req, state, err)
}

// decode turns the value of the request's cookie into a session. It is the
// one place where a cookie is accepted or rejected:
//
//   - the codec decodes the value; when it refuses, the fallback decoders
//     of legacy formats (if any) are tried, and a session one of them
//     accepts is [MigratedCookie];
//   - every accepted session then passes the checks made after decoding
//     (timeouts, revocation), any of which rejects it.
//
// present says whether the request carried the native cookie; without it
// only the legacy cookies of other names are tried. On rejection it
// returns a non-nil error and the state [RejectedCookie]; an accepted
// session comes with a nil error, or with the reason a check accepted it
// unchecked.
func (m *Middleware) decode(r *http.Request, value string, present bool) (cookiecodec.Session, cookiecodec.Info, LoadState, error) {
	var data cookiecodec.Session
	var info cookiecodec.Info
	err := errNoNativeCookie
	if present {
		data, info, err = m.codec.Decode(m.name, value)
	}
	return m.decodeFallback(r, value, data, info, err)
}

// decodeFallback is decode after the codec returned data, info and err.
func (m *Middleware) decodeFallback(r *http.Request, value string, data cookiecodec.Session, info cookiecodec.Info, err error) (cookiecodec.Session, cookiecodec.Info, LoadState, error) {
	state := ValidCookie
	if err != nil {
		if data, info, err = m.fallbackDecode(r, value, err); err != nil {
			return nil, cookiecodec.Info{}, RejectedCookie, err
		}
		state = MigratedCookie
	}
	if err := m.checkTimeouts(values{m: data}, info); err != nil {
		return nil, cookiecodec.Info{}, RejectedCookie, err
	}
	var unchecked error
	for _, check := range m.checks {
		err := check(r, data, info)
		if u, ok := err.(uncheckedError); ok {
			unchecked = u.err
			continue
		}
		if err != nil {
			return nil, cookiecodec.Info{}, RejectedCookie, err
		}
	}
	if info.Stale {
		if err := m.checkReissue(data); err != nil {
			return nil, cookiecodec.Info{}, RejectedCookie, err
		}
	}
	return data, info, state, unchecked
}

// An uncheckedError is returned by a postCheck that accepts a session it
// could not check, such as a revocation check failing open: err says
// why, and is reported with the accepted state.
type uncheckedError struct{ err error }

func (e uncheckedError) Error() string { return e.err.Error() }

// checkReissue returns an error wrapping [ErrCannotReissue] if data,
// which the middleware is bound to re-issue (a migrated or Stale
// session), cannot be saved as it stands: the codec refuses its values,
// or its cookies would be too large. Such a cookie is rejected at load
// rather than failing every response that would re-issue it, so that the
// user is not locked out until they clear their cookies. It costs one
// encoding, for the rare requests of a migration or a key rotation.
func (m *Middleware) checkReissue(data cookiecodec.Session) error {
	if err := m.checkSave(data); err != nil {
		return fmt.Errorf("%w: %w", ErrCannotReissue, err)
	}
	return nil
}

// checkSave returns the error that saving data would meet, after the
// login time the save adds to a session that has none.
func (m *Middleware) checkSave(data cookiecodec.Session) error {
	if len(data) == 0 {
		return nil
	}
	if _, ok := loginTime(values{m: data}); !ok && m.absolute > 0 {
		data = maps.Clone(data)
		data[loginTimeKey] = m.now().Unix()
	}
	value, err := m.codec.Encode(m.name, data)
	if err != nil {
		return fmt.Errorf("httpsession: encoding session: %w", err)
	}
	_, err = m.cookies(value, m.cookieLifetime(values{m: data}))
	return err
}

// viewDecoder is implemented by a codec that reads a cookie without
// building its map, as [*cookiecodec.Codec] does.
type viewDecoder interface {
	DecodeView(name, value string) (cookiecodec.View, cookiecodec.Info, error)
}

// A postCheck inspects a session the codec (or a legacy decoder) accepted
// and returns an error to reject it. It must not keep or change data.
type postCheck func(r *http.Request, data cookiecodec.Session, info cookiecodec.Info) error

// observe calls Options.OnLoad, if set.
func (m *Middleware) observe(r *http.Request, st LoadState, err error) {
	if m.onLoad != nil {
		m.onLoad(r, st, err)
	}
}
