package httpsession

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a settable time for the tests' revokers and stores.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: testNow} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// pin sets r's clocks to c.
func (c *clock) pin(r *Revoker) {
	r.now = c.now
	r.clock = func() time.Duration { return c.now().Sub(testNow) }
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countingStore is a RevocationStore that counts its reads and can be made
// to fail or to block.
type countingStore struct {
	RevocationStore
	reads atomic.Int64
	fail  atomic.Pointer[error]
	block chan struct{} // if not nil, reads wait for it to close, ignoring their context
}

func (s *countingStore) RevokedBefore(ctx context.Context, subject string) (time.Time, error) {
	s.reads.Add(1)
	if s.block != nil {
		<-s.block
	}
	if err := s.fail.Load(); err != nil {
		return time.Time{}, *err
	}
	return s.RevocationStore.RevokedBefore(ctx, subject)
}

// newRevoker returns a revoker over a counting memory store, both on clk.
func newRevoker(t testing.TB, clk *clock, opts RevokerOptions) (*Revoker, *countingStore) {
	t.Helper()
	mem := NewMemoryStore()
	mem.now = clk.now
	store := &countingStore{RevocationStore: mem}
	r, err := NewRevoker(store, opts)
	if err != nil {
		t.Fatal(err)
	}
	clk.pin(r)
	return r, store
}

func TestRevokerOptions(t *testing.T) {
	store := NewMemoryStore()
	for _, tc := range []struct {
		name string
		opts RevokerOptions
		ok   bool
	}{
		{"zero", RevokerOptions{}, true},
		{"no cache", RevokerOptions{CacheFor: -1}, true},
		{"negative timeout", RevokerOptions{Timeout: -time.Second}, false},
		{"negative cache size", RevokerOptions{CacheSize: -1}, false},
		{"negative retain", RevokerOptions{Retain: -time.Hour}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewRevoker(store, tc.opts)
			if (err == nil) != tc.ok {
				t.Errorf("NewRevoker(%+v) err = %v, want ok %v", tc.opts, err, tc.ok)
			}
		})
	}
	if _, err := NewRevoker(nil, RevokerOptions{}); err == nil {
		t.Error("NewRevoker(nil) succeeded")
	}
	r, _ := NewRevoker(store, RevokerOptions{})
	if r.cacheFor != DefaultRevocationCacheFor || r.timeout != DefaultRevocationTimeout || r.size != DefaultRevocationCacheSize {
		t.Errorf("defaults = %v, %v, %d", r.cacheFor, r.timeout, r.size)
	}
}

// TestRevokeCheck checks which issue times a revocation revokes, to the
// microsecond, in and around the second of the revocation.
func TestRevokeCheck(t *testing.T) {
	clk := newClock()
	clk.advance(700 * time.Millisecond) // revoke at 12:00:00.7
	r, _ := newRevoker(t, clk, RevokerOptions{})
	ctx := context.Background()
	at := clk.now()
	if err := r.Check(ctx, "harry", at.Add(-time.Hour)); err != nil {
		t.Fatalf("Check before any revocation = %v, want nil", err)
	}
	if err := r.Revoke(ctx, "harry"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		issued  time.Time
		revoked bool
	}{
		{"an hour before", at.Add(-time.Hour), true},
		{"same second, before", at.Add(-500 * time.Millisecond), true},
		{"one microsecond before", at.Add(-time.Microsecond), true},
		{"same microsecond", at, false},
		{"same microsecond, later nanosecond", at.Add(999 * time.Nanosecond), false},
		{"one microsecond after", at.Add(time.Microsecond), false},
		{"same second, after", at.Add(200 * time.Millisecond), false},
		{"next second", at.Add(time.Second), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := r.Check(ctx, "harry", tc.issued)
			if got := errors.Is(err, ErrRevoked); got != tc.revoked {
				t.Errorf("Check(issued %s) = %v, want revoked %v", tc.issued.Format(time.RFC3339Nano), err, tc.revoked)
			}
			if !tc.revoked && err != nil {
				t.Errorf("Check(issued %s) = %v, want nil", tc.issued.Format(time.RFC3339Nano), err)
			}
		})
	}
	if err := r.Check(ctx, "sally", at.Add(-time.Hour)); err != nil {
		t.Errorf("Check of another subject = %v, want nil", err)
	}
	for _, subject := range []string{"", string(make([]byte, MaxSubjectLength+1))} {
		if err := r.Check(ctx, subject, at); err == nil || errors.Is(err, ErrRevoked) {
			t.Errorf("Check of a %d-byte subject = %v, want an error that is not ErrRevoked", len(subject), err)
		}
		if err := r.Revoke(ctx, subject); err == nil {
			t.Errorf("Revoke of a %d-byte subject succeeded", len(subject))
		}
		if _, err := r.IssueTime(ctx, subject); err == nil {
			t.Errorf("IssueTime of a %d-byte subject succeeded", len(subject))
		}
	}
}

