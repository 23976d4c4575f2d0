package gorilla

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/gob"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/google/go-cmp/cmp"
)

var testHashKey = []byte("hash key one: 32 bytes long ....")

// seal builds a securecookie envelope around body, which must already be
// serialized (and encrypted), for tests of what lies behind the MAC. The
// golden cookies and the interop tests use the real securecookie.
func seal(hf func() hash.Hash, hashKey []byte, name string, ts int64, body []byte) string {
	signed := strconv.FormatInt(ts, 10) + "|" + base64.URLEncoding.EncodeToString(body)
	m := hmac.New(hf, hashKey)
	m.Write([]byte(name + "|" + signed))
	return base64.URLEncoding.EncodeToString(append([]byte(signed+"|"), m.Sum(nil)...))
}

func gobBody(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func newTestDecoder(t testing.TB, opts Options, now int64) *Decoder {
	t.Helper()
	if opts.Keys == nil {
		opts.Keys = []KeyPair{{HashKey: testHashKey}}
	}
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	d.now = func() time.Time { return time.Unix(now, 0) }
	return d
}

// mutate decodes a cookie's outer base64, lets f change the bytes, and
// encodes them again.
func mutate(t *testing.T, value string, f func([]byte) []byte) string {
	t.Helper()
	raw, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		t.Fatal(err)
	}
	return base64.URLEncoding.EncodeToString(f(raw))
}

func goldenNamed(t *testing.T, name string) golden {
	t.Helper()
	for _, g := range loadGoldens(t) {
		if g.name == name {
			return g
		}
	}
	t.Fatalf("no golden %s", name)
	return golden{}
}

func TestDecodeRejects(t *testing.T) {
	g := goldenNamed(t, "sessions_gob_aes128")
	d := g.decoder(t)
	if _, _, err := d.Decode(g.CookieName, g.Cookie); err != nil {
		t.Fatalf("Decode(%q) err = %v", g.Cookie, err)
	}
	sep := func(raw []byte, n int) int {
		i := -1
		for ; n > 0; n-- {
			i += 1 + bytes.IndexByte(raw[i+1:], '|')
		}
		return i
	}
	for _, tc := range []struct {
		name, cookieName, value, want string
	}{
		{"wrong name", "other", g.Cookie, "MAC does not match"},
		{"name prefix", "sessio", g.Cookie, "MAC does not match"},
		{"timestamp changed", "session", mutate(t, g.Cookie, func(b []byte) []byte { b[0]--; return b }), "MAC does not match"},
		{"body changed", "session", mutate(t, g.Cookie, func(b []byte) []byte { b[sep(b, 1)+5] ^= 1; return b }), "MAC does not match"},
		{"MAC changed", "session", mutate(t, g.Cookie, func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b }), "MAC does not match"},
		{"MAC cut", "session", mutate(t, g.Cookie, func(b []byte) []byte { return b[:len(b)-1] }), "MAC is 31 bytes, want 32"},
		{"MAC extended", "session", mutate(t, g.Cookie, func(b []byte) []byte { return append(b, 0) }), "MAC is 33 bytes, want 32"},
		{"no MAC field", "session", base64.URLEncoding.EncodeToString([]byte("1|abc")), "no MAC field"},
		{"no fields", "session", base64.URLEncoding.EncodeToString([]byte("1")), "no timestamp field"},
		{"empty", "session", "", "empty value"},
		{"standard alphabet", "session", strings.NewReplacer("-", "+", "_", "/").Replace(g.Cookie) + "+", "not canonical padded base64url"},
		{"newline inside", "session", g.Cookie[:8] + "\n" + g.Cookie[8:], "not canonical padded base64url"},
		{"too long, checked before base64", "session", strings.Repeat("!", DefaultMaxLength+1), "4097 bytes, longer than MaxLength 4096"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, info, err := d.Decode(tc.cookieName, tc.value)
			if s != nil || info != (cookiecodec.Info{}) || !errors.Is(err, cookiecodec.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode(%q) = %v, %v, %v; want nil and ErrInvalid saying %q", tc.value, s, info, err, tc.want)
			}
		})
	}
}

// TestNonCanonicalPadding checks that padding bits which
// base64.URLEncoding ignores are rejected.
func TestNonCanonicalPadding(t *testing.T) {
	const now = 1_800_000_000
	d := newTestDecoder(t, Options{}, now)
	// Find a session whose cookie ends in padding.
	var v string
	for n := 0; !strings.HasSuffix(v, "="); n++ {
		v = seal(sha256.New, testHashKey, "s", now, gobBody(t, map[any]any{"a": strings.Repeat("x", n)}))
	}
	if _, _, err := d.Decode("s", v); err != nil {
		t.Fatalf("Decode(%q) err = %v", v, err)
	}
	i := strings.IndexByte(v, '=')
	if _, _, err := d.Decode("s", v[:i]); !errors.Is(err, cookiecodec.ErrInvalid) {
		t.Fatalf("Decode(%q) err = %v, want ErrInvalid", v[:i], err)
	}
	b := []byte(v)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b[i-1] = alphabet[strings.IndexByte(alphabet, b[i-1])|1]
	if string(b) == v {
		b[i-1] = alphabet[strings.IndexByte(alphabet, b[i-1])&^1]
	}
	if _, _, err := d.Decode("s", string(b)); !errors.Is(err, cookiecodec.ErrInvalid) {
		t.Fatalf("Decode(%q) err = %v, want ErrInvalid", b, err)
	}
}

