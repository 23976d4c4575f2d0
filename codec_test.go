package cookiecodec

//go:generate go run ./internal/vectorgen

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// testNow is the time the tests of this file pin their codecs to.
var testNow = time.Unix(1764288000, 0)

// pinnedCodec returns New(ring, opts) with its clock stopped at now.
func pinnedCodec(tb testing.TB, ring *Keyring, opts Options, now time.Time) *Codec {
	tb.Helper()
	c, err := New(ring, opts)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	c.now = func() time.Time { return now }
	return c
}

// testKey returns a key whose secret is 32 copies of b.
func testKey(tb testing.TB, b byte) Key {
	tb.Helper()
	k, err := NewKey(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		tb.Fatalf("NewKey: %v", err)
	}
	return k
}

func testRing(tb testing.TB, primary Key, others ...Key) *Keyring {
	tb.Helper()
	r, err := NewKeyring(primary, others...)
	if err != nil {
		tb.Fatalf("NewKeyring: %v", err)
	}
	return r
}

// reseal seals payload again as the token value was sealed: with the key
// that opened it, in its mode, at its issue time, under its nonce. For a
// token that is not compressed the result must be value itself.
func reseal(tb testing.TB, c *Codec, name, value string, payload []byte, info Info) string {
	tb.Helper()
	k, ok := c.keys.Keyring().Lookup(info.KeyID)
	if !ok {
		tb.Fatalf("Open reported key %s, which the keyring does not hold", info.KeyID)
	}
	rc := pinnedCodec(tb, testRing(tb, k), Options{
		Encrypt:   info.Encrypted,
		Compress:  info.Compressed,
		MaxLength: 1 << 20,
	}, info.IssuedAt)
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		tb.Fatalf("an opened token is not base64url: %v", err)
	}
	var nonce []byte
	if info.Encrypted {
		nonce = raw[headerSize : headerSize+nonceSize]
	}
	v, err := rc.seal(name, payload, info.IssuedAt, bytes.NewReader(nonce))
	if err != nil {
		tb.Fatalf("resealing an opened token: %v", err)
	}
	return v
}

// TestVectors opens every vector of testdata/vectors, and every rejected
// one again with its defect repaired, which must then give the result of
// its repair: no vector is rejected for a reason other than the one it
// tests.
func TestVectors(t *testing.T) {
	vs := readVectors(t)
	if len(vs) < 25 {
		t.Fatalf("%d vectors in testdata/vectors, want at least 25", len(vs))
	}
	for _, v := range vs {
		t.Run(v.File, func(t *testing.T) {
			checkVector(t, v)
			r, ok := v.repaired(t)
			if ok == (v.Result == "ok") {
				t.Fatalf("result %s, repaired %v: every rejected vector, and only those, has a repair", v.Result, ok)
			}
			if ok {
				checkVector(t, r)
			}
		})
	}
}

// checkVector opens v's token as v says and checks the outcome.
func checkVector(t *testing.T, v testVector) {
	t.Helper()
	c := v.codec(t)
	payload, info, err := c.Open(v.CookieName, v.Token)
	switch v.Result {
	case "ok":
		if err != nil {
			t.Fatalf("%s: Open(%q) err = %v, want nil", v.File, v.Token, err)
		}
	case "invalid":
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: Open(%q) err = %v, want ErrInvalid", v.File, v.Token, err)
		}
	case "expired":
		if !errors.Is(err, ErrExpired) {
			t.Fatalf("%s: Open(%q) err = %v, want ErrExpired", v.File, v.Token, err)
		}
	default:
		t.Fatalf("%s: unknown result %q", v.File, v.Result)
	}
	if err != nil {
		if payload != nil || info != (Info{}) {
			t.Fatalf("%s: Open(%q) = %x, %+v on error, want nil, Info{}", v.File, v.Token, payload, info)
		}
		return
	}
	if v.IsRepair {
		return // a repaired vector records no payload of its own
	}
	want := v.payload(t)
	if !bytes.Equal(payload, want) {
		t.Errorf("Open(%q) payload = %x, want %x", v.Token, payload, want)
	}
	if info.Stale != v.Stale {
		t.Errorf("Open(%q) Stale = %v, want %v", v.Token, info.Stale, v.Stale)
	}
	// The package's DEFLATE reproduces a compressed token only where it
	// writes the body the vector records.
	exact := v.Reproducible
	if exact && info.Compressed {
		z, _ := deflate(nil, want)
		exact = hex.EncodeToString(z) == v.Deflated
	}
	if got := reseal(t, c, v.CookieName, v.Token, payload, info); exact && got != v.Token {
		t.Errorf("resealed token = %q, want %q", got, v.Token)
	} else if !exact {
		p, _, err := c.Open(v.CookieName, got)
		if err != nil || !bytes.Equal(p, want) {
			t.Errorf("Open(resealed) = %x, %v, want %x, nil", p, err, want)
		}
	}
}

