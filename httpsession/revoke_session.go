package httpsession

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// The reserved session keys of revocation: the subject a session belongs
// to, and when it was issued for it, in Unix microseconds. An integer
// survives every codec exactly, the Flask codec's JSON included, where a
// time.Time keeps whole seconds only.
const (
	subjectKey   = "_sub"
	subjectAtKey = "_sub_at"
)

// useRevoker makes m check decoded sessions against rv, if rv is not nil.
func (m *Middleware) useRevoker(rv *Revoker) error {
	if rv == nil {
		return nil
	}
	tokenAge := m.maxAge
	if c, ok := m.codec.(interface{ MaxAge() time.Duration }); ok && c.MaxAge() > 0 {
		tokenAge = c.MaxAge()
	}
	if rv.retain > 0 && rv.retain < tokenAge {
		return fmt.Errorf("httpsession: the Revoker's Retain %v is shorter than the %v a session stays valid: revoked sessions would come back", rv.retain, tokenAge)
	}
	m.revoker = rv
	m.checks = append(m.checks, m.checkRevocation)
	return nil
}

// checkRevocation is the post-decode check of a session with a subject.
func (m *Middleware) checkRevocation(r *http.Request, data cookiecodec.Session, _ cookiecodec.Info) error {
	v, ok := data[subjectKey]
	if !ok {
		return nil
	}
	subject, ok := v.(string)
	at, atOK := cookiecodec.Get[int64](data, subjectAtKey)
	if !ok || !atOK || checkSubject(subject) != nil {
		return fmt.Errorf("%w: session keys %q and %q are not a subject of 1 to %d bytes and its issue time in microseconds",
			cookiecodec.ErrInvalid, subjectKey, subjectAtKey, MaxSubjectLength)
	}
	err := m.revoker.Check(r.Context(), subject, time.UnixMicro(at))
	if err != nil && m.revoker.failOpen && errors.Is(err, ErrRevocationUnavailable) {
		if ok, skipped := m.revoker.warnFailOpen(); ok {
			m.log.Warn("httpsession: accepting a session whose revocation cannot be checked (FailOpen)",
				"method", r.Method, "path", r.URL.Path, "err", err, "unlogged", skipped)
		}
		return uncheckedError{fmt.Errorf("session accepted without its revocation check (FailOpen): %w", err)}
	}
	return err
}

// SetSubject names subject, such as a user id, as the one the session
// belongs to, and records now as the time it was issued for subject, so
// that [Revoker.Revoke] revokes it with every other session of subject.
// Call it at login, once the user is authenticated, and again after
// revoking the subject's sessions to keep this one. Do not call it to
// give a migrated session ([MigratedCookie]) its subject, which would
// bless a session issued before a revocation: set [Legacy.Subject].
//
// With [Options.Revoker] set, SetSubject asks the store for the subject's
// revocation time, without the cache, and records that instead of now if
// it is later (another server's clock may run ahead), so that the session
// survives every revocation made before it. If the store fails, SetSubject
// records now (or the subject's revocation time still cached, if later)
// and logs a warning: the session is checked on its next request as any
// other. A subject is 1 to [MaxSubjectLength] bytes;
// SetSubject returns an error for another, and on a nil Session.
func (s *Session) SetSubject(subject string) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	if s == nil {
		logDetached("SetSubject")
		return errors.New("httpsession: SetSubject on a request without a session")
	}
	at := time.Now()
	if rv := s.m.revoker; rv != nil {
		var err error
		if at, err = rv.IssueTime(s.req.Context(), subject); err != nil {
			s.m.log.Warn("httpsession: recording a subject's issue time without its revocation time",
				"method", s.req.Method, "path", s.req.URL.Path, "err", err)
		}
	}
	s.lockWrite()
	defer s.mu.Unlock()
	s.data[subjectKey] = subject
	s.data[subjectAtKey] = at.UnixMicro()
	s.changed()
	return nil
}

// Subject returns the subject that [Session.SetSubject] stored, or "" if
// the session has none.
func (s *Session) Subject() string {
	if !s.lock() {
		return ""
	}
	defer s.mu.Unlock()
	subject, _ := getAs[string](s.values(), subjectKey)
	return subject
}
