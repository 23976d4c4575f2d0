package interop

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// The benchmarks compare like with like only if every contestant does the
// whole job: these tests check that each one round-trips each workload and
// rejects a tampered cookie, and that the workloads are the sizes their
// names say.

func TestPerfWorkloads(t *testing.T) {
	for _, tc := range []struct {
		name     string
		min, max int // payload size in bytes
	}{
		{"seed", 30, 64},
		{"typical", 150, 400},
		{"512B", 440, 512},
		{"1KB", 950, 1024},
		{"3KB", 2900, 3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := slices.IndexFunc(workloads(), func(w workload) bool { return w.name == tc.name })
			if i < 0 {
				t.Fatalf("no workload %q", tc.name)
			}
			p, err := cookiecodec.MarshalSession(workloads()[i].session)
			if err != nil {
				t.Fatalf("MarshalSession: %v", err)
			}
			if len(p) < tc.min || len(p) > tc.max {
				t.Errorf("payload is %d bytes, want %d to %d", len(p), tc.min, tc.max)
			}
		})
	}
	if n := len(typicalSession()); n != 10 {
		t.Errorf("typical session has %d values, want 10", n)
	}
}

func TestPerfSessionContestants(t *testing.T) {
	for _, w := range workloads() {
		for _, impl := range sessionContestants(t, w.session) {
			t.Run(w.name+"/"+impl.name, func(t *testing.T) {
				c := impl.new()
				value, err := c.Encode(cookieName, w.session)
				if err != nil {
					t.Fatalf("Encode: %v", err)
				}
				got, err := c.Decode(cookieName, value)
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if k, want := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(w.session)); !slices.Equal(k, want) {
					t.Errorf("Decode keys = %q, want %q", k, want)
				}
				if _, err := c.Decode(cookieName, tamper(value)); err == nil {
					t.Errorf("Decode of a tampered cookie succeeded")
				}
				if _, ok := c.(ccSession); !ok {
					return // JSON and gob change the types; cookiecodec must not.
				}
				want, _ := cookiecodec.MarshalSession(w.session)
				if p, err := cookiecodec.MarshalSession(got); err != nil || !bytes.Equal(p, want) {
					t.Errorf("decoded session re-marshals to %x, %v; want %x", p, err, want)
				}
			})
		}
	}
}

// TestFloorChecksAge checks that the floor rejects a token issued longer
// ago than the default max_age or later than the skew allows, as a decoder
// of the format must: the floor pays for the clock read.
func TestFloorChecksAge(t *testing.T) {
	now := time.Now().Unix()
	maxAge, skew := int64(cookiecodec.DefaultMaxAge/time.Second), int64(cookiecodec.DefaultSkew/time.Second)
	for _, encrypt := range []bool{false, true} {
		f := newFloor(encrypt, typicalSession())
		for _, tc := range []struct {
			name     string
			issuedAt int64
			ok       bool
		}{
			{"now", now, true},
			{"within max age", now - maxAge + 60, true},
			{"within skew", now + skew/2, true},
			{"expired", now - maxAge - 60, false},
			{"beyond skew", now + skew + 60, false},
		} {
			t.Run(fmt.Sprintf("encrypt=%v/%s", encrypt, tc.name), func(t *testing.T) {
				value := f.sealAt(cookieName, tc.issuedAt)
				if _, err := f.Decode(cookieName, value); (err == nil) != tc.ok {
					t.Errorf("Decode err = %v, want ok %v", err, tc.ok)
				}
				if _, err := f.View(cookieName, value, "csrf"); (err == nil) != tc.ok {
					t.Errorf("View err = %v, want ok %v", err, tc.ok)
				}
			})
		}
	}
}

func TestPerfPayloadContestants(t *testing.T) {
	for _, w := range workloads() {
		p, err := cookiecodec.MarshalSession(w.session)
		if err != nil {
			t.Fatal(err)
		}
		for _, impl := range payloadImpls(t) {
			t.Run(w.name+"/"+impl.name, func(t *testing.T) {
				sealer, opener := impl.new(), impl.new()
				value, err := sealer.Seal(cookieName, p)
				if err != nil {
					t.Fatalf("Seal: %v", err)
				}
				got, err := opener.Open(cookieName, value)
				if err != nil || !bytes.Equal(got, p) {
					t.Fatalf("Open = %x, %v; want %x", got, err, p)
				}
				if got, err := opener.Open(cookieName, tamper(value)); err == nil {
					t.Errorf("Open of a tampered cookie = %x, want an error", got)
				}
			})
		}
	}
}

func TestPerfKeyring(t *testing.T) {
	keys := []cookiecodec.Key{cookiecodec.GenerateKey(), cookiecodec.GenerateKey(), cookiecodec.GenerateKey()}
	for _, tc := range []struct {
		name      string
		opts      cookiecodec.Options
		n         int
		wantStale bool
	}{
		{"signed/1", cookiecodec.Options{}, 1, false},
		{"signed/3", cookiecodec.Options{}, 3, true},
		{"encrypted/3", cookiecodec.Options{Encrypt: true}, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			value, err := newCodec(t, tc.opts, keys[tc.n-1]).Encode(cookieName, typicalSession())
			if err != nil {
				t.Fatal(err)
			}
			_, info, err := newCodec(t, tc.opts, keys[:tc.n]...).Decode(cookieName, value)
			if err != nil || info.Stale != tc.wantStale || info.KeyID != keys[tc.n-1].ID() {
				t.Errorf("Decode info = %+v, %v; want key %s, stale %v", info, err, keys[tc.n-1].ID(), tc.wantStale)
			}
		})
	}
}

// tamper returns value with one character in the middle changed to another
// base64url character.
func tamper(value string) string {
	b := []byte(value)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	if string(b) == value {
		panic(fmt.Sprintf("tamper left %q unchanged", value))
	}
	return string(b)
}
