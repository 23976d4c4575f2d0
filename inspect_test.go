package cookiecodec

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// inspectTestCodec returns a codec over a fixed key with the given options and
// its clock pinned to now.
func inspectTestCodec(t *testing.T, opts Options, now time.Time) *Codec {
	t.Helper()
	k, err := NewKey(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	ring, err := NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ring, opts)
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return now }
	return c
}

// inspectRawToken encodes a token from its parts without any key: header fields,
// body, and a trailer standing in for the MAC or the nonce and tag.
func inspectRawToken(version, flags byte, id KeyID, iat uint64, parts ...[]byte) string {
	raw := []byte{version, flags}
	raw = binary.BigEndian.AppendUint32(raw, uint32(id))
	raw = binary.BigEndian.AppendUint64(raw, iat)
	for _, p := range parts {
		raw = append(raw, p...)
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

func inspectDeflated(t *testing.T, p []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(p)
	w.Close()
	return buf.Bytes()
}

func TestInspectUnverifiedTokens(t *testing.T) {
	now := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	long := bytes.Repeat([]byte("abcdefgh"), 100)
	for _, tc := range []struct {
		name    string
		opts    Options
		payload []byte
	}{
		{"signed", Options{}, []byte("hello")},
		{"signed empty", Options{}, []byte{}},
		{"signed compressed", Options{Compress: true}, long},
		{"signed incompressible", Options{Compress: true}, []byte("x")},
		{"encrypted", Options{Encrypt: true}, []byte("hello")},
		{"encrypted compressed", Options{Encrypt: true, Compress: true}, long},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := inspectTestCodec(t, tc.opts, now)
			value, err := c.Seal("session", tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			u, err := InspectUnverified(value)
			if err != nil {
				t.Fatalf("InspectUnverified(%q) err = %v, want nil", value, err)
			}
			p, info, err := c.Open("session", value)
			if err != nil {
				t.Fatal(err)
			}
			if u.Version != 1 || u.KeyID != info.KeyID || !u.IssuedAt.Equal(now) ||
				u.IssuedAt.Location() != time.UTC || u.Encrypted != info.Encrypted ||
				u.Compressed != info.Compressed || u.TokenLength != len(value) {
				t.Errorf("InspectUnverified = %+v, want version 1 and %+v, issued %v, length %d", u, info, now, len(value))
			}
			raw, _ := base64.RawURLEncoding.DecodeString(value)
			wantBody := len(raw) - headerSize - macSize
			if tc.opts.Encrypt {
				wantBody = len(raw) - headerSize - nonceSize - aeadTagSize
			}
			if u.BodyLength != wantBody {
				t.Errorf("BodyLength = %d, want %d", u.BodyLength, wantBody)
			}
			switch {
			case tc.opts.Encrypt && u.Payload != nil:
				t.Errorf("Payload = %q for an encrypted token, want nil", u.Payload)
			case !tc.opts.Encrypt && (u.Payload == nil || !bytes.Equal(u.Payload, p)):
				t.Errorf("Payload = %q, want %q (non-nil)", u.Payload, p)
			}
		})
	}
}

func TestInspectUnverifiedPayloadIsCopy(t *testing.T) {
	c := inspectTestCodec(t, Options{}, time.Unix(1e9, 0))
	value, err := c.Seal("session", []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	u1, _ := InspectUnverified(value)
	u1.Payload[0] = 'J'
	u2, _ := InspectUnverified(value)
	if string(u2.Payload) != "hello" {
		t.Errorf("second InspectUnverified payload = %q after editing the first, want %q", u2.Payload, "hello")
	}
}

func TestInspectUnverifiedRejects(t *testing.T) {
	mac := make([]byte, macSize)
	bomb := inspectDeflated(t, make([]byte, MaxInflatedSize+1))
	for _, tc := range []struct {
		name, value, want string
	}{
		{"empty", "", "too short"},
		{"too short", strings.Repeat("A", 20), "too short"},
		{"too long", strings.Repeat("A", MaxUnverifiedLength+1), "longer than"},
		{"line break", inspectRawToken(1, 0, 1, 1, mac)[:30] + "\n" + inspectRawToken(1, 0, 1, 1, mac)[31:], "not base64url"},
		{"padding", inspectRawToken(1, 0, 1, 1, mac, []byte{1}) + "==", "not canonical"},
		{"std alphabet", strings.Repeat("+", 64), "not canonical"},
		{"non-zero trailing bits", inspectRawToken(1, 0, 1, 1, mac, []byte{1})[:62] + "B", "not canonical"},
		{"version 0", inspectRawToken(0, 0, 1, 1, mac), "unknown version 0"},
		{"version 2", inspectRawToken(2, 0, 1, 1, mac), "unknown version 2"},
		{"unknown flag", inspectRawToken(1, 4, 1, 1, mac), "unknown flags"},
		{"short signed", inspectRawToken(1, 0, 1, 1, make([]byte, macSize-1)), "too short for a signed token"},
		{"short encrypted", inspectRawToken(1, flagEncrypted, 1, 1, make([]byte, nonceSize+aeadTagSize-1)), "too short for an encrypted token"},
		{"issue time out of range", inspectRawToken(1, 0, 1, 1<<63, mac), "issue time out of range"},
		{"corrupt deflate", inspectRawToken(1, flagCompressed, 1, 1, []byte{0xff, 0xff, 0xff}, mac), "corrupt compressed payload"},
		{"inflates beyond cap", inspectRawToken(1, flagCompressed, 1, 1, bomb, mac), "inflates beyond 65536 bytes"},
		{"trailing data after deflate", inspectRawToken(1, flagCompressed, 1, 1, inspectDeflated(t, []byte("hi")), []byte{0}, mac), "trailing data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := InspectUnverified(tc.value)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("InspectUnverified(%.40q) err = %v, want ErrInvalid with %q", tc.value, err, tc.want)
			}
			if u.Payload != nil || u.Version != 0 {
				t.Errorf("InspectUnverified(%.40q) = %+v with an error, want the zero Unverified", tc.value, u)
			}
		})
	}
}

