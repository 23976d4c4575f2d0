package httpsession

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrRevoked is wrapped by the error of a session that names a subject
// whose sessions issued at or before its issue time were revoked with
// [Revoker.Revoke].
var ErrRevoked = errors.New("httpsession: session revoked")

// ErrRevocationUnavailable is wrapped by the errors of a [Revoker] whose
// [RevocationStore] failed or did not answer within
// [RevokerOptions.Timeout]. A session that cannot be checked is rejected
// with this error, unless [RevokerOptions.FailOpen] is set.
var ErrRevocationUnavailable = errors.New("httpsession: revocation store unavailable")

// A RevocationStore keeps, for each subject (a user id), the time before
// which the subject's sessions are revoked: one record per subject, not
// per session, so that revoking every session of a user is one write.
// Its methods must be safe for concurrent use and should honour their
// context's deadline; a [Revoker] stops waiting for them at its timeout in
// any case.
type RevocationStore interface {
	// RevokedBefore returns the time before which the sessions of
	// subject are revoked, or the zero time.Time if the store has no
	// record for subject.
	RevokedBefore(ctx context.Context, subject string) (time.Time, error)

	// Revoke records that the sessions of subject issued before the
	// time before are revoked. It never moves a record back: if the
	// store holds a later time for subject, it keeps that. The store
	// may forget the record once the time forgetAfter has passed, by
	// which every session it revokes has expired; a zero forgetAfter
	// means the record must be kept. A store must keep the time to the
	// microsecond at least.
	Revoke(ctx context.Context, subject string, before, forgetAfter time.Time) error
}

// Defaults and limits of [RevokerOptions].
const (
	// DefaultRevocationCacheFor is how long a Revoker reuses a store's
	// answer: 1 second.
	DefaultRevocationCacheFor = time.Second
	// DefaultRevocationTimeout is how long a Revoker waits for its
	// store: 250 milliseconds.
	DefaultRevocationTimeout = 250 * time.Millisecond
	// DefaultRevocationCacheSize is how many subjects a Revoker's cache
	// holds at most.
	DefaultRevocationCacheSize = 100_000
	// MaxSubjectLength is the longest subject, in bytes.
	MaxSubjectLength = 256
)

// revocationSkew is added to a revocation record's lifetime for the
// clocks of servers that disagree.
const revocationSkew = time.Minute

// RevokerOptions configure a [Revoker]. The zero value fails closed, asks
// the store at most once a second per subject and server, waits for it
// 250 ms at most, and keeps revocation records forever.
type RevokerOptions struct {
	// CacheFor is how long an answer of the store is reused for the same
	// subject. A revocation takes effect on every server within CacheFor
	// of [Revoker.Revoke] returning, except for a request that was
	// already waiting on the store then. Zero means
	// [DefaultRevocationCacheFor]; a negative value disables the cache,
	// so that every check of a session with a subject asks the store.
	// Failures of the store are cached too, so that an unreachable store
	// costs one timeout per subject and CacheFor, not one per request.
	CacheFor time.Duration

	// Timeout bounds each call to the store, even one that ignores its
	// context. Zero means [DefaultRevocationTimeout].
	Timeout time.Duration

	// CacheSize is the most subjects the cache holds answers for; past
	// it, older answers are dropped early. Zero means
	// [DefaultRevocationCacheSize].
	CacheSize int

	// FailOpen makes a [Middleware] accept a session whose revocation
	// cannot be checked because the store failed, logging the error as a
	// warning (at most once a second, with the count of those not
	// logged), instead of rejecting it. Failing open keeps users logged
	// in while the store is down, at the price of letting revoked
	// sessions through meanwhile; a revoked session re-issued then may
	// outlive its revocation record (see Retain). A session accepted so
	// is reported by [Session.LoadState] and [Options.OnLoad] as valid
	// (or migrated) with an error matching [ErrRevocationUnavailable].
	FailOpen bool

	// Retain is how long a session may stay valid after it was last
	// issued: the codec's MaxAge, or the longest of the codecs' MaxAge if
	// the Revoker serves several. A revocation record is kept for Retain,
	// plus CacheFor, plus a minute of clock skew, after which every
	// session it revokes has expired and the store may forget it. Zero
	// means records are kept forever. [New] rejects a Revoker whose Retain
	// is shorter than its codec's MaxAge.
	Retain time.Duration
}