func TestNewOptions(t *testing.T) {
	ring := testRing(t, testKey(t, 1))
	for _, tc := range []struct {
		name    string
		keys    KeySource
		opts    Options
		wantErr string // substring; empty for success
	}{
		{"zero options", ring, Options{}, ""},
		{"all set", ring, Options{Encrypt: true, Compress: true, AcceptAnyMode: true, MaxAge: time.Hour, Skew: time.Second, MaxLength: 8192}, ""},
		{"MaxAge one second", ring, Options{MaxAge: time.Second}, ""},
		{"MaxLength shortest", ring, Options{MaxLength: 72}, ""},
		{"nil source", nil, Options{}, "nil key source"},
		{"nil keyring", (*Keyring)(nil), Options{}, "no primary key"},
		{"empty keyring", &Keyring{}, Options{}, "no primary key"},
		{"MaxAge below one second", ring, Options{MaxAge: 999 * time.Millisecond}, "MaxAge 999ms is less than one second"},
		{"MaxAge negative", ring, Options{MaxAge: -time.Hour}, "MaxAge -1h0m0s is less than one second"},
		{"Skew negative", ring, Options{Skew: -time.Second}, "Skew -1s is negative"},
		{"MaxLength too short", ring, Options{MaxLength: 71}, "MaxLength 71 is less than 72"},
		{"MaxLength negative", ring, Options{MaxLength: -1}, "MaxLength -1 is less than 72"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.keys, tc.opts)
			if tc.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New(%+v) = %v, %v, want a codec", tc.opts, c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("New(%+v) err = %v, want one containing %q", tc.opts, err, tc.wantErr)
			}
			if c != nil {
				t.Fatalf("New(%+v) returned a codec with an error", tc.opts)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c, err := New(testRing(t, testKey(t, 1)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxAge() != DefaultMaxAge || c.skew != DefaultSkew || c.MaxLength() != DefaultMaxLength || c.encrypt || c.compress || c.acceptAnyMode {
		t.Fatalf("zero Options gave MaxAge %v, Skew %v, MaxLength %d, encrypt %v, compress %v, any mode %v",
			c.MaxAge(), c.skew, c.MaxLength(), c.encrypt, c.compress, c.acceptAnyMode)
	}
}

func TestRoundTrip(t *testing.T) {
	ring := testRing(t, testKey(t, 1))
	r := rand.New(rand.NewPCG(1, 2))
	for _, opts := range []Options{{}, {Encrypt: true}, {Compress: true}, {Encrypt: true, Compress: true}} {
		for _, size := range []int{0, 1, 64, 512, 2000} {
			t.Run(fmt.Sprintf("encrypt=%v/compress=%v/%d", opts.Encrypt, opts.Compress, size), func(t *testing.T) {
				c := pinnedCodec(t, ring, opts, testNow)
				payload := make([]byte, size)
				for i := range payload {
					payload[i] = "abc{}\":,0123"[r.IntN(12)]
				}
				v, err := c.Seal("session", payload)
				if err != nil {
					t.Fatalf("Seal: %v", err)
				}
				got, info, err := c.Open("session", v)
				if err != nil {
					t.Fatalf("Open(%q) err = %v", v, err)
				}
				if !bytes.Equal(got, payload) {
					t.Fatalf("Open(%q) = %q, want %q", v, got, payload)
				}
				want := Info{KeyID: ring.Primary().ID(), IssuedAt: testNow.UTC(), Encrypted: opts.Encrypt,
					Compressed: opts.Compress && size >= 64}
				if info != want {
					t.Fatalf("Open(%q) info = %+v, want %+v", v, info, want)
				}
			})
		}
	}
}

// TestOpenRejects covers the rejection paths that do not depend on a
// token's bytes; the vectors cover the others.
func TestOpenRejects(t *testing.T) {
	ring := testRing(t, testKey(t, 1))
	c := pinnedCodec(t, ring, Options{}, testNow)
	good, err := c.Seal("session", []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	other := pinnedCodec(t, testRing(t, testKey(t, 2)), Options{}, testNow)
	for _, tc := range []struct {
		name, cookie, value string
		c                   *Codec
		detail              string
	}{
		{"empty name", "", good, c, "cookie name must be 1 to 255 bytes, not 0"},
		{"name too long", strings.Repeat("x", 256), good, c, "not 256"},
		{"name with a space", "my session", good, c, "byte 0x20 at offset 2, which is not a token character"},
		{"name with a non-ASCII byte", "sessi\u00f6n", good, c, "byte 0xc3 at offset 5"},
		{"empty value", "session", "", c, "too short"},
		{"short value", "session", good[:39], c, "too short"},
		{"longer than MaxLength", "session", strings.Repeat("A", DefaultMaxLength+1), c, "4097 bytes, longer than MaxLength 4096"},
		{"other keyring", "session", good, other, "unknown key"},
		{"wrong name", "csrf", good, c, "signature does not match"},
		{"not base64", "session", good[:40] + "!" + good[41:], c, "not canonical base64url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, info, err := tc.c.Open(tc.cookie, tc.value)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.detail) {
				t.Fatalf("Open(%q) err = %v, want ErrInvalid with %q", tc.value, err, tc.detail)
			}
			if p != nil || info != (Info{}) {
				t.Fatalf("Open(%q) = %q, %+v with an error", tc.value, p, info)
			}
			if strings.Contains(err.Error(), tc.value) && tc.value != "" {
				t.Fatalf("Open error %q contains the cookie value", err)
			}
		})
	}
}

// TestCookieNameCharacters checks every byte as a one-byte cookie name
// against the token characters of RFC 9110, which SPEC.md makes the
// characters of a name.
func TestCookieNameCharacters(t *testing.T) {
	const tchar = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	c := pinnedCodec(t, testRing(t, testKey(t, 1)), Options{}, testNow)
	for b := range 256 {
		name := string([]byte{byte(b)})
		want := strings.IndexByte(tchar, byte(b)) >= 0
		v, err := c.Seal(name, []byte("x"))
		if (err == nil) != want {
			t.Errorf("Seal(%q) err = %v, want valid = %v", name, err, want)
			continue
		}
		if !want {
			continue
		}
		if _, _, err := c.Open(name, v); err != nil {
			t.Errorf("Open(%q) err = %v", name, err)
		}
	}
}

func TestSealRejects(t *testing.T) {
	ring := testRing(t, testKey(t, 1))
	for _, tc := range []struct {
		name    string
		opts    Options
		cookie  string
		payload []byte
		tooBig  bool
		detail  string
	}{
		{"empty name", Options{}, "", nil, false, "cookie name must be 1 to 255 bytes, not 0"},
		{"name too long", Options{}, strings.Repeat("x", 256), nil, false, "not 256"},
		{"name with a semicolon", Options{}, "a;b", nil, false, "byte 0x3b at offset 1, which is not a token character"},
		{"name with a control byte", Options{}, "a\x7f", nil, false, "byte 0x7f at offset 1"},
		// 14 + 40 + 32 = 86 bytes, 115 characters: 15 over.
		{"signed over MaxLength", Options{MaxLength: 100}, "session", make([]byte, 40), true, "115 bytes, 15 more than MaxLength 100"},
		// 14 + 24 + 40 + 16 = 94 bytes, 126 characters: 26 over.
		{"encrypted over MaxLength", Options{Encrypt: true, MaxLength: 100}, "session", make([]byte, 40), true, "126 bytes, 26 more than MaxLength 100"},
		{"default MaxLength", Options{}, "session", make([]byte, 3100), true, "4195 bytes, 99 more than MaxLength 4096"},
		{"compressed payload over the inflate limit", Options{Compress: true}, "session", make([]byte, MaxInflatedSize+1), true, "payload is 65537 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := pinnedCodec(t, ring, tc.opts, testNow)
			v, err := c.Seal(tc.cookie, tc.payload)
			if err == nil || !strings.Contains(err.Error(), tc.detail) || errors.Is(err, ErrTooLarge) != tc.tooBig {
				t.Fatalf("Seal(%q, %d bytes) = %q, %v, want an error with %q (ErrTooLarge: %v)", tc.cookie, len(tc.payload), v, err, tc.detail, tc.tooBig)
			}
			if v != "" {
				t.Fatalf("Seal returned %q with an error", v)
			}
		})
	}
	t.Run("exactly MaxLength", func(t *testing.T) {
		// 14 + 61 + 32 = 107 bytes, 143 characters.
		c := pinnedCodec(t, ring, Options{MaxLength: 143}, testNow)
		if v, err := c.Seal("session", make([]byte, 61)); err != nil || len(v) != 143 {
			t.Fatalf("Seal = %d characters, %v; want 143, nil", len(v), err)
		}
		if _, err := c.Seal("session", make([]byte, 62)); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("Seal of one byte more: err = %v, want ErrTooLarge", err)
		}
	})
	t.Run("time before 1970", func(t *testing.T) {
		c := pinnedCodec(t, ring, Options{}, testNow)
		if _, err := c.seal("session", nil, time.Unix(-1, 0), nil); err == nil {
			t.Fatal("seal at Unix time -1 succeeded")
		}
	})
}

