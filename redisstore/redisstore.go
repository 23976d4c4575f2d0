// Package redisstore keeps the revocation records of package httpsession
// in Redis, so that a fleet of servers shares them: a user who logs out
// everywhere on one server is logged out on all of them within the
// [httpsession.RevokerOptions.CacheFor] of their revokers.
//
//	client := redis.NewClient(&redis.Options{Addr: "localhost:6379", ContextTimeoutEnabled: true})
//	store, _ := redisstore.New(client, redisstore.Options{})
//	revoker, _ := httpsession.NewRevoker(store, httpsession.RevokerOptions{Retain: codec.MaxAge()})
//	sessions, _ := httpsession.New(codec, httpsession.Options{Revoker: revoker})
//
// It is a module of its own, so that the cookiecodec module does not
// depend on a Redis client.
//
// # Records
//
// A subject's record is one Redis string, at the key Prefix followed by
// the subject, holding the revocation time in Unix microseconds in
// decimal, with the record's forget-after time as its expiry (PXAT). A
// revocation is one EVALSHA of a script that keeps the later of the stored
// and the new time, so that records never move back, even when two
// servers revoke at once. A check is one GET. The server must be Redis 6.2
// or later (for PXAT), or a server that speaks its protocol and Lua; in
// Redis Cluster every record is one key, so any slot will do.
//
// Records live in the server's memory: a Redis that loses its data
// (restarted without persistence, flushed, evicting keys under
// maxmemory-policy) brings back the sessions those records revoked. Give
// it persistence, and a noeviction or volatile policy that does not evict
// these keys before they expire.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cookiecodec/cookiecodec/httpsession"
)

// DefaultPrefix is put before a subject to make its key when
// [Options.Prefix] is empty.
const DefaultPrefix = "cookiecodec:revoked:"

// Options configure a [Store].
type Options struct {
	// Prefix is put before each subject to make its Redis key. Zero
	// means [DefaultPrefix]. Applications sharing a Redis keep their
	// records apart with different prefixes.
	Prefix string
}

// A Store is an [httpsession.RevocationStore] in Redis. It is safe for
// concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var _ httpsession.RevocationStore = (*Store)(nil)

// New returns a Store that keeps its records through client. The
// [httpsession.Revoker] bounds every call by its own timeout; set
// ContextTimeoutEnabled in the client's options so that the client gives
// up on the connection at that deadline too, rather than at its own read
// and write timeouts.
func New(client redis.UniversalClient, opts Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("redisstore: nil client")
	}
	s := &Store{client: client, prefix: opts.Prefix}
	if s.prefix == "" {
		s.prefix = DefaultPrefix
	}
	return s, nil
}

// revokeScript stores ARGV[1], the revocation time in microseconds, at
// KEYS[1] unless the key holds a later one, expiring at ARGV[2]
// milliseconds (0 for never). Lua numbers are doubles, exact for integers
// below 2^53: microseconds until the year 2255.
var revokeScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and tonumber(cur) and tonumber(cur) >= tonumber(ARGV[1]) then
	return 0
end
if ARGV[2] == '0' then
	redis.call('SET', KEYS[1], ARGV[1])
else
	redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
end
return 1
`)

// RevokedBefore implements [httpsession.RevocationStore] with one GET.
func (s *Store) RevokedBefore(ctx context.Context, subject string) (time.Time, error) {
	v, err := s.client.Get(ctx, s.prefix+subject).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("redisstore: GET: %w", err)
	}
	us, err := strconv.ParseInt(v, 10, 64)
	if err != nil || us <= 0 || strconv.FormatInt(us, 10) != v {
		return time.Time{}, errors.New("redisstore: a record holds something other than a time in microseconds")
	}
	return time.UnixMicro(us), nil
}

// Revoke implements [httpsession.RevocationStore] with one script call,
// which keeps the later of the stored time and before.
func (s *Store) Revoke(ctx context.Context, subject string, before, forgetAfter time.Time) error {
	us := before.UnixMicro()
	if us <= 0 {
		return fmt.Errorf("redisstore: revocation time %s is not after 1970", before.UTC().Format(time.RFC3339))
	}
	var pxat int64
	if !forgetAfter.IsZero() {
		// Rounded up, so that the record is never forgotten early.
		pxat = max((forgetAfter.UnixMicro()+999)/1000, 1)
	}
	err := revokeScript.Run(ctx, s.client, []string{s.prefix + subject}, us, pxat).Err()
	if err != nil {
		return fmt.Errorf("redisstore: revoke script: %w", err)
	}
	return nil
}
