package httpsession

import (
	"context"
	"sync"
	"time"
)

// A MemoryStore is a [RevocationStore] in the memory of one process: for
// a single server, and for tests. Its records are lost when the process
// exits, which brings back the sessions they revoked; a fleet of servers
// needs a shared store, such as the Redis store of the module
// github.com/cookiecodec/cookiecodec/redisstore. It is safe for
// concurrent use.
type MemoryStore struct {
	mu      sync.Mutex
	records map[string]memoryRecord
	swept   int // len(records) after the last sweep of forgotten records

	now func() time.Time // time.Now, except in tests
}

type memoryRecord struct {
	before, forgetAfter time.Time
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{records: map[string]memoryRecord{}, now: time.Now}
}

// RevokedBefore implements [RevocationStore].
func (m *MemoryStore) RevokedBefore(ctx context.Context, subject string) (time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.records[subject]
	if !ok || m.forgotten(rec, m.now()) {
		return time.Time{}, nil
	}
	return rec.before, nil
}

// Revoke implements [RevocationStore]. Records past their forgetAfter
// time are dropped as the store grows, so that its memory follows the
// subjects revoked within the sessions' lifetime.
func (m *MemoryStore) Revoke(ctx context.Context, subject string, before, forgetAfter time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	rec, ok := m.records[subject]
	if ok && !m.forgotten(rec, now) && !before.After(rec.before) {
		return nil
	}
	m.records[subject] = memoryRecord{before: before, forgetAfter: forgetAfter}
	if len(m.records) >= 2*max(m.swept, 512) {
		// Sweep when the store has doubled since the last sweep, so
		// that the cost per record stays constant.
		for s, rec := range m.records {
			if m.forgotten(rec, now) {
				delete(m.records, s)
			}
		}
		m.swept = len(m.records)
	}
	return nil
}

func (m *MemoryStore) forgotten(rec memoryRecord, now time.Time) bool {
	return !rec.forgetAfter.IsZero() && now.After(rec.forgetAfter)
}
