package interop

import (
	"fmt"
	"testing"

	"github.com/cookiecodec/cookiecodec"
	"github.com/gorilla/securecookie"
)

// keyringSizes are the keyring sizes of BenchmarkKeyring.
var keyringSizes = []int{1, 8, 64}

// BenchmarkKeyring measures Decode of the typical session as the keyring
// grows. The cookie is sealed by the key added last, so a decoder that tried
// keys in order would try them all. gorilla/securecookie, which has no key
// ids, is beside it: DecodeMulti tries each codec in turn.
func BenchmarkKeyring(b *testing.B) {
	keys := make([]cookiecodec.Key, keyringSizes[len(keyringSizes)-1])
	for i := range keys {
		keys[i] = cookiecodec.GenerateKey()
	}
	gorillas := make([]securecookie.Codec, len(keys))
	for i := range gorillas {
		gorillas[i] = newGorilla(false, securecookie.JSONEncoder{})
	}
	s := typicalSession()
	for _, n := range keyringSizes {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			for _, mode := range []struct {
				name string
				opts cookiecodec.Options
			}{
				{"cookiecodec-signed", cookiecodec.Options{}},
				{"cookiecodec-encrypted", cookiecodec.Options{Encrypt: true}},
			} {
				b.Run(mode.name, func(b *testing.B) {
					sealer := newCodec(b, mode.opts, keys[n-1])
					// keys[0] is primary, keys[1:n] decode-only.
					c := ccSession{newCodec(b, mode.opts, keys[:n]...)}
					value, err := sealer.Encode(cookieName, s)
					if err != nil {
						b.Fatal(err)
					}
					benchDecode(b, c, value)
				})
			}
			b.Run("gorilla-json-signed", func(b *testing.B) {
				multi := gorillaMulti(gorillas[:n])
				value, err := gorillas[n-1].Encode(cookieName, map[string]any(s))
				if err != nil {
					b.Fatal(err)
				}
				benchDecode(b, multi, value)
			})
		})
	}
}

// gorillaMulti decodes with securecookie.DecodeMulti over its codecs.
type gorillaMulti []securecookie.Codec

func (g gorillaMulti) Encode(name string, s cookiecodec.Session) (string, error) {
	return securecookie.EncodeMulti(name, map[string]any(s), g...)
}

func (g gorillaMulti) Decode(name, value string) (map[string]any, error) {
	var m map[string]any
	err := securecookie.DecodeMulti(name, value, &m, g...)
	return m, err
}

// benchDecode measures c.Decode of value.
func benchDecode(b *testing.B, c sessionCodec, value string) {
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := c.Decode(cookieName, value); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParallel measures throughput on all cores with b.RunParallel,
// each goroutine encoding or decoding the typical session with a codec
// shared by all of them, except the raw pipelines, whose state is per
// goroutine. Run it with -cpu 1,N: ns/op at N CPUs against 1 CPU shows how
// throughput scales.
func BenchmarkParallel(b *testing.B) {
	s := typicalSession()
	p, err := cookiecodec.MarshalSession(s)
	if err != nil {
		b.Fatal(err)
	}
	for _, impl := range sessionImpls(b) {
		switch impl.name {
		case "cookiecodec-signed", "cookiecodec-encrypted", "gorilla-json-signed", "gorilla-json-encrypted":
		default:
			continue
		}
		b.Run(impl.name, func(b *testing.B) {
			c := impl.new()
			value, err := c.Encode(cookieName, s)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("encode", func(b *testing.B) {
				runParallel(b, func() func() error {
					return func() error { _, err := c.Encode(cookieName, s); return err }
				})
			})
			b.Run("decode", func(b *testing.B) {
				runParallel(b, func() func() error {
					return func() error { _, err := c.Decode(cookieName, value); return err }
				})
			})
		})
	}
	for _, impl := range payloadImpls(b) {
		if impl.name != "raw-hmac" && impl.name != "raw-xchacha" {
			continue
		}
		b.Run(impl.name, func(b *testing.B) {
			value, err := impl.new().Seal(cookieName, p)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("encode", func(b *testing.B) {
				runParallel(b, func() func() error {
					c := impl.new()
					return func() error { _, err := c.Seal(cookieName, p); return err }
				})
			})
			b.Run("decode", func(b *testing.B) {
				runParallel(b, func() func() error {
					c := impl.new()
					return func() error { _, err := c.Open(cookieName, value); return err }
				})
			})
		})
	}
}

// runParallel runs the operation that newOp returns on every goroutine of
// b.RunParallel, calling newOp once per goroutine.
func runParallel(b *testing.B, newOp func() func() error) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		op := newOp()
		for pb.Next() {
			if err := op(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
