package interop

// The performance comparison suite: cookiecodec against
// gorilla/securecookie and against the raw primitives it is built on, on the
// same sessions and the same payload bytes, in one run. `make bench` at the
// repository root runs it and prints the ratios with their targets; the
// benchmark names below are what cmd/benchtable reads, so keep the two in
// step.
//
//	BenchmarkSession/<workload>/<impl>/{encode,decode}   sessions in, cookies out (impl floor-*: the floor)
//	BenchmarkSession/<workload>/{cookiecodec,floor}-*/view  DecodeView and one View.Get, and its floor
//	BenchmarkSession/<workload>/cookiecodec-*/append     AppendEncode into a reused buffer
//	BenchmarkPayload/<workload>/<impl>/{seal,open}       payload bytes in, cookies out
//	BenchmarkSerialize/<workload>/{marshal,unmarshal}    sessions to payload bytes and back
//	BenchmarkSerialize/<workload>/walk                   the walk floor of marshal: ranging over the maps
//	BenchmarkKeyring/keys=<n>/<impl>/decode              decode cost as the keyring grows
//	BenchmarkParallel/<impl>/{encode,decode}             b.RunParallel, run with -cpu 1,N

import (
	"bytes"
	"cmp"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
	"github.com/gorilla/securecookie"
	"golang.org/x/crypto/chacha20poly1305"
)

// cookieName is the cookie every benchmark seals for.
const cookieName = "session"

// A workload is a session as an application would store it.
type workload struct {
	name    string
	session cookiecodec.Session
}

// seedSession is the session of the seed example, as Flask's tutorial
// stores it.
func seedSession() cookiecodec.Session {
	return cookiecodec.Session{"client_name": "Harry", "pwd": "12345678"}
}

// typicalSession is a logged-in user's session of ten values: ids, strings,
// a bool, a time and a small list.
func typicalSession() cookiecodec.Session {
	return cookiecodec.Session{
		"user_id":  1048576,
		"username": "harry.potter",
		"email":    "harry@example.com",
		"csrf":     "q3RkT0l5b1pWc2xnR0JtQ3l0d2JjUQ",
		"admin":    false,
		"login_at": time.Date(2026, 11, 28, 1, 45, 12, 345678901, time.UTC),
		"roles":    []any{"editor", "viewer"},
		"locale":   "en-GB",
		"theme":    "dark",
		"visits":   42,
	}
}

// cartSession is the typical session with a shopping cart added, item by
// item, for as long as its payload stays within size bytes.
func cartSession(size int) cookiecodec.Session {
	s := typicalSession()
	var cart []any
	for i := 0; ; i++ {
		item := map[string]any{
			"sku":         fmt.Sprintf("SKU-%05d", 7919*i%100000),
			"qty":         1 + i%3,
			"price_cents": 499 + 250*i,
			"gift":        i%4 == 0,
		}
		s["cart"] = append(cart, item)
		if p, err := cookiecodec.MarshalSession(s); err != nil || len(p) > size {
			s["cart"] = cart
			return s
		}
		cart = append(cart, item)
	}
}

// workloads are the sessions of the suite, smallest first: the seed, the
// typical session, and carts that grow it to 3 KB. A 3 KB payload still fits
// a 4096-byte encrypted cookie (3000 + 54 bytes of overhead, in base64).
func workloads() []workload {
	return []workload{
		{"seed", seedSession()},
		{"typical", typicalSession()},
		{"512B", cartSession(512)},
		{"1KB", cartSession(1024)},
		{"3KB", cartSession(3000)},
	}
}

// A sessionCodec turns sessions into cookie values and back.
type sessionCodec interface {
	Encode(name string, s cookiecodec.Session) (string, error)
	Decode(name, value string) (map[string]any, error)
}

// floorImpls are the floors of BenchmarkSession for the session s, beside
// the contestants; see perf_floor_test.go.
func floorImpls(s cookiecodec.Session) []sessionImpl {
	return []sessionImpl{
		{"floor-signed", func() sessionCodec { return newFloor(false, s) }},
		{"floor-encrypted", func() sessionCodec { return newFloor(true, s) }},
	}
}

// sessionContestants are the contestants and floors of BenchmarkSession
// for the session s, in the order they run: each floor right after the
// cookiecodec codec of its mode, and gorilla's next, so that the two sides
// of a ratio the table judges are measured seconds apart, not minutes, on
// a machine whose speed drifts.
func sessionContestants(tb testing.TB, s cookiecodec.Session) []sessionImpl {
	floors := map[string]sessionImpl{}
	for _, f := range floorImpls(s) {
		floors[f.name] = f
	}
	var out []sessionImpl
	for _, impl := range sessionImpls(tb) {
		out = append(out, impl)
		if f, ok := floors["floor-"+strings.TrimPrefix(impl.name, "cookiecodec-")]; ok {
			out = append(out, f)
		}
	}
	return out
}

