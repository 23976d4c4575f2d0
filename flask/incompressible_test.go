package flask

import (
	"bytes"
	"compress/zlib"
	"math/rand/v2"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// zlibShrinks is what compress decided before cannotShrink: whether Go's
// zlib makes p at least 2 bytes shorter.
func zlibShrinks(t *testing.T, p []byte) bool {
	t.Helper()
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(p)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len() < len(p)-1
}

// TestCannotShrink checks the proof against zlib itself on short payloads
// shaped like sessions (JSON of few, repeated characters, where zlib wins
// most easily) and on random text: whenever cannotShrink says zlib cannot
// win, zlib must not. It also checks that the proof holds for a small
// session, so that Encode skips compressing it.
func TestCannotShrink(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	proved := 0
	// Under the race detector the check takes minutes; a tenth of the
	// payloads still proves hundreds of them, and there is no concurrency
	// here for the detector to watch.
	payloads := 200000
	if raceEnabled {
		payloads /= 10
	}
	for range payloads {
		n := 1 + r.IntN(maxProvable+20)
		alphabet := []byte(`{}":,_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ `)
		alphabet = alphabet[:2+r.IntN(len(alphabet)-2)]
		p := make([]byte, n)
		for i := range p {
			p[i] = alphabet[r.IntN(len(alphabet))]
		}
		if cannotShrink(p) {
			proved++
			if zlibShrinks(t, p) {
				t.Fatalf("cannotShrink(%q) = true, but zlib shrinks it", p)
			}
		}
	}
	if proved < payloads/200 {
		t.Errorf("cannotShrink proved %d of %d random payloads, want at least %d", proved, payloads, payloads/200)
	}
	js, err := MarshalTagged(cookiecodec.Session{"client_name": "Harry", "pwd": "12345678"})
	if err != nil {
		t.Fatal(err)
	}
	if !cannotShrink(js) {
		t.Errorf("cannotShrink(%s) = false, want true", js)
	}
	if zlibShrinks(t, js) {
		t.Errorf("zlib shrinks %s", js)
	}
	if cannotShrink(bytes.Repeat([]byte("abcd"), 20)) {
		t.Error("cannotShrink of a repeating payload = true")
	}
}

func FuzzCannotShrink(f *testing.F) {
	f.Add([]byte(`{"client_name":"Harry","pwd":"12345678"}`))
	f.Add([]byte(`":},{{,,""}}":}{"}:,::""}:},,"}{""{:}","":}`))
	f.Fuzz(func(t *testing.T, p []byte) {
		if cannotShrink(p) && zlibShrinks(t, p) {
			t.Fatalf("cannotShrink(%q) = true, but zlib shrinks it", p)
		}
	})
}