func TestExpiry(t *testing.T) {
	ring := testRing(t, testKey(t, 1))
	sealer := pinnedCodec(t, ring, Options{}, testNow)
	for _, tc := range []struct {
		name   string
		opts   Options
		issued time.Duration // relative to testNow
		want   error
		detail string
	}{
		{"now", Options{}, 0, nil, ""},
		{"one second ago", Options{}, -time.Second, nil, ""},
		{"at MaxAge", Options{}, -DefaultMaxAge, nil, ""},
		{"MaxAge plus one second", Options{}, -DefaultMaxAge - time.Second, ErrExpired, "cookie expired 1s ago (max age 744h)"},
		{"a day past MaxAge", Options{}, -DefaultMaxAge - 24*time.Hour, ErrExpired, "expired 24h ago"},
		{"custom MaxAge", Options{MaxAge: time.Hour}, -time.Hour - 90*time.Second, ErrExpired, "expired 1m30s ago (max age 1h)"},
		{"fractional MaxAge", Options{MaxAge: 1500 * time.Millisecond}, -2 * time.Second, ErrExpired, "expired"},
		{"fractional MaxAge, within", Options{MaxAge: 1500 * time.Millisecond}, -time.Second, nil, ""},
		{"within skew", Options{}, DefaultSkew, nil, ""},
		{"beyond skew", Options{}, DefaultSkew + time.Second, ErrInvalid, "issued 1m1s in the future (skew 1m)"},
		{"custom skew", Options{Skew: 5 * time.Minute}, 5 * time.Minute, nil, ""},
		{"beyond custom skew", Options{Skew: 5 * time.Minute}, 5*time.Minute + time.Second, ErrInvalid, "in the future"},
		{"skew does not extend MaxAge", Options{MaxAge: time.Hour, Skew: time.Hour}, -time.Hour - time.Second, ErrExpired, "expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := sealer.seal("session", []byte("x"), testNow.Add(tc.issued), nil)
			if err != nil {
				t.Fatal(err)
			}
			c := pinnedCodec(t, ring, tc.opts, testNow)
			p, info, err := c.Open("session", v)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Open(%q) err = %v, want %v", v, err, tc.want)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tc.detail) {
					t.Fatalf("Open(%q) err = %v, want it to contain %q", v, err, tc.detail)
				}
				if p != nil {
					t.Fatalf("Open(%q) payload = %q with an error", v, p)
				}
				return
			}
			if want := testNow.Add(tc.issued).UTC(); !info.IssuedAt.Equal(want) || info.IssuedAt.Location() != time.UTC {
				t.Fatalf("IssuedAt = %v, want %v", info.IssuedAt, want)
			}
		})
	}
}