// TestIssueTimeAfterRevocation checks that a session issued right after a
// revocation survives it, even on a server whose clock is behind the one
// that revoked.
func TestIssueTimeAfterRevocation(t *testing.T) {
	ahead, behind := newClock(), newClock()
	ahead.advance(300 * time.Millisecond)
	revoking, store := newRevoker(t, ahead, RevokerOptions{})
	other, err := NewRevoker(store, RevokerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	behind.pin(other)
	ctx := context.Background()
	// The other server has cached the subject's answer before the
	// revocation, and its clock is 300 ms behind.
	if err := other.Check(ctx, "harry", behind.now()); err != nil {
		t.Fatal(err)
	}
	if err := revoking.Revoke(ctx, "harry"); err != nil {
		t.Fatal(err)
	}
	issued, err := other.IssueTime(ctx, "harry")
	if err != nil {
		t.Fatal(err)
	}
	if !issued.Equal(ahead.now()) {
		t.Errorf("IssueTime = %s, want the revocation time %s", issued, ahead.now())
	}
	for _, r := range []*Revoker{revoking, other} {
		if err := r.Check(ctx, "harry", issued); err != nil {
			t.Errorf("Check of the session issued after the revocation = %v", err)
		}
	}
	// Without a revocation, the issue time is the local clock's.
	if issued, err := other.IssueTime(ctx, "sally"); err != nil || !issued.Equal(behind.now()) {
		t.Errorf("IssueTime without revocation = %s, %v, want %s", issued, err, behind.now())
	}
	// If the store fails, the local clock's time, and the error.
	e := error(errors.New("connection refused"))
	store.fail.Store(&e)
	if issued, err := other.IssueTime(ctx, "harry"); !errors.Is(err, ErrRevocationUnavailable) || !issued.Equal(behind.now()) {
		t.Errorf("IssueTime with a failing store = %s, %v, want %s and ErrRevocationUnavailable", issued, err, behind.now())
	}
}

// TestRevokerCache checks that answers are reused for CacheFor and no
// longer: a revocation made through another server is seen once the
// cached answer is CacheFor old, one made here at once.
func TestRevokerCache(t *testing.T) {
	clk := newClock()
	here, store := newRevoker(t, clk, RevokerOptions{})
	there, err := NewRevoker(store, RevokerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	clk.pin(there)
	ctx := context.Background()
	issued := clk.now().Add(-time.Minute)
	if err := here.Check(ctx, "harry", issued); err != nil {
		t.Fatal(err)
	}
	if n := store.reads.Load(); n != 1 {
		t.Fatalf("%d store reads after one check, want 1", n)
	}
	if err := there.Revoke(ctx, "harry"); err != nil {
		t.Fatal(err)
	}
	if err := there.Check(ctx, "harry", issued); !errors.Is(err, ErrRevoked) {
		t.Errorf("Check on the revoking server = %v, want ErrRevoked at once", err)
	}
	clk.advance(DefaultRevocationCacheFor - time.Millisecond)
	if err := here.Check(ctx, "harry", issued); err != nil {
		t.Errorf("Check within CacheFor of the cached answer = %v, want the cached nil", err)
	}
	if n := store.reads.Load(); n != 1 {
		t.Errorf("%d store reads within CacheFor, want 1", n)
	}
	clk.advance(time.Millisecond)
	if err := here.Check(ctx, "harry", issued); !errors.Is(err, ErrRevoked) {
		t.Errorf("Check CacheFor after the cached answer = %v, want ErrRevoked", err)
	}
	if n := store.reads.Load(); n != 2 {
		t.Errorf("%d store reads, want 2", n)
	}

	// Without a cache, every check asks.
	uncached, store := newRevoker(t, clk, RevokerOptions{CacheFor: -1})
	for range 3 {
		uncached.Check(ctx, "harry", issued)
	}
	if n := store.reads.Load(); n != 3 {
		t.Errorf("%d store reads for 3 checks without a cache, want 3", n)
	}
}

func TestRevokerCacheSize(t *testing.T) {
	clk := newClock()
	r, store := newRevoker(t, clk, RevokerOptions{CacheSize: 8})
	ctx := context.Background()
	for i := range 100 {
		if err := r.Check(ctx, fmt.Sprint("user", i), clk.now()); err != nil {
			t.Fatal(err)
		}
		if n := len(r.cur) + len(r.prev); n > 8 {
			t.Fatalf("cache holds %d answers after %d subjects, want at most 8", n, i+1)
		}
	}
	// The latest answers are still there.
	before := store.reads.Load()
	r.Check(ctx, "user99", clk.now())
	if n := store.reads.Load() - before; n != 0 {
		t.Errorf("%d store reads for the last subject checked, want 0", n)
	}
	// Answers of an earlier generation are dropped, not kept for ever.
	clk.advance(2 * DefaultRevocationCacheFor)
	r.Check(ctx, "user0", clk.now())
	clk.advance(2 * DefaultRevocationCacheFor)
	r.Check(ctx, "user1", clk.now())
	if n := len(r.cur) + len(r.prev); n != 2 {
		t.Errorf("cache holds %d answers, want the 2 recent ones", n)
	}
}

// TestRevokerStoreFailure checks that a failing store's error comes back
// as ErrRevocationUnavailable, is cached like an answer, and that its
// recovery is seen after CacheFor.
func TestRevokerStoreFailure(t *testing.T) {
	clk := newClock()
	r, store := newRevoker(t, clk, RevokerOptions{})
	ctx := context.Background()
	down := error(errors.New("dial tcp 127.0.0.1:6379: connection refused"))
	store.fail.Store(&down)
	for range 2 {
		err := r.Check(ctx, "harry", clk.now())
		if !errors.Is(err, ErrRevocationUnavailable) || errors.Is(err, ErrRevoked) {
			t.Errorf("Check with a failing store = %v, want ErrRevocationUnavailable", err)
		}
	}
	if n := store.reads.Load(); n != 1 {
		t.Errorf("%d store reads while it fails, want 1 per CacheFor", n)
	}
	if err := r.Revoke(ctx, "sally"); err != nil {
		t.Errorf("Revoke = %v; only reads fail", err)
	}
	store.fail.Store(nil)
	clk.advance(DefaultRevocationCacheFor)
	if err := r.Check(ctx, "harry", clk.now()); err != nil {
		t.Errorf("Check after the store recovered = %v", err)
	}
}

// TestRevokerHungStore checks that a store ignoring its context holds a
// check for no longer than the timeout, and that concurrent checks of one
// subject ask it once.
func TestRevokerHungStore(t *testing.T) {
	clk := newClock()
	r, store := newRevoker(t, clk, RevokerOptions{Timeout: 50 * time.Millisecond})
	store.block = make(chan struct{})
	defer close(store.block)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = r.Check(ctx, "harry", clk.now()) })
	}
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, ErrRevocationUnavailable) {
			t.Errorf("check %d = %v, want ErrRevocationUnavailable", i, err)
		}
	}
	if n := store.reads.Load(); n != 1 {
		t.Errorf("%d store reads for 8 concurrent checks, want 1", n)
	}
	if err := r.Check(ctx, "harry", clk.now()); !errors.Is(err, ErrRevocationUnavailable) {
		t.Errorf("Check after the timeout = %v, want the cached failure", err)
	}

	// A request that ends while waiting on another's question returns.
	store.reads.Store(0)
	first := make(chan error)
	go func() { first <- r.Check(ctx, "sally", clk.now()) }()
	for store.reads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := r.Check(cctx, "sally", clk.now()); !errors.Is(err, ErrRevocationUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("Check with an ended request = %v, want ErrRevocationUnavailable and context.Canceled", err)
	}
	<-first
}

