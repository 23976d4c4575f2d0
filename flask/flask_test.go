package flask

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

var (
	testSecret   = []byte("test current secret, long enough")
	testFallback = []byte("test fallback secret")
	testNow      = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// newTestCodec returns a codec for opts whose clock reads testNow, with
// testSecret and testFallback unless opts has secrets.
func newTestCodec(t testing.TB, opts Options) *Codec {
	t.Helper()
	if opts.SecretKeys == nil {
		opts.SecretKeys = [][]byte{testSecret, testFallback}
	}
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New() err = %v", err)
	}
	c.now = func() time.Time { return testNow }
	return c
}

// signed returns payload "." timestamp signed with c's current key, for
// cookies Encode would never write.
func signed(c *Codec, payload, timestamp string) string {
	msg := payload + "." + timestamp
	return string(c.keys[0].appendSignature([]byte(msg+"."), msg))
}

func tsField(ts int64) string { return string(appendTimestamp(nil, ts)) }

func b64Field(p []byte) string { return base64.RawURLEncoding.EncodeToString(p) }

func zlibBytes(p []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(p)
	w.Close()
	return buf.Bytes()
}

func TestNew(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"no keys", Options{}, "flask: no secret keys"},
		{"empty key", Options{SecretKeys: [][]byte{testSecret, {}}}, "flask: secret key 2 of 2 is empty"},
		{"repeated key", Options{SecretKeys: [][]byte{testSecret, testFallback, testSecret}}, "flask: secret key 3 of 3 repeats key 1"},
		{"short max age", Options{SecretKeys: [][]byte{testSecret}, MaxAge: time.Millisecond}, "flask: MaxAge 1ms is less than one second"},
		{"negative max age", Options{SecretKeys: [][]byte{testSecret}, MaxAge: -time.Hour}, "flask: MaxAge -1h0m0s is less than one second"},
		{"negative skew", Options{SecretKeys: [][]byte{testSecret}, Skew: -time.Second}, "flask: Skew -1s is negative"},
		{"short max length", Options{SecretKeys: [][]byte{testSecret}, MaxLength: 20}, "flask: MaxLength 20 is less than 31, the shortest cookie"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.opts)
			if err == nil || err.Error() != tc.want || c != nil {
				t.Errorf("New() = %v, %v, want error %q", c, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), string(testSecret)) {
				t.Errorf("New() error %q contains the secret", err)
			}
		})
	}

	c, err := New(Options{SecretKeys: [][]byte{[]byte("x")}})
	if err != nil {
		t.Fatalf("New(one-byte secret) err = %v", err)
	}
	if c.MaxAge() != DefaultMaxAge || c.skew != 0 || c.MaxLength() != DefaultMaxLength {
		t.Errorf("defaults: MaxAge %v, skew %d, MaxLength %d", c.MaxAge(), c.skew, c.MaxLength())
	}
	c, err = New(Options{SecretKeys: [][]byte{testSecret}, MaxAge: 90*time.Minute + 500*time.Millisecond, Skew: 2500 * time.Millisecond})
	if err != nil || c.MaxAge() != 90*time.Minute || c.skew != 2 {
		t.Errorf("New() = MaxAge %v, skew %d, %v: want whole seconds", c.MaxAge(), c.skew, err)
	}
}

func TestKeyID(t *testing.T) {
	c := newTestCodec(t, Options{})
	ids := c.KeyIDs()
	if len(ids) != 2 || ids[0] != KeyID(testSecret) || ids[1] != KeyID(testFallback) || ids[0] == ids[1] {
		t.Errorf("KeyIDs() = %v", ids)
	}
	// Fixed by the derivation, so that tools agree on it: Python's
	// hmac.new(b"secret", b"cookiecodec flask key id", "sha256").
	if got := KeyID([]byte("secret")).String(); got != "bb5b2b94" {
		t.Errorf("KeyID(secret) = %s, want bb5b2b94", got)
	}
	// The same secret under another salt has the same id.
	other := newTestCodec(t, Options{Salt: "other"})
	if other.KeyIDs()[0] != ids[0] {
		t.Errorf("KeyID depends on the salt")
	}
}

