package cookiecodec

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// checkB64 compares b64Encode and b64Decode with encoding/base64's strict
// unpadded base64url on p, and b64Decode with it on s.
func checkB64(t *testing.T, p []byte, s string) {
	t.Helper()
	want := base64.RawURLEncoding.EncodeToString(p)
	if n := b64EncodedLen(len(p)); n != len(want) {
		t.Fatalf("b64EncodedLen(%d) = %d, want %d", len(p), n, len(want))
	}
	got := make([]byte, len(want))
	b64Encode(got, p)
	if string(got) != want {
		t.Fatalf("b64Encode(%x) = %q, want %q", p, got, want)
	}
	for _, in := range []string{want, s} {
		wantP, err := strictBase64.DecodeString(in)
		// encoding/base64 skips CR and LF; b64Decode rejects them.
		wantOK := err == nil && !bytes.ContainsAny([]byte(in), "\r\n")
		if n := b64DecodedLen(len(in)); n < len(wantP) {
			t.Fatalf("b64DecodedLen(%d) = %d, less than %d", len(in), n, len(wantP))
		}
		dst := make([]byte, b64DecodedLen(len(in)))
		n, ok := b64Decode(dst, in)
		if ok != wantOK || ok && !bytes.Equal(dst[:n], wantP) {
			t.Fatalf("b64Decode(%q) = %x, %v; want %x, %v", in, dst[:n], ok, wantP, wantOK)
		}
	}
}

func TestB64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const chars = b64Alphabet + "=+/.\r\n \x00\xff"
	for n := range 200 {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		s := []byte(base64.RawURLEncoding.EncodeToString(p))
		if len(s) > 0 {
			// One character anywhere, from the alphabet or not: the
			// last ones test the unused bits.
			s[r.IntN(len(s))] = chars[r.IntN(len(chars))]
		}
		checkB64(t, p, string(s))
	}
}

func FuzzB64(f *testing.F) {
	f.Add([]byte("cookiecodec"), "Y29va2llY29kZWM")
	f.Add([]byte{0xff}, "_w\n")
	f.Fuzz(func(t *testing.T, p []byte, s string) {
		checkB64(t, p, s)
	})
}
