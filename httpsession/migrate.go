package httpsession

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// A Decoder reads session cookies of a format the middleware no longer
// writes: the reader of package gorilla, the Flask codec of package
// flask, a [*cookiecodec.Codec] under other keys, or anything else with
// this method. Decode must return an error for every value it does not
// accept, and a session the middleware may keep and change.
type Decoder interface {
	Decode(name, value string) (cookiecodec.Session, cookiecodec.Info, error)
}

// A Legacy is a cookie format that sessions move away from, given in
// [Options.Legacy]. When the request carries no valid native cookie, the
// middleware opens its Legacy cookie with Decoder; a session it accepts
// is [MigratedCookie], passes the same checks as a native one, and is
// re-issued in the codec's format, under [Options.CookieName], when the
// response is sent: the mechanism that re-issues a
// [cookiecodec.Info.Stale] session, across formats. The legacy cookie, if
// it has another name, is then deleted.
type Legacy struct {
	// Decoder opens the legacy cookie.
	Decoder Decoder

	// CookieName is the name of the legacy cookie: the name given to
	// gorilla/sessions' store.Get, or Flask's SESSION_COOKIE_NAME. Zero
	// means [Options.CookieName], for a format that the native cookie
	// replaces under the same name; the first response then overwrites
	// it, and servers still running the old format stop reading it.
	CookieName string

	// Path and Domain are the legacy cookie's attributes, which deleting
	// it must repeat. Zero means [Options.Path] and [Options.Domain]; both
	// gorilla/sessions and Flask set Path "/" and no Domain by default.
	Path, Domain string

	// Permanent makes a migrated session permanent (see
	// [Session.SetPermanent]), so that its native cookie outlives the
	// browser, as gorilla/sessions' cookies with a positive MaxAge do. A
	// Flask session says so itself, under "_permanent".
	Permanent bool

	// KeepCookie leaves a legacy cookie of another name in place instead
	// of deleting it, for the length of a rolling deploy during which
	// servers that read only the legacy format still serve some requests.
	KeepCookie bool
}

// legacyFormat is a [Legacy] with its defaults applied.
type legacyFormat struct {
	Legacy
	other bool // CookieName is not the native cookie's name
}

// errNoNativeCookie stands for the codec's error when the request carried
// no native cookie, only legacy ones.
var errNoNativeCookie = errors.New("httpsession: no native cookie")

// setLegacy checks Options.Legacy and applies its defaults.
func (m *Middleware) setLegacy(ls []Legacy) error {
	for i, l := range ls {
		if l.Decoder == nil {
			return fmt.Errorf("httpsession: Legacy %d of %d has no Decoder", i+1, len(ls))
		}
		f := legacyFormat{Legacy: l}
		if f.CookieName == "" {
			f.CookieName = m.name
		}
		if f.Path == "" {
			f.Path = m.path
		}
		if f.Domain == "" {
			f.Domain = m.domain
		}
		f.other = f.CookieName != m.name
		if f.other {
			c := http.Cookie{Name: f.CookieName, Path: f.Path, Domain: f.Domain}
			if c.Valid() != nil {
				return fmt.Errorf("httpsession: Legacy %d of %d: invalid CookieName %q, Path %q or Domain %q", i+1, len(ls), f.CookieName, f.Path, f.Domain)
			}
			if chunkIndex(f.CookieName, m.name) >= 0 {
				return fmt.Errorf("httpsession: Legacy %d of %d: CookieName %q is a chunk of the session cookie %q", i+1, len(ls), f.CookieName, m.name)
			}
		}
		m.fallbacks = append(m.fallbacks, f)
	}
	return nil
}

// carriesLegacy reports whether r carries a legacy cookie of another name
// than the native one.
func (m *Middleware) carriesLegacy(r *http.Request) bool {
	for _, f := range m.fallbacks {
		if f.other {
			if _, err := r.Cookie(f.CookieName); err == nil {
				return true
			}
		}
	}
	return false
}

// fallbackDecode tries the legacy formats, in order, after the codec
// refused the native cookie's value with nativeErr (errNoNativeCookie when
// the request carried none). It returns the session the first of them
// accepts, marked Stale so that it is re-issued in the codec's format.
// Otherwise it returns nativeErr, or when there was no native cookie the
// first legacy decoder's error, so that an expired legacy cookie is
// reported as expired.
func (m *Middleware) fallbackDecode(r *http.Request, value string, nativeErr error) (cookiecodec.Session, cookiecodec.Info, error) {
	present := nativeErr != errNoNativeCookie
	var legacyErr error
	for _, f := range m.fallbacks {
		v := value
		if f.other {
			c, err := r.Cookie(f.CookieName)
			if err != nil {
				continue
			}
			v = c.Value
		} else if !present {
			continue
		}
		data, info, err := f.Decoder.Decode(f.CookieName, v)
		if err != nil {
			if legacyErr == nil {
				legacyErr = fmt.Errorf("legacy cookie %q: %w", f.CookieName, err)
			}
			continue
		}
		if data == nil {
			data = cookiecodec.Session{}
		}
		if f.Permanent {
			data[permanentKey] = true
		}
		info.Stale = true
		return data, info, nil
	}
	if present || legacyErr == nil {
		return nil, cookiecodec.Info{}, nativeErr
	}
	return nil, cookiecodec.Info{}, legacyErr
}

// legacyDeletions returns the Set-Cookie header values that delete the
// legacy cookies of other names that s's request carried, once s was
// loaded from them or from a valid native cookie: a legacy cookie is
// never deleted while it is all that holds the user's session, nor when
// it was rejected, since servers still running the old format might yet
// read it.
func (m *Middleware) legacyDeletions(s *Session) []string {
	if s.state != MigratedCookie && s.state != ValidCookie {
		return nil
	}
	var out []string
	for _, f := range m.fallbacks {
		if !f.other || f.KeepCookie {
			continue
		}
		if _, err := s.req.Cookie(f.CookieName); err != nil {
			continue
		}
		c := m.cookie(f.CookieName)
		c.Path, c.Domain = f.Path, f.Domain
		c.MaxAge = -1
		c.Expires = time.Unix(0, 0).UTC()
		out = append(out, c.String())
	}
	return out
}
