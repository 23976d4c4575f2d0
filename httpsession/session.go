package httpsession

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/cookiecodec/cookiecodec"
)

// permanentKey is the session key that marks a permanent session, the one
// Flask uses, so that a Flask application sharing the cookie agrees.
const permanentKey = "_permanent"

// sessionKey is the context key of the innermost middleware's session.
type sessionKey struct{}

// namedKey is the context key of the session whose cookie is called name.
type namedKey struct{ name string }

// sessionContext carries a request's session under both its keys, so that
// a middleware adds one context to the request, not two.
type sessionContext struct {
	context.Context
	s *Session
}

func (c *sessionContext) Value(key any) any {
	switch k := key.(type) {
	case sessionKey:
		return c.s
	case namedKey:
		if k.name == c.s.m.name {
			return c.s
		}
	}
	return c.Context.Value(key)
}

// A Session is the session of one request, handed out by [From]. It loads
// the cookie on first use and is saved by the middleware when the response
// starts. Its methods are safe for concurrent use, so a handler may hand it
// to other goroutines, but changes made after the response's headers were
// sent are not saved (they are logged as an error).
//
// With a codec that has a DecodeView method, as [*cookiecodec.Codec] does,
// a request that only reads its session (Get, Len, Permanent, Info and the
// like) reads the values from the cookie's payload in place: the session's
// map is built only when a method writes or iterates it (Set, Delete,
// Clear, Keys, Flashes, MarkModified), when Get returns a slice or map
// (which the caller may change in place), or the session is re-issued. A
// middleware with a check that needs the map (revocation) always builds it.
//
// Every method is safe on a nil *Session, which [From] returns for a request
// that did not pass through the middleware: reads see an empty session, and
// writes are dropped with an error logged to [slog.Default].
type Session struct {
	m   *Middleware
	req *http.Request

	mu sync.Mutex
	// rc is the session cookie and its chunks, nil until parsed; like
	// sessionValues it sits behind a pointer, so that fmt shows an address
	// rather than the cookie where it cannot call Format.
	rc        *requestCookies
	loaded    bool // the cookie was read
	hadCookie bool // the request carried the cookie or a chunk of it
	// The session's values (and flashed messages) sit one pointer away,
	// in a *sessionValues that loadLocked sets, because fmt prints maps
	// and slices at every depth: a Session printed where fmt cannot call
	// [Session.Format] shows this pointer's address, not the plaintext.
	*sessionValues
	info      cookiecodec.Info
	valid     bool // data came from a cookie the codec accepted
	state     LoadState
	loadErr   error // why the cookie was rejected
	accessed  bool  // any method was called
	modified  bool  // data changed since it was loaded
	committed bool  // the response's headers were written
	late      bool  // data changed after they were
	cleared   bool  // Clear was called: the user logged out
}

// sessionValues holds what the cookie decoded to, and the flashed
// messages taken out of it, which are plaintext too.
type sessionValues struct {
	data cookiecodec.Session // never nil once loaded, unless lazy
	view cookiecodec.View    // the cookie's session, while lazy
	lazy bool                // data is still view: nothing wrote or iterated

	flashesRead bool    // Flashes took the flashed messages out of data
	flashes     []Flash // what it took, returned again in this request
	flashList   []any   // the list of flashes FlashCategory last stored
}

// String describes s without its values, which are plaintext that logs
// must not carry: "httpsession.Session(2 keys)", or "(not loaded)" before
// any method read the cookie. It does not load the session.
func (s *Session) String() string {
	if s == nil {
		return "httpsession.Session(nil)"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		return "httpsession.Session(not loaded)"
	}
	n := s.values().len()
	if n == 1 {
		return "httpsession.Session(1 key)"
	}
	return "httpsession.Session(" + strconv.Itoa(n) + " keys)"
}

// GoString is the same as [Session.String], so %#v does not reveal the
// session's values.
func (s *Session) GoString() string { return s.String() }

// Format prints [Session.String] for every verb, so that no fmt verb, and
// no log/slog handler, reveals the session's values or the request's
// cookie.
func (s *Session) Format(f fmt.State, verb rune) { fmt.Fprint(f, s.String()) }

// From returns r's session, or nil if r did not pass through a
// [Middleware]'s handler. When several middlewares wrap the handler, it
// returns the innermost one's; [Named] reaches the others.
func From(r *http.Request) *Session { return FromContext(r.Context()) }

// FromContext returns the session stored in ctx by a [Middleware], or nil.
func FromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(sessionKey{}).(*Session)
	return s
}

// Named returns r's session whose cookie is called cookieName (the
// [Middleware.CookieName] of one of the middlewares r passed through), or
// nil if there is none. It is how a handler wrapped by several
// middlewares, such as a login session and a preferences cookie, reaches
// each of them:
//
//	prefs, _ := httpsession.New(codec, httpsession.Options{CookieName: "prefs"})
//	handler := sessions.Wrap(prefs.Wrap(mux))
//	...
//	theme, _ := httpsession.Get[string](httpsession.Named(r, "prefs"), "theme")
//
// Nested middlewares must have different cookie names; the inner one of
// two with the same name hides the outer.
func Named(r *http.Request, cookieName string) *Session {
	s, _ := r.Context().Value(namedKey{cookieName}).(*Session)
	return s
}

// From returns r's session of this middleware, or nil if r did not pass
// through its handler: [Named] with m's cookie name.
func (m *Middleware) From(r *http.Request) *Session { return Named(r, m.name) }

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