// panicStore is a store with a bug.
type panicStore struct{}

func (panicStore) RevokedBefore(context.Context, string) (time.Time, error) { panic("nil map") }
func (panicStore) Revoke(context.Context, string, time.Time, time.Time) error {
	panic("nil map")
}

// TestRevokerPanickingStore checks that a store's panic, which would
// otherwise end the process from the goroutine a call runs in, fails the
// call instead.
func TestRevokerPanickingStore(t *testing.T) {
	r, err := NewRevoker(panicStore{}, RevokerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := r.Check(ctx, "harry", time.Now()); !errors.Is(err, ErrRevocationUnavailable) || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("Check = %v, want ErrRevocationUnavailable saying the store panicked", err)
	}
	if err := r.Revoke(ctx, "harry"); !errors.Is(err, ErrRevocationUnavailable) {
		t.Errorf("Revoke = %v, want ErrRevocationUnavailable", err)
	}
}

func TestRevokeRetain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		retain time.Duration
		want   time.Duration // from the revocation to forgetAfter; 0 for never
	}{
		{"forever", 0, 0},
		{"a day", 24 * time.Hour, 24*time.Hour + DefaultRevocationCacheFor + revocationSkew},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			rec := &recordingStore{}
			r, err := NewRevoker(rec, RevokerOptions{Retain: tc.retain})
			if err != nil {
				t.Fatal(err)
			}
			clk.pin(r)
			if err := r.Revoke(context.Background(), "harry"); err != nil {
				t.Fatal(err)
			}
			var got time.Duration
			if !rec.forgetAfter.IsZero() {
				got = rec.forgetAfter.Sub(rec.before)
			}
			if got != tc.want || !rec.before.Equal(clk.now()) {
				t.Errorf("Revoke stored before %s, forgetAfter +%v; want %s, +%v", rec.before, got, clk.now(), tc.want)
			}
		})
	}
}