// TestBitFlips flips every bit of a token and expects ErrInvalid for each.
func TestBitFlips(t *testing.T) {
	ring := testRing(t, testKey(t, 1), testKey(t, 2))
	payload := bytes.Repeat([]byte(`{"user":"Harry"}`), 8)
	for _, opts := range []Options{{}, {Encrypt: true}, {Compress: true}, {Encrypt: true, Compress: true}} {
		t.Run(fmt.Sprintf("encrypt=%v/compress=%v", opts.Encrypt, opts.Compress), func(t *testing.T) {
			c := pinnedCodec(t, ring, opts, testNow)
			v, err := c.Seal("session", payload)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := base64.RawURLEncoding.DecodeString(v)
			if err != nil {
				t.Fatal(err)
			}
			for i := range len(raw) * 8 {
				raw[i/8] ^= 1 << (i % 8)
				bad := base64.RawURLEncoding.EncodeToString(raw)
				raw[i/8] ^= 1 << (i % 8)
				if p, _, err := c.Open("session", bad); !errors.Is(err, ErrInvalid) || p != nil {
					t.Fatalf("bit %d flipped: Open(%q) = %q, %v, want nil, ErrInvalid", i, bad, p, err)
				}
			}
		})
	}
}

func TestCookieOctets(t *testing.T) {
	ring := testRing(t, testKey(t, 1))
	r := rand.New(rand.NewPCG(3, 4))
	for _, opts := range []Options{{}, {Encrypt: true}, {Compress: true}, {Encrypt: true, Compress: true}} {
		c := pinnedCodec(t, ring, opts, testNow)
		for range 200 {
			payload := make([]byte, r.IntN(2500))
			for i := range payload {
				payload[i] = byte(r.Uint32())
			}
			v, err := c.Seal("session", payload)
			if err != nil {
				t.Fatal(err)
			}
			if err := (&http.Cookie{Name: "session", Value: v}).Valid(); err != nil {
				t.Fatalf("Seal(%+v) = %q, not a valid cookie value: %v", opts, v, err)
			}
			if strings.ContainsAny(v, "=+/\"") {
				t.Fatalf("Seal(%+v) = %q, want base64url without padding", opts, v)
			}
		}
	}
}