func TestRoundTrip(t *testing.T) {
	c := newTestCodec(t, Options{})
	s := cookiecodec.Session{
		"user":  "harry",
		"id":    int64(7),
		"tags":  Tuple{"a", []byte("b"), Markup("<c>"), testUUID},
		"when":  time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		"ratio": 0.25,
		"deep":  map[string]any{" t": []any{nil, true}},
	}
	v, err := c.Encode("session", s)
	if err != nil {
		t.Fatalf("Encode() err = %v", err)
	}
	if !LooksLikeFlask(v) {
		t.Errorf("LooksLikeFlask(%q) = false", v)
	}
	// The name is not part of the format.
	got, info, err := c.Decode("another-name", v)
	if err != nil {
		t.Fatalf("Decode(%q) err = %v", v, err)
	}
	want := cookiecodec.Info{KeyID: KeyID(testSecret), IssuedAt: testNow, Compressed: strings.HasPrefix(v, ".")}
	if info != want {
		t.Errorf("Decode() info = %+v, want %+v", info, want)
	}
	a, _ := MarshalTagged(s)
	b, _ := MarshalTagged(got)
	if !bytes.Equal(a, b) {
		t.Errorf("Decode(Encode(s)) = %s, want %s", b, a)
	}
	if n, ok := cookiecodec.Get[int](got, "id"); !ok || n != 7 {
		t.Errorf("Get[int](id) = %v, %v", n, ok)
	}
}

func TestCompression(t *testing.T) {
	c := newTestCodec(t, Options{})
	s := cookiecodec.Session{"text": strings.Repeat("hello world ", 300)}
	v, err := c.Encode("session", s)
	if err != nil {
		t.Fatalf("Encode() err = %v", err)
	}
	if !strings.HasPrefix(v, ".") || len(v) > 200 {
		t.Fatalf("Encode(repetitive) = %d bytes %.20q..., want compressed", len(v), v)
	}
	got, info, err := c.Decode("session", v)
	if err != nil || !info.Compressed || got["text"] != s["text"] {
		t.Errorf("Decode(compressed) = %.20v, %+v, %v", got, info, err)
	}
	// Short payloads stay as they are, as in Flask.
	v, _ = c.Encode("session", cookiecodec.Session{"a": 1})
	if want := "eyJhIjoxfQ." + tsField(testNow.Unix()) + "."; !strings.HasPrefix(v, want) {
		t.Errorf("Encode({a: 1}) = %q, want prefix %q", v, want)
	}
}

func TestFallbackIsStale(t *testing.T) {
	old := newTestCodec(t, Options{SecretKeys: [][]byte{testFallback}})
	v, err := old.Encode("session", cookiecodec.Session{"user": "ron"})
	if err != nil {
		t.Fatal(err)
	}
	c := newTestCodec(t, Options{})
	s, info, err := c.Decode("session", v)
	if err != nil || !info.Stale || info.KeyID != KeyID(testFallback) || s["user"] != "ron" {
		t.Errorf("Decode(fallback-signed) = %v, %+v, %v, want stale with the fallback's id", s, info, err)
	}
	// Re-issued, it is signed with the current key.
	v2, _ := c.Encode("session", s)
	if _, info, err := c.Decode("session", v2); err != nil || info.Stale {
		t.Errorf("Decode(re-issued) = %+v, %v, want current", info, err)
	}
	// The old codec alone does not know the new key.
	if _, _, err := old.Decode("session", v2); !errors.Is(err, cookiecodec.ErrInvalid) {
		t.Errorf("old Decode(re-issued) err = %v, want ErrInvalid", err)
	}
}

func TestSalt(t *testing.T) {
	a := newTestCodec(t, Options{})
	b := newTestCodec(t, Options{Salt: "other-salt"})
	v, _ := b.Encode("session", cookiecodec.Session{"a": 1})
	if _, _, err := a.Decode("session", v); !errors.Is(err, cookiecodec.ErrInvalid) {
		t.Errorf("Decode(other salt) err = %v, want ErrInvalid", err)
	}
	if _, _, err := b.Decode("session", v); err != nil {
		t.Errorf("Decode(same salt) err = %v", err)
	}
	d := newTestCodec(t, Options{Salt: DefaultSalt})
	if _, _, err := d.Decode("session", v); !errors.Is(err, cookiecodec.ErrInvalid) {
		t.Errorf("Decode(default salt) err = %v, want ErrInvalid", err)
	}
}

