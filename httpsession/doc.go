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
// on every request for a permanent session when
// [Options.RefreshEachRequest] is set, and on every request that uses a
// session with an idle limit (see below), at most once a second. A
// session that becomes empty deletes its cookie. A handler that never uses
// the session costs nothing: the cookie is not even decoded, and so not
// re-issued either (unless RefreshEachRequest is set, which decodes it).
// [Session.Set] checks each value when it is stored, so that a type the
// codec cannot encode is an error where the handler can see it; only the
// size of the whole session waits for the save.
//
// # Named sessions
//
// Several middlewares, with different cookie names, may wrap one handler;
// [From] then returns the innermost one's session, and [Named] (or
// [Middleware.From]) each one's by its cookie name, as gorilla/sessions'
// store.Get(r, name) does.
//
// # Flashes
//
// [Session.Flash] and [Session.FlashCategory] keep a message for the next
// page, which [Session.Flashes] returns once, in Flask's layout: a list
// of (category, message) pairs under "_flashes", so that a Flask
// application sharing the cookie shows Go's flashes with
// get_flashed_messages() and Go shows Flask's.
//
// # Rejected cookies
//
// A cookie the codec refuses (tampered with, expired, sealed with an
// unknown key) leaves the request with an empty session, as in Flask.
// [Session.LoadState] tells a handler whether the request carried no
// cookie, a valid one, or a rejected one and why (an error matching
// [cookiecodec.ErrExpired] or [cookiecodec.ErrInvalid]), and
// [Options.OnLoad] observes every load, to count rejections. Neither ever
// sees the cookie's value. The cookie of a session that expired, timed
// out or was revoked is deleted; others are left alone, since a server
// that lacks a key its peers have would otherwise log their users out.
//
// # Migrating from other formats
//
// [Options.Legacy] lists decoders of the formats sessions move away from:
// gorilla/sessions' cookies (package gorilla), Flask's (package flask), or
// anything with a [Decoder]'s Decode method. They are tried only when the
// request carries no valid native cookie. A session one of them opens is
// [MigratedCookie]: it passes the same checks as a native one, is
// re-issued in the codec's format when the response is sent (as a Stale
// session is), and the legacy cookie, if it has another name, is deleted,
// so that the next request carries only the native cookie. A session
// that cannot be re-issued (its values are of types the codec refuses,
// or it would be too large once in the codec's format, or in the mode a
// Stale session moves to) is rejected with [ErrCannotReissue] and its
// cookie deleted, rather than failing every request that carries it. A
// legacy
// cookie left in place with [Legacy.KeepCookie] is deleted all the same
// once its session ends (cleared, expired, timed out or revoked), so that
// it cannot open it again. [Options.OnLoad] counts the migrations, which
// tells when a legacy decoder can go.
//
// # Lifetimes and timeouts
//
// By default the cookie is a browser-session cookie, deleted when the
// browser closes; the token inside still expires after the codec's MaxAge.
// [Session.SetPermanent] stores the key "_permanent" in the session, as
// Flask does, and a permanent session's cookie carries Expires and Max-Age
// set to [Options.MaxAge] from now. [Session.SetLifetime] gives one
// session a lifetime of its own, within the codec's MaxAge: "remember me"
// for 30 days, or a browser-session cookie.
//
// Three limits end a session, each enforced by the server from signed
// data, whatever the browser does with the cookie:
//
//   - its idle limit, [Options.IdleTimeout] or the session's own lifetime:
//     the time since the session was last used, which is the issue time of
//     its token, since a session with an idle limit is re-issued whenever
//     a handler uses it;
//   - [Options.AbsoluteTimeout], counted from the login time, so that no
//     amount of activity keeps a session alive past it;
//   - the codec's MaxAge, counted from the token's issue time.
//
// A session past its limits is rejected as expired ([RejectedCookie],
// [cookiecodec.ErrExpired]) and its cookie deleted.
//
// The login time is kept inside the session, under "_login_time", in Unix
// seconds: it is set by [Session.Renew], which a login handler calls, or
// else when a session without one is first saved. Being session data, it
// is authenticated (and, with [cookiecodec.Options.Encrypt], hidden) by the
// codec like the rest, and it survives what re-seals a session: a key
// rotation re-issues the session under the new key with its data, login
// time included, so a rotation never restarts the absolute timeout. With
// the Flask codec it is an integer of the JSON payload, which Flask keeps
// as it is; a Flask application that clears the session (logs out) drops
// it, and the session saved next counts from then. A session that reaches
// the middleware without a login time (written by Flask, or before
// AbsoluteTimeout was set) counts from the first time it is seen, except
// a session migrated from a legacy cookie ([Options.Legacy]), which
// counts from the legacy token's issue time when its [Decoder] reports
// one.
//
// # Revocation
//
// A session stays in its cookie, but it may name its subject, the user it
// belongs to: [Session.SetSubject] stores the subject under the reserved
// key "_sub", and the time it was issued for that subject, in Unix
// microseconds (an integer, which the Flask codec keeps exactly, where a
// time keeps whole seconds), under "_sub_at". With [Options.Revoker] set,
// [Revoker.Revoke] revokes every session of a subject issued until then,
// with one write to a [RevocationStore] ([MemoryStore] for one process, a
// shared one such as the Redis store of the module
// github.com/cookiecodec/cookiecodec/redisstore for a fleet): a revoked
// session loads empty, as [RejectedCookie] with an error matching
// [ErrRevoked], and its cookie is deleted. Sessions without a subject
// are never checked, nor is a session whose handler never uses it. The
// check asks the store at most
// once per subject and [RevokerOptions.CacheFor] (1 second by default),
// so a revocation takes effect on every server within that time; if the
// store fails or does not answer within [RevokerOptions.Timeout], the
// session is rejected (with [ErrRevocationUnavailable]) unless
// [RevokerOptions.FailOpen] is set, in which case [Session.LoadState]
// reports it valid with that error, so that a handler can tell.
//
// A session issued at the very microsecond of a revocation survives it,
// and SetSubject never records an issue time earlier than the subject's
// last revocation, even on a server whose clock runs behind the one that
// revoked, so a user who revokes and logs in again at once stays logged
// in. A key rotation re-issues a session with its data, so its subject
// and issue time, and revocation applies to it as before. To log out
// other devices after a password change, revoke and then call SetSubject
// again in the same request: this session is issued anew, the others are
// not.
//
// A legacy cookie carries no subject: [Legacy.Subject] names the subject
// of the sessions migrated from it, issued at the legacy token's issue
// time, so that a revocation reaches a device whose legacy cookie has not
// been migrated yet.
//
// # Reserved keys
//
// Keys starting with "_" are reserved for this package and Flask. Those in
// use:
//
//   - "_permanent" (Flask's): true for a permanent session;
//   - "_flashes" (Flask's): the flashed messages;
//   - "_lifetime": the session's own lifetime, in seconds, from
//     [Session.SetLifetime];
//   - "_login_time": when the session began, in Unix seconds, for
//     [Options.AbsoluteTimeout];
//   - "_sub": the session's subject, from [Session.SetSubject], for
//     revocation;
//   - "_sub_at": when the session was issued for that subject, in Unix
//     microseconds.
//
// Flask-Login also uses "_fresh", "_id" and "_user_id".
//
// # Cookie size
//
// Browsers keep cookies of up to 4096 bytes ([MaxCookieSize]), counted here
// on the whole Set-Cookie header value: name, value and attributes. A larger
// session is either split into numbered cookies ([Options.Chunked]) or not
// saved at all: the request fails through [Options.ErrorHandler], never with a
// cookie the browser silently drops. That is for a session the handler
// changed; one that the middleware re-issues as it came and cannot is
// dropped instead, with its cookie (see [ErrCannotReissue]), so that a
// user is never locked out by a cookie the server cannot write back. The cookies of one session together
// also stay within a budget of the request's Cookie header,
// [DefaultCookieBudget] (6144 bytes) unless [Options.CookieBudget] says
// otherwise, because proxies and clients refuse header lines over about
// 8 KiB and the user would be logged out without a word.
//
// # Security properties
//
// The cookie is HttpOnly, Secure, SameSite=Lax and Path=/ by default, and
// named with the __Host- prefix ([DefaultCookieName]): a browser then
// takes it only from this host over HTTPS, so that a sibling subdomain
// cannot toss its own session cookie at the victim (a cookie for the
// parent domain, or for a narrower path, that the browser would send
// first). A name of your own keeps that defence if it starts with
// "__Host-"; [New] refuses attributes that browsers would refuse with the
// prefix, matching it in any case as browsers do. The
// codec authenticates it; whether the client can read it depends on the
// codec (see [cookiecodec.Options.Encrypt]). A stolen cookie replays until
// its token expires: logging out deletes the cookie from the browser, not
// from an attacker who copied it, unless the logout revokes the subject's
// sessions (see Revocation). SameSite=Lax stops cross-site POSTs from
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