type recordingStore struct {
	before, forgetAfter time.Time
}

func (s *recordingStore) RevokedBefore(context.Context, string) (time.Time, error) {
	return s.before, nil
}

func (s *recordingStore) Revoke(_ context.Context, _ string, before, forgetAfter time.Time) error {
	s.before, s.forgetAfter = before, forgetAfter
	return nil
}

func TestMemoryStore(t *testing.T) {
	clk := newClock()
	m := NewMemoryStore()
	m.now = clk.now
	ctx := context.Background()
	get := func(subject string) time.Time {
		t.Helper()
		before, err := m.RevokedBefore(ctx, subject)
		if err != nil {
			t.Fatal(err)
		}
		return before
	}
	t0 := clk.now()
	if got := get("harry"); !got.IsZero() {
		t.Errorf("RevokedBefore without a record = %s, want zero", got)
	}
	m.Revoke(ctx, "harry", t0, t0.Add(time.Hour))
	m.Revoke(ctx, "harry", t0.Add(-time.Second), t0.Add(time.Hour))
	if got := get("harry"); !got.Equal(t0) {
		t.Errorf("RevokedBefore after an earlier revocation = %s, want %s: records never move back", got, t0)
	}
	m.Revoke(ctx, "harry", t0.Add(time.Second), t0.Add(time.Hour))
	if got := get("harry"); !got.Equal(t0.Add(time.Second)) {
		t.Errorf("RevokedBefore after a later revocation = %s, want %s", got, t0.Add(time.Second))
	}
	m.Revoke(ctx, "sally", t0, time.Time{})
	clk.advance(2 * time.Hour)
	if got := get("harry"); !got.IsZero() {
		t.Errorf("RevokedBefore past forgetAfter = %s, want zero", got)
	}
	if got := get("sally"); !got.Equal(t0) {
		t.Errorf("RevokedBefore of a record kept forever = %s, want %s", got, t0)
	}
	// Forgotten records are swept as the store grows.
	for i := range 2000 {
		m.Revoke(ctx, fmt.Sprint("user", i), clk.now(), clk.now().Add(time.Minute))
		if i == 999 {
			clk.advance(time.Hour)
		}
	}
	if n := len(m.records); n > 1100 {
		t.Errorf("store holds %d records, want the ~1000 not forgotten", n)
	}
}

// BenchmarkRevokerCheck is one check answered by the cache.
func BenchmarkRevokerCheck(b *testing.B) {
	r, err := NewRevoker(NewMemoryStore(), RevokerOptions{CacheFor: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	issued := time.Now()
	if err := r.Check(ctx, "harry", issued); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Check(ctx, "harry", issued); err != nil {
			b.Fatal(err)
		}
	}
}