// lockWrite is lock for a method that changes or iterates the session:
// it builds the session's map from the View of its cookie, if it has not
// been built yet.
func (s *Session) lockWrite() bool {
	if !s.lock() {
		return false
	}
	s.writable()
	return true
}

// writable builds s.data from s.view if s is lazy. s is locked.
func (s *Session) writable() {
	if s.lazy {
		s.data, s.view, s.lazy = s.view.Session(), cookiecodec.View{}, false
	}
}

// values returns what s holds, for reading without building the map.
// s is locked.
func (s *Session) values() values { return values{m: s.data, v: s.view, lazy: s.lazy} }

// values is a session's data as the helpers read it: its map, or the View
// of its cookie while no method has written or iterated it, so that a
// request that only reads never builds the map.
type values struct {
	m    cookiecodec.Session
	v    cookiecodec.View
	lazy bool
}

func (d values) get(key string) (any, bool) {
	if d.lazy {
		return d.v.Get(key)
	}
	v, ok := d.m[key]
	return v, ok
}

func (d values) len() int {
	if d.lazy {
		return d.v.Len()
	}
	return len(d.m)
}

// getAs is [cookiecodec.Get] on d.
func getAs[T any](d values, key string) (T, bool) {
	if d.lazy {
		return cookiecodec.Get[T](d.v, key)
	}
	return cookiecodec.Get[T](d.m, key)
}

// changed records a modification made while s is locked.
func (s *Session) changed() {
	s.modified = true
	if s.committed {
		s.late = true
	}
}

// errDetached is returned by the methods of a nil *Session.
var errDetached = errors.New("httpsession: no session on this request; wrap the handler with Middleware.Wrap")

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
	v, ok := s.values().get(key)
	if ok && s.lazy && shared(v) {
		// A View decodes a new slice or map on every call: take the one
		// in the map, which a change made in place reaches.
		s.writable()
		v, ok = s.data[key]
	}
	return v, ok
}

// shared reports whether v is a value that a change made in place alters,
// which a View of the cookie cannot hand out as the session's own.
func shared(v any) bool {
	switch v.(type) {
	case []any, map[string]any, cookiecodec.Session, []byte:
		return true
	}
	return false
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
	var zero T
	if _, untyped := any(&zero).(*any); s.lazy && (untyped || shared(any(zero))) {
		// As in Session.Get: the map's value, not a View's copy.
		s.writable()
	}
	return getAs[T](s.values(), key)
}

// Set stores value under key. It returns an error, and leaves the session
// unchanged, if the codec cannot encode value: a type it does not support
// (such as a struct, []int or map[string]string for the native codec), or
// a string that is not valid UTF-8. The error names the key and the path
// inside value, never the value. Whether the whole session fits in its
// cookies is known only when it is saved (see [Options.CookieBudget]).
func (s *Session) Set(key string, value any) error {
	if s == nil {
		logDetached("Set")
		return errDetached
	}
	if err := s.m.checkValue(key, value); err != nil {
		return err
	}
	s.lockWrite()
	defer s.mu.Unlock()
	s.data[key] = value
	s.changed()
	return nil
}

// Delete removes key from the session.
func (s *Session) Delete(key string) {
	if !s.lockWrite() {
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
	if !s.lockWrite() {
		logDetached("Clear")
		return
	}
	defer s.mu.Unlock()
	clear(s.data)
	s.cleared = true
	s.changed()
}

// Keys returns the session's keys in sorted order, "_permanent" included
// when the session is permanent.
func (s *Session) Keys() []string {
	if !s.lockWrite() {
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
	return s.values().len()
}

// CheckSize encodes the session as it would be saved now and returns the
// error the save would meet: one matching [cookiecodec.ErrTooLarge], saying
// by how many bytes, if its cookies would be too large for a cookie, for
// [Options.MaxChunks] or for [Options.CookieBudget]; or the codec's error.
// A handler calls it to refuse, with a message of its own, a change that
// would make the response fail. It costs one encoding of the session.
func (s *Session) CheckSize() error {
	if !s.lockWrite() {
		return errDetached
	}
	defer s.mu.Unlock()
	return s.m.checkSave(s.data)
}

// Permanent reports whether the session is permanent: its cookie outlives
// the browser session, for [Options.MaxAge].
func (s *Session) Permanent() bool {
	if !s.lock() {
		return false
	}
	defer s.mu.Unlock()
	return isPermanent(s.values())
}

// SetPermanent makes the session permanent or not, by storing true under
// "_permanent" or removing that key, as Flask's session.permanent does.
// Making it not permanent also drops a lifetime given with
// [Session.SetLifetime].
func (s *Session) SetPermanent(permanent bool) {
	if !s.lockWrite() {
		logDetached("SetPermanent")
		return
	}
	defer s.mu.Unlock()
	s.setPermanentLocked(permanent)
}

func (s *Session) setPermanentLocked(permanent bool) {
	_, own := s.data[lifetimeKey]
	if isPermanent(s.values()) == permanent && (permanent || !own) {
		return
	}
	if permanent {
		s.data[permanentKey] = true
	} else {
		delete(s.data, permanentKey)
		delete(s.data, lifetimeKey)
	}
	s.changed()
}

// MarkModified makes the middleware save the session, for a change made in
// place to a map or slice read with [Session.Get].
func (s *Session) MarkModified() {
	if !s.lockWrite() {
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