// A sessionImpl is one contestant of BenchmarkSession. new returns a codec
// for one goroutine; codecs that are safe for concurrent use return the same
// one every time.
type sessionImpl struct {
	name string
	new  func() sessionCodec
}

// ccSession is a cookiecodec Codec seen as a sessionCodec.
type ccSession struct{ c *cookiecodec.Codec }

func (c ccSession) Encode(name string, s cookiecodec.Session) (string, error) {
	return c.c.Encode(name, s)
}

func (c ccSession) Decode(name, value string) (map[string]any, error) {
	s, _, err := c.c.Decode(name, value)
	return s, err
}

// flaskSession is the Flask-compatible codec of package flask seen as a
// sessionCodec: Flask's tagged JSON, zlib when that is shorter, and
// HMAC-SHA1, as Flask writes its cookies.
type flaskSession struct{ c *flask.Codec }

func (f flaskSession) Encode(name string, s cookiecodec.Session) (string, error) {
	return f.c.Encode(name, s)
}

func (f flaskSession) Decode(name, value string) (map[string]any, error) {
	s, _, err := f.c.Decode(name, value)
	return s, err
}

// newFlask returns a Flask codec with a random secret and no length
// limit beyond what a compressed 3 KB session needs.
func newFlask(tb testing.TB) *flask.Codec {
	tb.Helper()
	c, err := flask.New(flask.Options{SecretKeys: [][]byte{randomBytes(32)}, MaxLength: 1 << 16})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// gorillaSession is a gorilla/securecookie codec seen as a sessionCodec.
type gorillaSession struct{ sc *securecookie.SecureCookie }

func (g gorillaSession) Encode(name string, s cookiecodec.Session) (string, error) {
	// The plain map type, as a gorilla user would store it; gob cannot
	// decode a named map type into map[string]any.
	return g.sc.Encode(name, map[string]any(s))
}

func (g gorillaSession) Decode(name, value string) (map[string]any, error) {
	var m map[string]any
	err := g.sc.Decode(name, value, &m)
	return m, err
}

// newCodec returns a cookiecodec Codec over keys, failing the benchmark or
// test on error.
func newCodec(tb testing.TB, opts cookiecodec.Options, keys ...cookiecodec.Key) *cookiecodec.Codec {
	tb.Helper()
	ring, err := cookiecodec.NewKeyring(keys[0], keys[1:]...)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := cookiecodec.New(ring, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// newGorilla returns a securecookie codec with a 32-byte hash key and, when
// encrypt is set, a 32-byte AES block key. Its length limit is lifted: its
// cookies of the larger sessions exceed 4096 bytes, which the suite reports
// rather than refuses.
func newGorilla(encrypt bool, sz securecookie.Serializer) *securecookie.SecureCookie {
	var block []byte
	if encrypt {
		block = securecookie.GenerateRandomKey(32)
	}
	sc := securecookie.New(securecookie.GenerateRandomKey(32), block)
	return sc.SetSerializer(sz).MaxLength(0)
}

func init() {
	// What a gob user registers to store these values in a map[string]any.
	gob.Register(time.Time{})
	gob.Register([]any{})
	gob.Register(map[string]any{})
}

// sessionImpls are the contestants of BenchmarkSession, in the order they
// run, each cookiecodec codec before gorilla's of its mode.
func sessionImpls(tb testing.TB) []sessionImpl {
	key := cookiecodec.GenerateKey()
	shared := func(c sessionCodec) func() sessionCodec { return func() sessionCodec { return c } }
	return []sessionImpl{
		{"cookiecodec-signed", shared(ccSession{newCodec(tb, cookiecodec.Options{}, key)})},
		{"gorilla-json-signed", shared(gorillaSession{newGorilla(false, securecookie.JSONEncoder{})})},
		{"cookiecodec-encrypted", shared(ccSession{newCodec(tb, cookiecodec.Options{Encrypt: true}, key)})},
		{"gorilla-json-encrypted", shared(gorillaSession{newGorilla(true, securecookie.JSONEncoder{})})},
		{"cookiecodec-compressed", shared(ccSession{newCodec(tb, cookiecodec.Options{Encrypt: true, Compress: true}, key)})},
		{"flask", shared(flaskSession{newFlask(tb)})},
		{"gorilla-gob-signed", shared(gorillaSession{newGorilla(false, securecookie.GobEncoder{})})},
		{"gorilla-gob-encrypted", shared(gorillaSession{newGorilla(true, securecookie.GobEncoder{})})},
	}
}

// A payloadCodec seals payload bytes into cookie values and opens them.
type payloadCodec interface {
	Seal(name string, p []byte) (string, error)
	Open(name, value string) ([]byte, error)
}

// A payloadImpl is one contestant of BenchmarkPayload; new is as for
// sessionImpl.
type payloadImpl struct {
	name string
	new  func() payloadCodec
}

// ccPayload is a cookiecodec Codec seen as a payloadCodec.
type ccPayload struct{ c *cookiecodec.Codec }

func (c ccPayload) Seal(name string, p []byte) (string, error) { return c.c.Seal(name, p) }

func (c ccPayload) Open(name, value string) ([]byte, error) {
	p, _, err := c.c.Open(name, value)
	return p, err
}

var errRawInvalid = errors.New("raw pipeline: invalid token")

// rawHMAC is the least a signed cookie costs: HMAC-SHA256 over the payload
// with a keyed state reused across calls, base64url of payload || tag into
// a reused buffer, and one allocation for the result. It binds no name, no
// version and no time. It is not safe for concurrent use.
type rawHMAC struct {
	h        hash.Hash
	raw, b64 []byte
	sum      [sha256.Size]byte
}

func newRawHMAC(key []byte) payloadCodec {
	return &rawHMAC{h: hmac.New(sha256.New, key)}
}

func (r *rawHMAC) Seal(_ string, p []byte) (string, error) {
	r.h.Reset()
	r.h.Write(p)
	r.raw = r.h.Sum(append(r.raw[:0], p...))
	return encodeRaw(&r.b64, r.raw), nil
}

func (r *rawHMAC) Open(_, value string) ([]byte, error) {
	raw, err := decodeRaw(&r.raw, value)
	if err != nil || len(raw) < sha256.Size {
		return nil, errRawInvalid
	}
	p := raw[:len(raw)-sha256.Size]
	r.h.Reset()
	r.h.Write(p)
	if !hmac.Equal(r.h.Sum(r.sum[:0]), raw[len(p):]) {
		return nil, errRawInvalid
	}
	return bytes.Clone(p), nil
}

// rawXChaCha is the least an encrypted cookie costs: XChaCha20-Poly1305
// with a random 24-byte nonce, base64url of nonce || ciphertext, reused
// buffers, and one allocation for the result. It binds no name, no version
// and no time. It is not safe for concurrent use.
type rawXChaCha struct {
	aead          cipher.AEAD
	raw, b64, out []byte
}

func newRawXChaCha(key []byte) payloadCodec {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		panic(err)
	}
	return &rawXChaCha{aead: aead}
}

func (r *rawXChaCha) Seal(_ string, p []byte) (string, error) {
	n := chacha20poly1305.NonceSizeX
	if cap(r.raw) < n {
		r.raw = make([]byte, n)
	}
	nonce := r.raw[:n]
	rand.Read(nonce)
	r.raw = r.aead.Seal(nonce, nonce, p, nil)
	return encodeRaw(&r.b64, r.raw), nil
}

func (r *rawXChaCha) Open(_, value string) ([]byte, error) {
	raw, err := decodeRaw(&r.raw, value)
	if err != nil || len(raw) < chacha20poly1305.NonceSizeX {
		return nil, errRawInvalid
	}
	n := chacha20poly1305.NonceSizeX
	if r.out, err = r.aead.Open(r.out[:0], raw[:n], raw[n:], nil); err != nil {
		return nil, errRawInvalid
	}
	return bytes.Clone(r.out), nil
}

// randomBytes returns n bytes from crypto/rand.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// encodeRaw base64url-encodes raw into *buf and returns it as a string.
func encodeRaw(buf *[]byte, raw []byte) string {
	n := base64.RawURLEncoding.EncodedLen(len(raw))
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	b := (*buf)[:n]
	base64.RawURLEncoding.Encode(b, raw)
	return string(b)
}

// decodeRaw base64url-decodes value into *buf.
func decodeRaw(buf *[]byte, value string) ([]byte, error) {
	n := base64.RawURLEncoding.DecodedLen(len(value))
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	n, err := base64.RawURLEncoding.Strict().Decode((*buf)[:n], []byte(value))
	return (*buf)[:n], err
}

// payloadImpls are the contestants of BenchmarkPayload, in table order.
func payloadImpls(tb testing.TB) []payloadImpl {
	key := cookiecodec.GenerateKey()
	signed := ccPayload{newCodec(tb, cookiecodec.Options{}, key)}
	encrypted := ccPayload{newCodec(tb, cookiecodec.Options{Encrypt: true}, key)}
	macKey, encKey := randomBytes(32), randomBytes(chacha20poly1305.KeySize)
	return []payloadImpl{
		{"cookiecodec-signed", func() payloadCodec { return signed }},
		{"cookiecodec-encrypted", func() payloadCodec { return encrypted }},
		{"raw-hmac", func() payloadCodec { return newRawHMAC(macKey) }},
		{"raw-xchacha", func() payloadCodec { return newRawXChaCha(encKey) }},
	}
}

// BenchmarkSession measures Encode and Decode of each workload by each
// codec, and reports the cookie's length in B/cookie.
func BenchmarkSession(b *testing.B) {
	for _, w := range workloads() {
		b.Run(w.name, func(b *testing.B) {
			for _, impl := range sessionContestants(b, w.session) {
				b.Run(impl.name, func(b *testing.B) {
					benchSession(b, impl.new(), w.session)
				})
			}
		})
	}
}

func benchSession(b *testing.B, c sessionCodec, s cookiecodec.Session) {
	value, err := c.Encode(cookieName, s)
	if err != nil {
		b.Skipf("cannot encode this session: %v", err)
	}
	p, err := cookiecodec.MarshalSession(s)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := c.Encode(cookieName, s); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(value)), "B/cookie")
		b.ReportMetric(float64(len(p)), "B/payload")
	})
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := c.Decode(cookieName, value); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The key read is the last in canonical order, the farthest from
	// the start of the payload.
	keys := slices.SortedFunc(maps.Keys(s), func(a, b string) int {
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
	})
	last := keys[len(keys)-1]
	if f, ok := c.(*floorSession); ok {
		b.Run("view", func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				if _, err := f.View(cookieName, value, last); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	cc, ok := c.(ccSession)
	if !ok {
		return
	}
	b.Run("view", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			v, _, err := cc.c.DecodeView(cookieName, value)
			if err != nil {
				b.Fatal(err)
			}
			if _, ok := v.Get(last); !ok {
				b.Fatalf("View.Get(%q) found nothing", last)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		b.ReportAllocs()
		buf := make([]byte, 0, 2*len(value))
		defer reportCPU(b)()
		for b.Loop() {
			var err error
			if buf, err = cc.c.AppendEncode(buf[:0], cookieName, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPayload measures Seal and Open against the raw primitive
// pipelines, on the payload bytes of each workload.
func BenchmarkPayload(b *testing.B) {
	for _, w := range workloads() {
		p, err := cookiecodec.MarshalSession(w.session)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(w.name, func(b *testing.B) {
			for _, impl := range payloadImpls(b) {
				b.Run(impl.name, func(b *testing.B) {
					benchPayload(b, impl.new(), p)
				})
			}
		})
	}
}

func benchPayload(b *testing.B, c payloadCodec, p []byte) {
	value, err := c.Seal(cookieName, p)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("seal", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := c.Seal(cookieName, p); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(value)), "B/cookie")
	})
	b.Run("open", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := c.Open(cookieName, value); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU starts measuring the process's CPU time and returns a function
// that reports it per operation as cpu-ns/op. Unlike ns/op, which is wall
// time, it counts the garbage collector's work on other threads and does
// not count time spent waiting for a CPU that other processes hold, so it
// compares contestants fairly on a loaded machine. Call the returned
// function after the b.Loop loop.
func reportCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		end, ok2 := processCPU()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkSerialize measures MarshalSession and UnmarshalSession alone, so
// that Encode and Decode can be split into serialization and sealing.
func BenchmarkSerialize(b *testing.B) {
	for _, w := range workloads() {
		p, err := cookiecodec.MarshalSession(w.session)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(w.name, func(b *testing.B) {
			b.Run("marshal", func(b *testing.B) {
				b.SetBytes(int64(len(p)))
				b.ReportAllocs()
				defer reportCPU(b)()
				for b.Loop() {
					if _, err := cookiecodec.MarshalSession(w.session); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The walk floor of marshal: see walkSession.
			b.Run("walk", func(b *testing.B) {
				defer reportCPU(b)()
				n := 0
				for b.Loop() {
					n += walkSession(w.session)
				}
				if n == 0 {
					b.Fatal("walk saw nothing")
				}
			})
			b.Run("unmarshal", func(b *testing.B) {
				b.SetBytes(int64(len(p)))
				b.ReportAllocs()
				defer reportCPU(b)()
				for b.Loop() {
					if _, err := cookiecodec.UnmarshalSession(p); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