func TestAge(t *testing.T) {
	const made = 1_800_000_000
	v := seal(sha256.New, testHashKey, "s", made, gobBody(t, map[any]any{"a": 1}))
	for _, tc := range []struct {
		name string
		opts Options
		now  int64
		want error // nil, ErrInvalid or ErrExpired
		msg  string
	}{
		{"fresh", Options{}, made, nil, ""},
		{"last second of MaxAge", Options{}, made + 30*86400, nil, ""},
		{"a second past MaxAge", Options{}, made + 30*86400 + 1, cookiecodec.ErrExpired, "expired timestamp: 1s ago (max age 720h0m0s)"},
		{"MaxAge option", Options{MaxAge: time.Hour + time.Second/2}, made + 3601, cookiecodec.ErrExpired, "expired timestamp: 1s ago (max age 1h0m0s)"},
		{"future without Skew, as securecookie", Options{}, made - 10*365*86400, nil, ""},
		{"future within Skew", Options{Skew: time.Minute}, made - 60, nil, ""},
		{"future beyond Skew", Options{Skew: time.Minute}, made - 61, cookiecodec.ErrInvalid, "timestamp is too new: made 1m1s in the future (skew 1m0s)"},
		{"younger than MinAge", Options{MinAge: 10 * time.Second}, made + 9, cookiecodec.ErrInvalid, "timestamp is too new: made 9s ago (min age 10s)"},
		{"MinAge reached", Options{MinAge: 10 * time.Second}, made + 10, nil, ""},
		{"future with MinAge", Options{MinAge: 10 * time.Second}, made - 1, cookiecodec.ErrInvalid, "timestamp is too new"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDecoder(t, tc.opts, tc.now)
			s, info, err := d.Decode("s", v)
			if tc.want == nil {
				if err != nil || !info.IssuedAt.Equal(time.Unix(made, 0)) {
					t.Fatalf("Decode(%q) = %v, %v, want IssuedAt %v", v, info, err, time.Unix(made, 0))
				}
				return
			}
			if s != nil || !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Decode(%q) err = %v, want %v saying %q", v, err, tc.want, tc.msg)
			}
		})
	}
}

// TestExtremeTimestamps checks that authentic timestamps at the ends of
// int64 are judged without overflow.
func TestExtremeTimestamps(t *testing.T) {
	const now = 1_800_000_000
	for _, tc := range []struct {
		ts   int64
		opts Options
		want error
	}{
		{-1 << 63, Options{}, cookiecodec.ErrExpired},
		{1<<63 - 1, Options{}, nil},
		{1<<63 - 1, Options{Skew: time.Second}, cookiecodec.ErrInvalid},
		{-1 << 63, Options{MinAge: time.Second}, cookiecodec.ErrExpired},
	} {
		d := newTestDecoder(t, tc.opts, now)
		v := seal(sha256.New, testHashKey, "s", tc.ts, gobBody(t, map[any]any{"a": 1}))
		if _, _, err := d.Decode("s", v); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("Decode(ts %d) err = %v, want %v", tc.ts, err, tc.want)
		}
	}
}

func TestTimestampField(t *testing.T) {
	const now = 1_800_000_000
	d := newTestDecoder(t, Options{}, now)
	body := base64.URLEncoding.EncodeToString(gobBody(t, map[any]any{"a": 1}))
	for _, tc := range []struct {
		ts string
		ok bool
	}{
		{"1800000000", true},
		{"+1800000000", true}, // strconv.ParseInt, as in securecookie
		{"", false},
		{"18e8", false},
		{"99999999999999999999", false},
	} {
		signed := tc.ts + "|" + body
		m := hmac.New(sha256.New, testHashKey)
		m.Write([]byte("s|" + signed))
		v := base64.URLEncoding.EncodeToString(append([]byte(signed+"|"), m.Sum(nil)...))
		_, _, err := d.Decode("s", v)
		if tc.ok != (err == nil) || err != nil && (!errors.Is(err, cookiecodec.ErrInvalid) || !strings.Contains(err.Error(), "invalid timestamp")) {
			t.Errorf("Decode(timestamp %q) err = %v, want ok %v", tc.ts, err, tc.ok)
		}
	}
}