// A Revoker checks sessions against a [RevocationStore], caching the
// store's answers for [RevokerOptions.CacheFor], and revokes sessions by
// subject. Pass it to [New] in [Options.Revoker]; it may serve several
// middlewares. It is safe for concurrent use.
type Revoker struct {
	store    RevocationStore
	cacheFor time.Duration
	timeout  time.Duration
	size     int
	failOpen bool
	retain   time.Duration

	mu      sync.RWMutex
	cur     map[string]cacheEntry // answers of the current generation
	prev    map[string]cacheEntry // answers of the one before
	rotated time.Duration         // when cur was started, on clock
	calls   map[string]*storeCall // questions to the store in flight

	warned  atomic.Int64 // clock reading of the last fail-open warning, plus 1
	skipped atomic.Int64 // fail-open warnings not logged since

	now   func() time.Time     // time.Now, except in tests
	clock func() time.Duration // monotonic time for the cache, except in tests
}

// A cacheEntry is an answer of the store.
type cacheEntry struct {
	before time.Time     // the subject's revocation time, zero if none; with err, the last known
	err    error         // the store's failure, nil if it answered
	until  time.Duration // when the answer goes stale, on Revoker.clock
}

// A storeCall is a question to the store that requests for the same
// subject wait on together.
type storeCall struct {
	done  chan struct{} // closed when entry is set
	entry cacheEntry
}

// NewRevoker returns a Revoker that keeps its records in store.
func NewRevoker(store RevocationStore, opts RevokerOptions) (*Revoker, error) {
	if store == nil {
		return nil, errors.New("httpsession: nil revocation store")
	}
	r := &Revoker{
		store:    store,
		cacheFor: opts.CacheFor,
		timeout:  opts.Timeout,
		size:     opts.CacheSize,
		failOpen: opts.FailOpen,
		retain:   opts.Retain,
		cur:      map[string]cacheEntry{},
		prev:     map[string]cacheEntry{},
		calls:    map[string]*storeCall{},
		now:      time.Now,
	}
	// The cache reads the monotonic clock alone: time.Since costs half
	// of time.Now, which reads the wall clock too.
	base := time.Now()
	r.clock = func() time.Duration { return time.Since(base) }
	if r.cacheFor == 0 {
		r.cacheFor = DefaultRevocationCacheFor
	}
	switch {
	case r.timeout == 0:
		r.timeout = DefaultRevocationTimeout
	case r.timeout < 0:
		return nil, fmt.Errorf("httpsession: negative revocation Timeout %v", opts.Timeout)
	}
	switch {
	case r.size == 0:
		r.size = DefaultRevocationCacheSize
	case r.size < 0:
		return nil, fmt.Errorf("httpsession: negative revocation CacheSize %d", opts.CacheSize)
	}
	if r.retain < 0 {
		return nil, fmt.Errorf("httpsession: negative revocation Retain %v", opts.Retain)
	}
	return r, nil
}

// failOpenWarnEvery is the least time between two warnings of a
// Revoker failing open, so that a store outage logs a line a second
// rather than one per request.
const failOpenWarnEvery = time.Second

// warnFailOpen reports whether to log a fail-open warning now, and how
// many were skipped since the last one logged.
func (r *Revoker) warnFailOpen() (bool, int64) {
	now := int64(r.clock()) + 1
	last := r.warned.Load()
	if last != 0 && now-last < int64(failOpenWarnEvery) || !r.warned.CompareAndSwap(last, now) {
		r.skipped.Add(1)
		return false, 0
	}
	return true, r.skipped.Swap(0)
}