func TestAge(t *testing.T) {
	now := testNow.Unix()
	for _, tc := range []struct {
		name   string
		opts   Options
		issued int64
		target error
		want   string
	}{
		{"now", Options{}, now, nil, ""},
		{"at max age", Options{}, now - 31*24*3600, nil, ""},
		{"a second past max age", Options{}, now - 31*24*3600 - 1, cookiecodec.ErrExpired, "cookiecodec: cookie expired 1s ago (max age 744h)"},
		{"hours past", Options{MaxAge: time.Hour}, now - 3*3600, cookiecodec.ErrExpired, "cookiecodec: cookie expired 2h ago (max age 1h)"},
		{"minutes past", Options{MaxAge: time.Hour}, now - 3600 - 61, cookiecodec.ErrExpired, "cookie expired 1m1s ago (max age 1h)"},
		{"a second ahead", Options{}, now + 1, cookiecodec.ErrInvalid, "cookiecodec: invalid cookie: signed 1s in the future (skew 0s)"},
		{"within skew", Options{Skew: time.Minute}, now + 60, nil, ""},
		{"beyond skew", Options{Skew: time.Minute}, now + 61, cookiecodec.ErrInvalid, "signed 1m1s in the future (skew 1m)"},
		{"far future", Options{}, maxUnixSeconds, cookiecodec.ErrInvalid, "in the future"},
		{"epoch", Options{}, 1, cookiecodec.ErrExpired, "expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCodec(t, tc.opts)
			v, err := c.encode(cookiecodec.Session{"a": 1}, time.Unix(tc.issued, 0))
			if err != nil {
				t.Fatal(err)
			}
			s, info, err := c.Decode("session", v)
			if tc.target == nil {
				if err != nil || info.IssuedAt.Unix() != tc.issued {
					t.Errorf("Decode() = %+v, %v", info, err)
				}
				return
			}
			if !errors.Is(err, tc.target) || !strings.Contains(err.Error(), tc.want) || s != nil || info != (cookiecodec.Info{}) {
				t.Errorf("Decode() = %v, %+v, %v, want %v saying %q", s, info, err, tc.target, tc.want)
			}
		})
	}
}