// TestHugeValue checks that a 1 MiB value is rejected by its length alone:
// decoding it would take at least 768 KiB of memory, and the rejection
// takes next to none.
func TestHugeValue(t *testing.T) {
	c := pinnedCodec(t, testRing(t, testKey(t, 1)), Options{}, testNow)
	huge := strings.Repeat("A", 1<<20)
	open := func() {
		p, _, err := c.Open("session", huge)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "longer than MaxLength") || p != nil {
			t.Fatalf("Open(1 MiB) = %d bytes, %v, want ErrInvalid for the length", len(p), err)
		}
	}
	open() // warm the scratch pool
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 10
	for range n {
		open()
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > n*4096 {
		t.Fatalf("%d rejections of a 1 MiB value allocated %d bytes, want under %d", n, got, n*4096)
	}
}

func TestStale(t *testing.T) {
	a, b := testKey(t, 1), testKey(t, 2)
	old := pinnedCodec(t, testRing(t, a), Options{}, testNow)
	rotated := pinnedCodec(t, testRing(t, b, a), Options{}, testNow)
	for _, tc := range []struct {
		name      string
		sealer    *Codec
		wantKey   KeyID
		wantStale bool
	}{
		{"sealed by the old primary", old, a.ID(), true},
		{"sealed by the new primary", rotated, b.ID(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := tc.sealer.Seal("session", []byte("hi"))
			if err != nil {
				t.Fatal(err)
			}
			_, info, err := rotated.Open("session", v)
			if err != nil || info.Stale != tc.wantStale || info.KeyID != tc.wantKey {
				t.Fatalf("Open(%q) = %+v, %v; want key %s, Stale %v", v, info, err, tc.wantKey, tc.wantStale)
			}
		})
	}
}

