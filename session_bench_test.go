package cookiecodec

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchSessions are the workloads of the session benchmarks: the seed
// article's session, a typical one of about ten values, one of about 3 KB
// in thirty strings, and one of about 3 KB in a shopping cart of small maps,
// the shape of interop's BenchmarkSerialize/3KB.
func benchSessions() []struct {
	name string
	s    Session
} {
	typical := Session{
		"user_id":    int64(123456789),
		"user":       "harry.potter@hogwarts.example",
		"name":       "Harry",
		"role":       "admin",
		"csrf":       "Zx8M2kq9Lw3vR7tY1pQ4nB6cD0eF5gH",
		"logged_in":  true,
		"login_at":   time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC),
		"cart":       []any{int64(101), int64(202), int64(303)},
		"theme":      "dark",
		"expires_in": int64(3600),
	}
	big := Session{}
	for i := range 30 {
		big[strings.Repeat("k", 1+i%7)+string(rune('a'+i%26))+string(rune('A'+i))] = strings.Repeat("value ", 15)
	}
	cart := Session{
		"user_id":  1048576,
		"username": "harry.potter",
		"login_at": time.Date(2026, 11, 28, 1, 45, 12, 345678901, time.UTC),
		"roles":    []any{"editor", "viewer"},
	}
	var items []any
	for i := range 60 {
		items = append(items, map[string]any{
			"sku":         fmt.Sprintf("SKU-%05d", 7919*i%100000),
			"qty":         1 + i%3,
			"price_cents": 499 + 250*i,
			"gift":        i%4 == 0,
		})
	}
	cart["cart"] = items
	return []struct {
		name string
		s    Session
	}{
		{"seed", Session{"client_name": "Harry", "pwd": "12345678"}},
		{"typical", typical},
		{"3KB", big},
		{"cart3KB", cart},
	}
}

func BenchmarkMarshalSession(b *testing.B) {
	for _, w := range benchSessions() {
		p, err := MarshalSession(w.s)
		if err != nil {
			b.Fatal(err)
		}
		j, err := json.Marshal(w.s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(w.name+"/cbor", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p)))
			for b.Loop() {
				if _, err := MarshalSession(w.s); err != nil {
					b.Fatal(err)
				}
			}
			// After the loop: b.Loop's first call deletes metrics reported
			// before it.
			b.ReportMetric(float64(len(p)), "payload-B")
		})
		b.Run(w.name+"/json", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(j)))
			for b.Loop() {
				if _, err := json.Marshal(w.s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(j)), "payload-B")
		})
	}
}

func BenchmarkUnmarshalSession(b *testing.B) {
	for _, w := range benchSessions() {
		p, err := MarshalSession(w.s)
		if err != nil {
			b.Fatal(err)
		}
		j, err := json.Marshal(w.s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(w.name+"/cbor", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p)))
			for b.Loop() {
				if _, err := UnmarshalSession(p); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(w.name+"/json", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(j)))
			for b.Loop() {
				var s Session
				if err := json.Unmarshal(j, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncodeDecode(b *testing.B) {
	ring, err := NewKeyring(GenerateKey())
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		opts Options
	}{{"signed", Options{}}, {"encrypted", Options{Encrypt: true}}} {
		c, err := New(ring, mode.opts)
		if err != nil {
			b.Fatal(err)
		}
		for _, w := range benchSessions() {
			v, err := c.Encode("session", w.s)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("Encode/"+mode.name+"/"+w.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.Encode("session", w.s); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(v)), "cookie-B")
			})
			b.Run("Decode/"+mode.name+"/"+w.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := c.Decode("session", v); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