func TestDecodeInvalid(t *testing.T) {
	c := newTestCodec(t, Options{})
	now := tsField(testNow.Unix())
	good, _ := c.Encode("session", cookiecodec.Session{"a": 1})
	big := signed(c, b64Field([]byte(`{"a":"`+strings.Repeat("x", 70000)+`"}`)), now)
	for _, tc := range []struct{ name, value, want string }{
		{"empty", "", "0 bytes, too short"},
		{"too long", good + strings.Repeat("A", DefaultMaxLength), "longer than MaxLength 4096"},
		{"native token", strings.Repeat("A", 80), "want payload.timestamp.signature"},
		{"one dot", "eyJhIjoxfQ." + strings.Repeat("A", 27), "want payload.timestamp.signature"},
		{"empty payload", "." + now + "." + strings.Repeat("A", 27), "in base64url"},
		{"empty compressed payload", ".." + now + "." + strings.Repeat("A", 27), "in base64url"},
		{"dot in payload", "eyJh.IjoxfQ." + now + "." + strings.Repeat("A", 27), "in base64url"},
		{"empty timestamp", "eyJhIjoxfQ.." + strings.Repeat("A", 27), "in base64url"},
		{"padding", "eyJhIjoxfQ==." + now + "." + strings.Repeat("A", 27), "in base64url"},
		{"space", "eyJhIjoxfQ ." + now + "." + strings.Repeat("A", 27), "in base64url"},
		{"short signature", "eyJhIjoxfQ." + now + "." + strings.Repeat("A", 26), "signature is 26 characters, want 27"},
		{"long signature", "eyJhIjoxfQ." + now + "." + strings.Repeat("A", 28), "signature is 28 characters, want 27"},
		{"long timestamp", "eyJhIjoxfQ." + strings.Repeat("A", 12) + "." + strings.Repeat("A", 27), "malformed timestamp"},
		{"non-canonical signature", good[:len(good)-1] + string(good[len(good)-1]^1), ""},
		{"signature of other key", "eyJhIjoxfQ." + now + "." + strings.Repeat("A", 27), "signature does not match"},
		{"leading zero timestamp", signed(c, "eyJhIjoxfQ", b64Field([]byte{0, 1, 2, 3})), "malformed timestamp"},
		{"nine-byte timestamp", signed(c, "eyJhIjoxfQ", b64Field(make([]byte, 9))), "malformed timestamp"},
		{"timestamp past year 9999", signed(c, "eyJhIjoxfQ", b64Field([]byte{0x80, 0, 0, 0, 0, 0, 0, 0})), "timestamp out of range"},
		{"timestamp not canonical base64", signed(c, "eyJhIjoxfQ", "aVW5AB"), "malformed timestamp"},
		{"payload not canonical base64", signed(c, "eyJhIjoxfR", now), "payload is not canonical base64url"},
		{"payload not json", signed(c, b64Field([]byte("{")), now), "session payload: object key is not a string at offset 1"},
		{"payload array", signed(c, b64Field([]byte("[]")), now), "session payload: top level is not an object"},
		{"payload bad tag", signed(c, b64Field([]byte(`{"a":{" b":1}}`)), now), `malformed " b" tag`},
		{"integer Python refuses", signed(c, "."+b64Field(zlibBytes([]byte(`{"a":`+strings.Repeat("7", MaxIntDigits+1)+`}`))), now), "session payload: integer of 4301 digits"},
		{"not zlib", signed(c, "."+b64Field([]byte(`{"a":1}`)), now), "corrupt compressed payload"},
		{"raw deflate", signed(c, "."+b64Field(zlibBytes([]byte(`{"a":1}`))[2:]), now), "corrupt compressed payload"},
		{"bad checksum", signed(c, "."+b64Field(append(zlibBytes([]byte(`{"a":1}`))[:13], 0, 0, 0, 0)), now), "corrupt compressed payload"},
		{"trailing data after zlib", signed(c, "."+b64Field(append(zlibBytes([]byte(`{"a":1}`)), 0)), now), "trailing data after compressed payload"},
		{"inflates beyond cap", signed(c, "."+b64Field(zlibBytes([]byte(`{"a":"`+strings.Repeat("x", 70000)+`"}`))), now), "payload inflates beyond 65536 bytes"},
		{"uncompressed beyond max length", big, "longer than MaxLength"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, info, err := c.Decode("session", tc.value)
			if !errors.Is(err, cookiecodec.ErrInvalid) || !strings.Contains(err.Error(), tc.want) || s != nil || info != (cookiecodec.Info{}) {
				t.Errorf("Decode(%.60q) = %v, %+v, %v, want ErrInvalid saying %q", tc.value, s, info, err, tc.want)
			}
			if err != nil && (strings.Contains(err.Error(), string(testSecret)) || strings.Contains(err.Error(), "xxxx") ||
				len(tc.value) > 20 && strings.Contains(err.Error(), tc.value[:20])) {
				t.Errorf("Decode() error %q holds a secret, payload or cookie", err)
			}
		})
	}
	// The same payloads inflate under the cap when the codec allows them
	// through: the cases above fail for the reason they name.
	ok := signed(c, "."+b64Field(zlibBytes([]byte(`{"a":"`+strings.Repeat("x", 60000)+`"}`))), now)
	if _, _, err := c.Decode("session", ok); err != nil {
		t.Errorf("Decode(inflates to 60006 bytes) err = %v", err)
	}
	ok = signed(c, "."+b64Field(zlibBytes([]byte(`{"a":`+strings.Repeat("7", MaxIntDigits)+`}`))), now)
	if s, _, err := c.Decode("session", ok); err != nil || s["a"] != json.Number(strings.Repeat("7", MaxIntDigits)) {
		t.Errorf("Decode(integer of %d digits) = %.40v, %v", MaxIntDigits, s, err)
	}
}

func TestEncodeErrors(t *testing.T) {
	c := newTestCodec(t, Options{MaxLength: 100})
	var noise []byte
	for i := range 100 {
		noise = append(noise, byte('!'+i*37%90))
	}
	_, err := c.Encode("session", cookiecodec.Session{"a": string(noise)})
	if !errors.Is(err, cookiecodec.ErrTooLarge) || !strings.Contains(err.Error(), "more than MaxLength 100") {
		t.Errorf("Encode(long) err = %v, want ErrTooLarge", err)
	}
	c = newTestCodec(t, Options{})
	_, err = c.Encode("session", cookiecodec.Session{"a": strings.Repeat("x", cookiecodec.MaxInflatedSize)})
	if !errors.Is(err, cookiecodec.ErrTooLarge) || !strings.Contains(err.Error(), "more than the 65536 a cookie can carry") {
		t.Errorf("Encode(over inflate cap) err = %v, want ErrTooLarge", err)
	}
	// Compressible sessions beyond MaxLength before compression fit.
	if _, err := c.Encode("session", cookiecodec.Session{"a": strings.Repeat("x", 60000)}); err != nil {
		t.Errorf("Encode(60000 compressible bytes) err = %v", err)
	}
	_, err = c.Encode("session", cookiecodec.Session{"secret": "hunter2", "bad": func() {}})
	if err == nil || err.Error() != `flask: session["bad"]: unsupported type func()` {
		t.Errorf("Encode(func) err = %v", err)
	}
	_, err = c.Encode("session", cookiecodec.Session{"n": json.Number(strings.Repeat("7", MaxIntDigits+1))})
	if err == nil || err.Error() != `flask: session["n"]: integer of 4301 digits, more than the 4300 that Python reads` {
		t.Errorf("Encode(integer of %d digits) err = %v", MaxIntDigits+1, err)
	}
	if _, err := c.encode(cookiecodec.Session{}, time.Unix(0, 0)); err == nil {
		t.Errorf("encode(at the epoch) err = nil")
	}
}

