package httpsession

import (
	"fmt"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// Reserved session keys of this package, beside Flask's "_permanent" and
// "_flashes". Both hold whole seconds as integers, which every codec
// stores and Flask keeps untouched.
const (
	// lifetimeKey holds the session's own lifetime, from
	// Session.SetLifetime, in seconds.
	lifetimeKey = "_lifetime"
	// loginTimeKey holds when the session began (Session.Renew, or its
	// first save), in Unix seconds, for Options.AbsoluteTimeout.
	loginTimeKey = "_login_time"
)

// SetLifetime gives this session a lifetime of its own: with d > 0 its
// cookie is persistent, with Max-Age d, and the session ends once it goes
// unused for d (it is re-issued, with a new Max-Age, on every request that
// uses it); with d == 0 the cookie is a browser-session cookie, deleted
// when the browser closes, under [Options.IdleTimeout] if set. This is
// "remember me": SetLifetime(30*24*time.Hour) at a login with the box
// ticked, SetLifetime(0) without. [Options.AbsoluteTimeout] still ends the
// session, whatever its lifetime.
//
// d must be whole seconds from one second to the codec's MaxAge (or
// [Options.MaxAge] for a codec without one), after which its tokens expire
// anyway; SetLifetime returns an error, and changes nothing, otherwise.
// The lifetime is stored in the session, under "_lifetime", with
// "_permanent" set as Flask marks a permanent session.
func (s *Session) SetLifetime(d time.Duration) error {
	if s == nil {
		logDetached("SetLifetime")
		return errDetached
	}
	if d != 0 && (d < time.Second || d > s.m.maxLifetime || d%time.Second != 0) {
		return fmt.Errorf("httpsession: lifetime %v is not whole seconds from 1s to the codec's MaxAge of %v", d, s.m.maxLifetime)
	}
	s.lockWrite()
	defer s.mu.Unlock()
	if d == 0 {
		s.setPermanentLocked(false)
		return nil
	}
	if cur, ok := cookiecodec.Get[int64](s.data, lifetimeKey); ok && cur == int64(d/time.Second) && isPermanent(values{m: s.data}) {
		return nil
	}
	s.data[lifetimeKey] = int64(d / time.Second)
	s.data[permanentKey] = true
	s.changed()
	return nil
}

// Lifetime returns the lifetime of the session's cookie: the one given
// with [Session.SetLifetime], [Options.MaxAge] for a session made
// permanent without one (by [Session.SetPermanent], or by Flask), or zero
// for a browser-session cookie.
func (s *Session) Lifetime() time.Duration {
	if !s.lock() {
		return 0
	}
	defer s.mu.Unlock()
	return s.m.cookieLifetime(s.values())
}

// Renew marks the session as begun now: [Options.AbsoluteTimeout] counts
// from here. Call it when the user logs in. A session never renewed counts
// from the first time it was saved.
func (s *Session) Renew() {
	if !s.lockWrite() {
		logDetached("Renew")
		return
	}
	defer s.mu.Unlock()
	s.data[loginTimeKey] = s.m.now().Unix()
	s.changed()
}

// LoginTime returns when the session began, as [Session.Renew] or its
// first save recorded it, to the second, and whether it is known. It is
// recorded only with [Options.AbsoluteTimeout] set, or by Renew.
func (s *Session) LoginTime() (time.Time, bool) {
	if !s.lock() {
		return time.Time{}, false
	}
	defer s.mu.Unlock()
	return loginTime(s.values())
}

// ownLifetime returns the lifetime stored by SetLifetime, if any.
func ownLifetime(data values) (time.Duration, bool) {
	n, ok := getAs[int64](data, lifetimeKey)
	if !ok || n <= 0 || !isPermanent(data) || n > int64(maxDuration/time.Second) {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

const maxDuration = time.Duration(1<<63 - 1)

// loginTime returns the login time stored in data, if any.
func loginTime(data values) (time.Time, bool) {
	n, ok := getAs[int64](data, loginTimeKey)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(n, 0).UTC(), true
}

// cookieLifetime returns the Max-Age of data's cookie before the absolute
// timeout's cap: its own lifetime, MaxAge for a permanent session, or zero.
func (m *Middleware) cookieLifetime(data values) time.Duration {
	if d, ok := ownLifetime(data); ok {
		return d
	}
	if isPermanent(data) {
		return m.maxAge
	}
	return 0
}

// idleLimit returns how long data may go unused: its own lifetime, or
// Options.IdleTimeout (zero for none).
func (m *Middleware) idleLimit(data values) time.Duration {
	if d, ok := ownLifetime(data); ok {
		return d
	}
	return m.idle
}

// checkTimeouts is the post-decode check of the session's own lifetime,
// the idle timeout and the absolute timeout. The token's issue time, which
// the codec authenticated, is the session's last use: a session with an
// idle limit is re-issued whenever it is used.
func (m *Middleware) checkTimeouts(data values, info cookiecodec.Info) error {
	now := m.now()
	if limit := m.idleLimit(data); limit > 0 {
		if info.IssuedAt.IsZero() {
			return fmt.Errorf("%w: the codec reports no issue time, so the idle timeout cannot be enforced", cookiecodec.ErrInvalid)
		}
		if idle := now.Sub(info.IssuedAt); idle > limit {
			return fmt.Errorf("%w: session unused for %v, longer than its idle limit of %v", cookiecodec.ErrExpired, idle.Truncate(time.Second), limit)
		}
	}
	if m.absolute > 0 {
		if t, ok := loginTime(data); ok && now.Sub(t) > m.absolute {
			return fmt.Errorf("%w: session began %v ago, longer than AbsoluteTimeout %v", cookiecodec.ErrExpired, now.Sub(t).Truncate(time.Second), m.absolute)
		}
	}
	return nil
}

// prepareSave records the login time of a session that has none, when the
// absolute timeout needs it, and returns the Max-Age of its cookie (zero
// for a browser-session cookie) and whether it must be re-issued to slide
// its idle limit.
func (m *Middleware) prepareSave(s *Session) (maxAge time.Duration, slide bool) {
	now := m.now()
	if _, ok := loginTime(s.values()); !ok && m.absolute > 0 {
		s.writable()
		s.data[loginTimeKey] = now.Unix()
		s.modified = true
	}
	maxAge = m.cookieLifetime(s.values())
	if t, ok := loginTime(s.values()); ok && m.absolute > 0 && maxAge > 0 {
		// The cookie need not outlive the session.
		maxAge = min(maxAge, max(time.Second, (t.Add(m.absolute).Sub(now)+time.Second-1).Truncate(time.Second)))
	}
	// Issue times count in whole seconds: a token of this second is as
	// fresh as a new one.
	slide = s.valid && m.idleLimit(s.values()) > 0 && s.info.IssuedAt.Unix() < now.Unix()
	return maxAge, slide
}
