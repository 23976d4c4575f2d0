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

	// Subject, if set, names the subject (see [Session.SetSubject]) of a
	// session migrated from this format, given the session the Decoder
	// returned; "" means none. A legacy session carries no subject, so
	// without it [Revoker.Revoke] cannot reach a device whose legacy
	// cookie has not been migrated yet. The subject's issue time is the
	// one the Decoder reports ([cookiecodec.Info.IssuedAt], when the
	// legacy token was last sealed), not the time of migration: a
	// revocation made after the legacy cookie was issued rejects it on
	// migration, as it would the native cookie of a session issued then,
	// and one made before does not. A Decoder that reports no issue time
	// gives the Unix epoch, so that any revocation of the subject rejects
	// the session. Calling SetSubject on the migrated session instead
	// would record now and so bless a session the user may have revoked.
	// Subject is a function rather than a key name because legacy
	// sessions keep their user under keys and types of their own (an
	// integer id, a struct flattened by the Decoder). A session that
	// already names a subject under "_sub" (one shared with this
	// package's sessions) keeps it; a subject longer than
	// [MaxSubjectLength] bytes rejects the cookie. Subject must not keep
	// or change the session.
	Subject func(cookiecodec.Session) string

	// KeepCookie leaves a legacy cookie of another name in place instead
	// of deleting it, for the length of a rolling deploy during which
	// servers that read only the legacy format still serve some requests.
	// The cookie is deleted all the same when the session ends: cleared
	// or emptied (at logout), expired, timed out or revoked.
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
		if err := m.migrateTimes(f, data, info); err != nil {
			return nil, cookiecodec.Info{}, fmt.Errorf("legacy cookie %q: %w", f.CookieName, err)
		}
		info.Stale = true
		return data, info, nil
	}
	if present || legacyErr == nil {
		return nil, cookiecodec.Info{}, nativeErr
	}
	return nil, cookiecodec.Info{}, legacyErr
}

// migrateTimes dates what a session migrated from format f carries no
// record of from the legacy token's issue time: its subject's issue time,
// with f.Subject set, and its login time, for the absolute timeout, so
// that neither a revocation nor the absolute timeout restarts at the
// migration. The issue time is when the legacy token was last sealed,
// which is no earlier than the login: the absolute timeout may count
// from later than the login, never from the migration.
func (m *Middleware) migrateTimes(f legacyFormat, data cookiecodec.Session, info cookiecodec.Info) error {
	if _, ok := data[subjectKey]; !ok && f.Subject != nil {
		if subject := f.Subject(data); subject != "" {
			if err := checkSubject(subject); err != nil {
				return fmt.Errorf("%w: Legacy.Subject: %w", cookiecodec.ErrInvalid, err)
			}
			at := int64(0) // unknown: any revocation of subject rejects it
			if !info.IssuedAt.IsZero() {
				at = info.IssuedAt.UnixMicro()
			}
			data[subjectKey], data[subjectAtKey] = subject, at
		}
	}
	if _, ok := loginTime(values{m: data}); !ok && m.absolute > 0 && !info.IssuedAt.IsZero() {
		data[loginTimeKey] = info.IssuedAt.Unix()
	}
	return nil
}

// legacyDeletions returns the Set-Cookie header values that delete the
// legacy cookies of other names that s's request carried, once s was
// loaded from them or from a valid native cookie: a legacy cookie is
// never deleted while it is all that holds the user's session, nor when
// it was rejected as invalid, since servers still running the old format
// might yet read it. When the session ended (it was cleared or emptied,
// or its cookie, native or legacy, expired, timed out or was revoked),
// every legacy cookie is deleted, those of KeepCookie included: left in
// place, it would open the session again on the next request, or be sent
// only to be rejected.
//
// With [Options.Partitioned], a legacy cookie is deleted without the
// attribute, as the legacy formats set it (and with it too, in case its
// format was partitioned): browsers keep partitioned cookies apart from
// unpartitioned ones of the same name and delete only the one the
// deletion matches. For the same reason a legacy cookie of the native
// name, which the partitioned native cookie does not replace, is deleted
// when the session migrates from it or ends.
func (m *Middleware) legacyDeletions(s *Session, ended bool) []string {
	if !ended && s.state != MigratedCookie && s.state != ValidCookie {
		return nil
	}
	var out []string
	sameName := false
	for _, f := range m.fallbacks {
		if !f.other {
			if m.partitioned && s.hadCookie && !sameName && (ended || s.state == MigratedCookie) {
				sameName = true
				out = append(out, m.legacyDeletion(m.name, f.Path, f.Domain, false))
			}
			continue
		}
		if f.KeepCookie && !ended {
			continue
		}
		if _, err := s.req.Cookie(f.CookieName); err != nil {
			continue
		}
		out = append(out, m.legacyDeletion(f.CookieName, f.Path, f.Domain, false))
		if m.partitioned {
			out = append(out, m.legacyDeletion(f.CookieName, f.Path, f.Domain, true))
		}
	}
	return out
}

// legacyDeletion returns the Set-Cookie header value that deletes the
// cookie called name with the given Path, Domain and Partitioned.
func (m *Middleware) legacyDeletion(name, path, domain string, partitioned bool) string {
	c := m.cookie(name)
	c.Path, c.Domain, c.Partitioned = path, domain, partitioned
	c.MaxAge = -1
	c.Expires = time.Unix(0, 0).UTC()
	return c.String()
}