func TestAcceptAnyMode(t *testing.T) {
	ring := testRing(t, testKey(t, 1))
	signed := pinnedCodec(t, ring, Options{}, testNow)
	encrypted := pinnedCodec(t, ring, Options{Encrypt: true}, testNow)
	sv, _ := signed.Seal("session", []byte("hi"))
	ev, _ := encrypted.Seal("session", []byte("hi"))
	for _, tc := range []struct {
		name      string
		opts      Options
		value     string
		wantErr   bool
		wantStale bool
	}{
		{"signed codec, encrypted token", Options{}, ev, true, false},
		{"encrypted codec, signed token", Options{Encrypt: true}, sv, true, false},
		{"signed codec accepting any mode, encrypted token", Options{AcceptAnyMode: true}, ev, false, true},
		{"encrypted codec accepting any mode, signed token", Options{Encrypt: true, AcceptAnyMode: true}, sv, false, true},
		{"signed codec accepting any mode, signed token", Options{AcceptAnyMode: true}, sv, false, false},
		{"encrypted codec accepting any mode, encrypted token", Options{Encrypt: true, AcceptAnyMode: true}, ev, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := pinnedCodec(t, ring, tc.opts, testNow)
			p, info, err := c.Open("session", tc.value)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "configured for") {
					t.Fatalf("Open(%q) err = %v, want ErrInvalid for the mode", tc.value, err)
				}
				return
			}
			if err != nil || string(p) != "hi" || info.Stale != tc.wantStale {
				t.Fatalf("Open(%q) = %q, %+v, %v; want \"hi\", Stale %v", tc.value, p, info, err, tc.wantStale)
			}
		})
	}
}

func TestOpenReturnsCopy(t *testing.T) {
	c := pinnedCodec(t, testRing(t, testKey(t, 1)), Options{}, testNow)
	v, _ := c.Seal("session", []byte("first"))
	p, _, err := c.Open("session", v)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := c.Seal("session", []byte("other"))
	if _, _, err := c.Open("session", w); err != nil {
		t.Fatal(err)
	}
	if string(p) != "first" {
		t.Fatalf("payload changed to %q by a later Open", p)
	}
}

func TestConcurrent(t *testing.T) {
	ring := testRing(t, testKey(t, 1), testKey(t, 2))
	for _, opts := range []Options{{}, {Encrypt: true, Compress: true}} {
		c, err := New(ring, opts)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Go(func() {
				for i := range 100 {
					want := []byte(strings.Repeat(fmt.Sprintf("goroutine %d value %d;", g, i), 1+i%20))
					v, err := c.Seal("session", want)
					if err != nil {
						errs <- err
						return
					}
					got, _, err := c.Open("session", v)
					if err != nil || !bytes.Equal(got, want) {
						errs <- fmt.Errorf("Open(%q) = %q, %v, want %q", v, got, err, want)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}

func TestErrorsHideSecrets(t *testing.T) {
	k := testKey(t, 'k')
	c := pinnedCodec(t, testRing(t, k), Options{Encrypt: true}, testNow)
	payload := []byte("secret-payload-text")
	v, _ := c.Seal("session", payload)
	raw, _ := base64.RawURLEncoding.DecodeString(v)
	raw[len(raw)-1] ^= 1
	bad := base64.RawURLEncoding.EncodeToString(raw)
	_, _, err := c.Open("session", bad)
	if err == nil {
		t.Fatal("tampered token opened")
	}
	for _, s := range []string{bad, string(payload), k.ExportSecret(), hex.EncodeToString(k.k.sec.secret), string(k.k.sec.secret)} {
		if strings.Contains(err.Error(), s) {
			t.Fatalf("error %q reveals %q", err, s)
		}
	}
}