func TestInspectUnverifiedLimits(t *testing.T) {
	if want := base64.RawURLEncoding.EncodedLen(headerSize + nonceSize + MaxInflatedSize + aeadTagSize); MaxUnverifiedLength != want {
		t.Errorf("MaxUnverifiedLength = %d, want %d", MaxUnverifiedLength, want)
	}
	// An encrypted token carrying MaxInflatedSize bytes is readable.
	c := inspectTestCodec(t, Options{Encrypt: true, MaxLength: 1 << 20}, time.Unix(1e9, 0))
	value, err := c.Seal("session", make([]byte, MaxInflatedSize))
	if err != nil {
		t.Fatal(err)
	}
	if len(value) != MaxUnverifiedLength {
		t.Errorf("token of %d bytes is %d long, want MaxUnverifiedLength %d", MaxInflatedSize, len(value), MaxUnverifiedLength)
	}
	if _, err := InspectUnverified(value); err != nil {
		t.Errorf("InspectUnverified(token of %d bytes) err = %v, want nil", MaxInflatedSize, err)
	}
	// The latest issue time that has an RFC 3339 form is accepted.
	u, err := InspectUnverified(inspectRawToken(1, 0, 1, maxUnixSeconds, make([]byte, macSize)))
	if err != nil || u.IssuedAt.Year() != 9999 {
		t.Errorf("InspectUnverified(issued end of 9999) = %v, %v, want year 9999", u.IssuedAt, err)
	}
	if _, err := InspectUnverified(inspectRawToken(1, 0, 1, maxUnixSeconds+1, make([]byte, macSize))); !errors.Is(err, ErrInvalid) {
		t.Errorf("InspectUnverified(issued year 10000) err = %v, want ErrInvalid", err)
	}
}

func ExampleInspectUnverified() {
	key, _ := NewKey([]byte("an example key of 32 bytes or more"))
	ring, _ := NewKeyring(key)
	codec, _ := New(ring, Options{})
	value, _ := codec.Seal("session", []byte("hello"))

	// No key is needed, and nothing is verified: use it to debug.
	u, err := InspectUnverified(value)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("version:", u.Version, "encrypted:", u.Encrypted)
	fmt.Println("key id:", u.KeyID, u.KeyID == key.ID())
	fmt.Printf("unverified payload: %q\n", u.Payload)
	// Output:
	// version: 1 encrypted: false
	// key id: e0e04774 true
	// unverified payload: "hello"
}
