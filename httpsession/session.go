package httpsession

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sync"

	"github.com/cookiecodec/cookiecodec"
)

// permanentKey is the session key that marks a permanent session, the one
// Flask uses, so that a Flask application sharing the cookie agrees.
const permanentKey = "_permanent"

type sessionKey struct{}

// A Session is the session of one request, handed out by [From]. It loads
// the cookie on first use and is saved by the middleware when the response
// starts. Its methods are safe for concurrent use, so a handler may hand it
// to other goroutines, but changes made after the response's headers were
// sent are not saved (they are logged as an error).
//
// Every method is safe on a nil *Session, which [From] returns for a request
// that did not pass through the middleware: reads see an empty session, and
// writes are dropped with an error logged to [slog.Default].
type Session struct {
	m   *Middleware
	req *http.Request

	mu        sync.Mutex
	loaded    bool                // the cookie was read
	hadCookie bool                // the request carried the cookie or a chunk of it
	data      cookiecodec.Session // never nil once loaded
	info      cookiecodec.Info
	valid     bool // data came from a cookie the codec accepted
	state     LoadState
	loadErr   error // why the cookie was rejected
	accessed  bool  // any method was called
	modified  bool  // data changed since it was loaded
	committed bool  // the response's headers were written
	late      bool  // data changed after they were
}

// From returns r's session, or nil if r did not pass through a
// [Middleware]'s handler.
func From(r *http.Request) *Session { return FromContext(r.Context()) }

// FromContext returns the session stored in ctx by a [Middleware], or nil.
func FromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// lock locks s, loads it if needed and marks it accessed. It returns false,
// with s unlocked, if s is nil.
func (s *Session) lock() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	s.loadLocked()
	s.accessed = true
	return true
}

// changed records a modification made while s is locked.
func (s *Session) changed() {
	s.modified = true
	if s.committed {
		s.late = true
	}
}

func logDetached(op string) {
	slog.Error("httpsession: " + op + " on a request without a session; wrap the handler with Middleware.Wrap")
}

// Get returns the value stored under key, and whether there is one. The
// value is the session's own: after changing a map or slice in place, call
// [Session.MarkModified]. For a typed read, use the function [Get].
func (s *Session) Get(key string) (any, bool) {
	if !s.lock() {
		return nil, false
	}
	defer s.mu.Unlock()
	v, ok := s.data[key]
	return v, ok
}

// Get returns the value stored under key as a T, and whether there is one
// of that type, with the conversions of [cookiecodec.Get]: integers read
// back as any Go integer type they fit in.
func Get[T any](s *Session, key string) (T, bool) {
	if !s.lock() {
		var zero T
		return zero, false
	}
	defer s.mu.Unlock()
	return cookiecodec.Get[T](s.data, key)
}

// Set stores value under key. The codec rejects values of types it cannot
// encode when the session is saved, through [Options.ErrorHandler].
func (s *Session) Set(key string, value any) {
	if !s.lock() {
		logDetached("Set")
		return
	}
	defer s.mu.Unlock()
	s.data[key] = value
	s.changed()
}

// Delete removes key from the session.
func (s *Session) Delete(key string) {
	if !s.lock() {
		logDetached("Delete")
		return
	}
	defer s.mu.Unlock()
	if _, ok := s.data[key]; ok {
		delete(s.data, key)
		s.changed()
	}
}

// Clear removes every key, the permanent mark included, so that the
// cookie is deleted when the response is sent: this is how to log out.
func (s *Session) Clear() {
	if !s.lock() {
		logDetached("Clear")
		return
	}
	defer s.mu.Unlock()
	clear(s.data)
	s.changed()
}

// Keys returns the session's keys in sorted order, "_permanent" included
// when the session is permanent.
func (s *Session) Keys() []string {
	if !s.lock() {
		return nil
	}
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.data))
	for k := range s.data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Len returns the number of keys in the session.
func (s *Session) Len() int {
	if !s.lock() {
		return 0
	}
	defer s.mu.Unlock()
	return len(s.data)
}

// Permanent reports whether the session is permanent: its cookie outlives
// the browser session, for [Options.MaxAge].
func (s *Session) Permanent() bool {
	if !s.lock() {
		return false
	}
	defer s.mu.Unlock()
	return isPermanent(s.data)
}

// SetPermanent makes the session permanent or not, by storing true under
// "_permanent" or removing that key, as Flask's session.permanent does.
func (s *Session) SetPermanent(permanent bool) {
	if !s.lock() {
		logDetached("SetPermanent")
		return
	}
	defer s.mu.Unlock()
	if isPermanent(s.data) == permanent {
		return
	}
	if permanent {
		s.data[permanentKey] = true
	} else {
		delete(s.data, permanentKey)
	}
	s.changed()
}

// MarkModified makes the middleware save the session, for a change made in
// place to a map or slice read with [Session.Get].
func (s *Session) MarkModified() {
	if !s.lock() {
		logDetached("MarkModified")
		return
	}
	defer s.mu.Unlock()
	s.changed()
}

// Info describes the token the session was loaded from; ok is false if
// the request carried no valid session cookie. [Session.LoadState] tells
// a missing cookie from a rejected one.
func (s *Session) Info() (info cookiecodec.Info, ok bool) {
	if !s.lock() {
		return cookiecodec.Info{}, false
	}
	defer s.mu.Unlock()
	return s.info, s.valid
}