func TestInspectUnverified(t *testing.T) {
	c := newTestCodec(t, Options{})
	plain, _ := c.Encode("session", cookiecodec.Session{"a": 1})
	packed, _ := c.Encode("session", cookiecodec.Session{"a": strings.Repeat("ab", 500)})
	for _, tc := range []struct {
		name, value string
		want        Unverified
	}{
		{"plain", plain, Unverified{IssuedAt: testNow, Payload: []byte(`{"a":1}`)}},
		{"compressed", packed, Unverified{IssuedAt: testNow, Compressed: true, Payload: []byte(`{"a":"` + strings.Repeat("ab", 500) + `"}`)}},
		{"wrong signature", plain[:len(plain)-27] + strings.Repeat("A", 27), Unverified{IssuedAt: testNow, Payload: []byte(`{"a":1}`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := InspectUnverified(tc.value)
			if err != nil || !u.IssuedAt.Equal(tc.want.IssuedAt) || u.Compressed != tc.want.Compressed || !bytes.Equal(u.Payload, tc.want.Payload) {
				t.Errorf("InspectUnverified(%.40q) = %+v, %v, want %+v", tc.value, u, err, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, value, want string }{
		{"native token", strings.Repeat("A", 100), "want payload.timestamp.signature"},
		{"too long", strings.Repeat("A", MaxUnverifiedLength+1), "longer than 87423"},
		{"bad timestamp", "eyJhIjoxfQ.AAEC." + strings.Repeat("A", 27), "malformed timestamp"},
		{"bad zlib", ".eyJhIjoxfQ." + tsField(1) + "." + strings.Repeat("A", 27), "corrupt compressed payload"},
		{"inflate cap", "." + b64Field(zlibBytes(make([]byte, 70000))) + "." + tsField(1) + "." + strings.Repeat("A", 27), "inflates beyond 65536"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := InspectUnverified(tc.value)
			if !errors.Is(err, cookiecodec.ErrInvalid) || !strings.Contains(err.Error(), tc.want) || u.Payload != nil {
				t.Errorf("InspectUnverified(%.40q) = %+v, %v, want ErrInvalid saying %q", tc.value, u, err, tc.want)
			}
		})
	}
}

func TestLooksLikeFlask(t *testing.T) {
	sig := strings.Repeat("A", 27)
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"plain", "eyJhIjoxfQ.aVW5AA." + sig, true},
		{"compressed", ".eJyrVkpUsjI0MjA0NjYxNjE1sDQ2MjUwMQAAQ1wF6A.aVW5AA." + sig, true},
		{"empty", "", false},
		{"native token", strings.Repeat("AQ", 60), false},
		{"jwt-like", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", false},
		{"short signature", "eyJhIjoxfQ.aVW5AA." + sig[1:], false},
		{"four parts", "a.eyJhIjoxfQ.aVW5AA." + sig, false},
		{"non base64", "eyJhIjoxfQ!.aVW5AA." + sig, false},
		{"long timestamp", "eyJhIjoxfQ.AAAAAAAAAAAA." + sig, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LooksLikeFlask(tc.value); got != tc.want {
				t.Errorf("LooksLikeFlask(%q) = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}

func TestMaxUnverifiedLength(t *testing.T) {
	if want := base64.RawURLEncoding.EncodedLen(cookiecodec.MaxInflatedSize) + 1 + maxTSLen + 1 + sigLen + 1; MaxUnverifiedLength != want {
		t.Errorf("MaxUnverifiedLength = %d, want %d", MaxUnverifiedLength, want)
	}
}

func TestFormatSeconds(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0s"}, {-5, "0s"}, {1, "1s"}, {59, "59s"}, {60, "1m"}, {61, "1m1s"}, {3600, "1h"},
		{3660, "1h1m"}, {3601, "1h0m1s"}, {2678400, "744h"}, {maxUnixSeconds, "70389527h59m59s"},
	} {
		if got := formatSeconds(tc.n); got != tc.want {
			t.Errorf("formatSeconds(%d) = %s, want %s", tc.n, got, tc.want)
		}
	}
}