// checkSubject reports whether subject is one a Revoker accepts.
func checkSubject(subject string) error {
	if subject == "" || len(subject) > MaxSubjectLength {
		return fmt.Errorf("httpsession: a subject is 1 to %d bytes, not %d", MaxSubjectLength, len(subject))
	}
	return nil
}

// Revoke revokes every session of subject issued until now, on every
// server within [RevokerOptions.CacheFor]: the request that calls it
// included, from its next request on, unless it names the subject again
// with [Session.SetSubject]. It fails with an error wrapping
// [ErrRevocationUnavailable] if the store does not record it in time, in
// which case the sessions may or may not be revoked.
func (r *Revoker) Revoke(ctx context.Context, subject string) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	start := r.clock()
	before := truncMicro(r.now())
	var forget time.Time
	if r.retain > 0 {
		forget = before.Add(r.retain + max(r.cacheFor, 0) + revocationSkew)
	}
	_, err := bounded(ctx, r.timeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, r.store.Revoke(ctx, subject, before, forget)
	})
	if err != nil {
		return err
	}
	r.record(subject, cacheEntry{before: before, until: start + r.cacheFor})
	return nil
}

// Check returns nil if a session issued for subject at the time issued may
// be used, an error wrapping [ErrRevoked] if it was revoked, and one
// wrapping [ErrRevocationUnavailable] if the store failed or did not
// answer in time (whether the session is then accepted is up to the
// caller: a [Middleware] follows [RevokerOptions.FailOpen]), unless a
// revocation time it still caches from an earlier answer revokes the
// session, which is then [ErrRevoked] all the same. A session
// issued at the very microsecond of a revocation is not revoked by it.
// Check answers from the cache when it can, and asks the store once for
// all the concurrent checks of one subject when it cannot.
func (r *Revoker) Check(ctx context.Context, subject string, issued time.Time) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	e, err := r.lookup(ctx, subject)
	if err != nil {
		return err
	}
	if truncMicro(issued).Before(e.before) {
		return fmt.Errorf("%w: issued at %s, before the revocation at %s",
			ErrRevoked, issued.UTC().Format(time.RFC3339Nano), e.before.UTC().Format(time.RFC3339Nano))
	}
	return e.err
}

// IssueTime returns the time to record as the issue time of a session for
// subject, to pass to [Revoker.Check] later: now, or the subject's
// revocation time if that is later, as it may be when another server's
// clock runs ahead, so that a session issued right after a revocation is
// never revoked by it. It asks the store without the cache, and returns
// the store's error, wrapping [ErrRevocationUnavailable], if that fails,
// with now or the revocation time the cache holds if that is later. [Session.SetSubject] calls it; call it yourself to use a Revoker
// with sessions of your own.
func (r *Revoker) IssueTime(ctx context.Context, subject string) (time.Time, error) {
	start := r.clock()
	now := truncMicro(r.now())
	if err := checkSubject(subject); err != nil {
		return now, err
	}
	before, err := bounded(ctx, r.timeout, func(ctx context.Context) (time.Time, error) {
		return r.store.RevokedBefore(ctx, subject)
	})
	if err != nil {
		// The revocation time cached earlier, if later than now, still
		// holds: a session issued before it would be revoked by it.
		if cached := r.cachedBefore(subject); cached.After(now) {
			return cached, err
		}
		return now, err
	}
	r.record(subject, cacheEntry{before: before, until: start + r.cacheFor})
	if before.After(now) {
		return truncMicro(before), nil
	}
	return now, nil
}

// cachedBefore returns the latest revocation time the cache holds for
// subject, however old the answer: revocations never move back.
func (r *Revoker) cachedBefore(subject string) time.Time {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var before time.Time
	for _, gen := range []map[string]cacheEntry{r.cur, r.prev} {
		if e, ok := gen[subject]; ok && e.before.After(before) {
			before = e.before
		}
	}
	return before
}

