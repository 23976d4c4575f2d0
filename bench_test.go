package cookiecodec

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// The benchmarks of this file run Seal and Open beside the raw primitive
// pipelines they are built from, on the same payloads, so that one run
// gives the ratio:
//
//	go test -run '^$' -bench '^Benchmark(Seal|Open)$' -count 6 > bench.txt
//	benchstat -col /impl bench.txt
//
// The raw pipelines are the least a hand-written cookie could do: a
// 14-byte header, HMAC-SHA256 or XChaCha20-Poly1305 with a random nonce,
// and base64url, with every buffer reused. Targets: Seal and Open within
// 1.5x of raw, and at most one allocation each.

var benchSizes = []int{64, 512, 3000}

func benchPayload(n int) []byte {
	r := mrand.New(mrand.NewPCG(uint64(n), 1))
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

// benchCases runs f for each mode and payload size, as the sub-benchmarks
// mode=.../size=.../impl=..., so that benchstat can put impl in columns.
func benchCases(b *testing.B, f func(b *testing.B, encrypt bool, payload []byte)) {
	for _, mode := range []string{"signed", "encrypted"} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("mode=%s/size=%d", mode, n), func(b *testing.B) {
				f(b, mode == "encrypted", benchPayload(n))
			})
		}
	}
}

func benchCodec(b *testing.B, encrypt bool) *Codec {
	b.Helper()
	c, err := New(testRing(b, testKey(b, 1)), Options{Encrypt: encrypt})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// reportCPU starts measuring the process's CPU time; the function it
// returns, deferred by a benchmark, reports it per operation as cpu-ns/op.
// On a shared machine, wall time (ns/op) includes the time other processes
// hold the CPUs; CPU time does not, so it compares implementations more
// steadily.
func reportCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		end, ok2 := processCPU()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// Sinks keep the compiler from dropping the raw pipelines' results.
var (
	sinkString string
	sinkBytes  []byte
)

func BenchmarkSeal(b *testing.B) {
	benchCases(b, func(b *testing.B, encrypt bool, payload []byte) {
		b.Run("impl=cookiecodec", func(b *testing.B) {
			c := benchCodec(b, encrypt)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				v, err := c.Seal("session", payload)
				if err != nil {
					b.Fatal(err)
				}
				sinkString = v
			}
		})
		b.Run("impl=raw", func(b *testing.B) {
			key := bytes.Repeat([]byte{1}, 32)
			header := []byte("\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00\x69\x28\xe6\x00")
			buf := make([]byte, 0, 4096)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			defer reportCPU(b)()
			if encrypt {
				aead, err := chacha20poly1305.NewX(key)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					buf = append(buf[:0], header...)
					buf = buf[:headerSize+nonceSize]
					rand.Read(buf[headerSize:])
					buf = aead.Seal(buf, buf[headerSize:], payload, header)
					sinkString = base64.RawURLEncoding.EncodeToString(buf)
				}
				return
			}
			h := hmac.New(sha256.New, key)
			for b.Loop() {
				h.Reset()
				buf = append(append(buf[:0], header...), payload...)
				h.Write(buf)
				buf = h.Sum(buf)
				sinkString = base64.RawURLEncoding.EncodeToString(buf)
			}
		})
	})
}

func BenchmarkOpen(b *testing.B) {
	benchCases(b, func(b *testing.B, encrypt bool, payload []byte) {
		b.Run("impl=cookiecodec", func(b *testing.B) {
			c := benchCodec(b, encrypt)
			v, err := c.Seal("session", payload)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, _, err := c.Open("session", v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("impl=raw", func(b *testing.B) {
			key := bytes.Repeat([]byte{1}, 32)
			header := []byte("\x01\x00\x00\x00\x00\x01\x00\x00\x00\x00\x69\x28\xe6\x00")
			buf := make([]byte, 0, 4096)
			out := make([]byte, 0, 4096)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			defer reportCPU(b)()
			if encrypt {
				aead, err := chacha20poly1305.NewX(key)
				if err != nil {
					b.Fatal(err)
				}
				raw := append(append([]byte(nil), header...), make([]byte, nonceSize)...)
				rand.Read(raw[headerSize:])
				raw = aead.Seal(raw, raw[headerSize:], payload, header)
				v := []byte(base64.RawURLEncoding.EncodeToString(raw))
				for b.Loop() {
					n, err := base64.RawURLEncoding.Decode(buf[:cap(buf)], v)
					if err != nil {
						b.Fatal(err)
					}
					raw := buf[:n]
					p, err := aead.Open(out[:0], raw[headerSize:headerSize+nonceSize], raw[headerSize+nonceSize:], raw[:headerSize])
					if err != nil {
						b.Fatal(err)
					}
					sinkBytes = bytes.Clone(p)
				}
				return
			}
			h := hmac.New(sha256.New, key)
			h.Write(header)
			h.Write(payload)
			v := []byte(base64.RawURLEncoding.EncodeToString(h.Sum(append(append([]byte(nil), header...), payload...))))
			var sum [sha256.Size]byte
			for b.Loop() {
				n, err := base64.RawURLEncoding.Decode(buf[:cap(buf)], v)
				if err != nil {
					b.Fatal(err)
				}
				raw := buf[:n]
				h.Reset()
				h.Write(raw[:n-sha256.Size])
				if !hmac.Equal(h.Sum(sum[:0]), raw[n-sha256.Size:]) {
					b.Fatal("bad mac")
				}
				sinkBytes = bytes.Clone(raw[headerSize : n-sha256.Size])
			}
		})
	})
}