func TestHashFunc(t *testing.T) {
	const now = 1_800_000_000
	d := newTestDecoder(t, Options{HashFunc: sha512.New}, now)
	v := seal(sha512.New, testHashKey, "s", now, gobBody(t, map[any]any{"a": 1}))
	if _, _, err := d.Decode("s", v); err != nil {
		t.Fatalf("Decode(%q) err = %v", v, err)
	}
	v = seal(sha256.New, testHashKey, "s", now, gobBody(t, map[any]any{"a": 1}))
	if _, _, err := d.Decode("s", v); !errors.Is(err, cookiecodec.ErrInvalid) {
		t.Fatalf("Decode(HMAC-SHA256 cookie) err = %v, want ErrInvalid", err)
	}
}

func TestMaxLength(t *testing.T) {
	const now = 1_800_000_000
	v := seal(sha256.New, testHashKey, "s", now, gobBody(t, map[any]any{"a": strings.Repeat("x", 100)}))
	for _, tc := range []struct {
		max int
		ok  bool
	}{{len(v), true}, {len(v) - 1, false}} {
		d := newTestDecoder(t, Options{MaxLength: tc.max}, now)
		if _, _, err := d.Decode("s", v); tc.ok != (err == nil) {
			t.Errorf("MaxLength %d: Decode(%d bytes) err = %v", tc.max, len(v), err)
		}
	}
}

func TestNewErrors(t *testing.T) {
	k := []KeyPair{{HashKey: testHashKey}}
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"no keys", Options{}, "gorilla: no key pairs"},
		{"no hash key", Options{Keys: []KeyPair{{HashKey: testHashKey}, {BlockKey: make([]byte, 16)}}}, "gorilla: key pair 2 of 2 has no hash key"},
		{"block key length", Options{Keys: []KeyPair{{HashKey: testHashKey, BlockKey: make([]byte, 20)}}}, "gorilla: block key of pair 1 of 1 is 20 bytes; AES takes 16, 24 or 32"},
		{"serializer", Options{Keys: k, Serializer: 7}, "gorilla: unknown Serializer(7)"},
		{"MaxAge", Options{Keys: k, MaxAge: time.Millisecond}, "gorilla: MaxAge 1ms is less than one second"},
		{"MaxAge negative", Options{Keys: k, MaxAge: -time.Hour}, "less than one second"},
		{"MinAge", Options{Keys: k, MinAge: -time.Second}, "gorilla: MinAge -1s is negative"},
		{"Skew", Options{Keys: k, Skew: -time.Second}, "gorilla: Skew -1s is negative"},
		{"MaxLength", Options{Keys: k, MaxLength: 47}, "gorilla: MaxLength 47 is less than 48, the shortest cookie"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d, err := New(tc.opts); d != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%v) = %v, %v, want error %q", tc.opts, d, err, tc.want)
			}
		})
	}
}

// TestKeysCopied checks that changing the caller's key bytes after New
// does not change the decoder.
func TestKeysCopied(t *testing.T) {
	const now = 1_800_000_000
	hk := bytes.Clone(testHashKey)
	d := newTestDecoder(t, Options{Keys: []KeyPair{{HashKey: hk}}}, now)
	clear(hk)
	v := seal(sha256.New, testHashKey, "s", now, gobBody(t, map[any]any{"a": 1}))
	if _, _, err := d.Decode("s", v); err != nil {
		t.Fatalf("Decode after clearing the caller's key: %v", err)
	}
}

// TestSharedHashKey checks that, as securecookie.DecodeMulti does, a pair
// whose MAC matches but whose block key does not decrypt the body hands on
// to the next pair.
func TestSharedHashKey(t *testing.T) {
	g := goldenNamed(t, "sessions_gob_aes128")
	opts := g.options(t)
	opts.Keys = append([]KeyPair{{HashKey: opts.Keys[0].HashKey, BlockKey: make([]byte, 16)}}, opts.Keys...)
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	d.now = func() time.Time { return time.Unix(g.Now, 0) }
	s, info, err := d.Decode(g.CookieName, g.Cookie)
	if err != nil || !info.Stale {
		t.Fatalf("Decode(%q) = %v, %v; want the second pair to open it", g.Cookie, info, err)
	}
	if diff := cmp.Diff(wantValues, s); diff != "" {
		t.Errorf("session (-want +got):\n%s", diff)
	}
}

// TestConcurrentDecode decodes the golden cookies from several goroutines
// at once, for the race detector: the decoder's pools are shared.
func TestConcurrentDecode(t *testing.T) {
	var decoders []*Decoder
	var gs []golden
	for _, g := range loadGoldens(t) {
		if g.Error == "" {
			decoders, gs = append(decoders, g.decoder(t)), append(gs, g)
		}
	}
	errs := make(chan error, 8)
	for w := range 8 {
		go func() {
			var err error
			for i := range 50 {
				j := (w + i) % len(gs)
				if _, _, e := decoders[j].Decode(gs[j].CookieName, gs[j].Cookie); e != nil && err == nil {
					err = fmt.Errorf("%s: %v", gs[j].name, e)
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