// lookup returns the cached answer for subject, or asks the store.
func (r *Revoker) lookup(ctx context.Context, subject string) (cacheEntry, error) {
	now := r.clock()
	r.mu.RLock()
	e, ok := r.cur[subject]
	if !ok {
		e, ok = r.prev[subject]
	}
	r.mu.RUnlock()
	if ok && now < e.until {
		return e, nil
	}

	r.mu.Lock()
	c, waiting := r.calls[subject]
	if !waiting {
		c = &storeCall{done: make(chan struct{})}
		r.calls[subject] = c
	}
	r.mu.Unlock()
	if !waiting {
		before, err := bounded(ctx, r.timeout, func(ctx context.Context) (time.Time, error) {
			return r.store.RevokedBefore(ctx, subject)
		})
		c.entry = r.record(subject, cacheEntry{before: before, err: err, until: now + r.cacheFor})
		r.mu.Lock()
		delete(r.calls, subject)
		r.mu.Unlock()
		close(c.done)
		return c.entry, nil
	}
	select {
	case <-c.done:
		return c.entry, nil
	case <-ctx.Done():
		return cacheEntry{}, fmt.Errorf("%w: request ended while waiting: %w", ErrRevocationUnavailable, context.Cause(ctx))
	}
}

// record caches e as the answer for subject, unless the cache is off, and
// returns the answer to use: e, or the later revocation time the cache
// already holds, as revocations never move back.
func (r *Revoker) record(subject string, e cacheEntry) cacheEntry {
	if r.cacheFor < 0 {
		return e
	}
	now := r.clock()
	r.mu.Lock()
	defer r.mu.Unlock()
	// A failure keeps the revocation time known before it, so that what
	// was revoked stays revoked while the store is down.
	for _, gen := range []map[string]cacheEntry{r.cur, r.prev} {
		if old, ok := gen[subject]; ok && old.before.After(e.before) {
			e.before = old.before
		}
	}
	_, update := r.cur[subject]
	if now-r.rotated >= r.cacheFor || (!update && len(r.cur)+len(r.prev) >= r.size) {
		// Every answer in prev is older than CacheFor now, or the
		// cache is full: drop them, and start a new generation.
		r.prev, r.cur, r.rotated = r.cur, make(map[string]cacheEntry, len(r.cur)), now
		if len(r.prev) >= r.size {
			r.prev = map[string]cacheEntry{}
		}
	}
	delete(r.prev, subject)
	r.cur[subject] = e
	return e
}

// bounded calls f with a context that ends after timeout, and returns when
// f does or when that context ends, whichever comes first, so that a store
// ignoring its context cannot hold a request. The context keeps ctx's
// values but not its cancellation: the answer is shared by the requests
// waiting on it. Errors, a panic of f's included, wrap
// [ErrRevocationUnavailable].
func bounded[T any](ctx context.Context, timeout time.Duration, f func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	type answer struct {
		v   T
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		// A store that panics fails the call, rather than the process
		// from a goroutine that no server recovers.
		defer func() {
			if p := recover(); p != nil {
				ch <- answer{err: fmt.Errorf("the store panicked: %v", p)}
			}
		}()
		v, err := f(ctx)
		ch <- answer{v, err}
	}()
	var zero T
	select {
	case a := <-ch:
		if a.err != nil {
			return zero, fmt.Errorf("%w: %w", ErrRevocationUnavailable, a.err)
		}
		return a.v, nil
	case <-ctx.Done():
		return zero, fmt.Errorf("%w: no answer within %v", ErrRevocationUnavailable, timeout)
	}
}

// truncMicro returns t to the microsecond, the precision kept in sessions
// and stores, without its monotonic clock reading.
func truncMicro(t time.Time) time.Time { return time.UnixMicro(t.UnixMicro()) }
