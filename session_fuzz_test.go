package cookiecodec

import (
	"testing"
)

// FuzzDecodeSession checks that the session decoder never panics, and that
// whatever it accepts re-encodes to the identical bytes: the encoding has
// exactly one form per session.
func FuzzDecodeSession(f *testing.F) {
	vs := loadSessionVectors(f)
	if len(vs) == 0 {
		f.Fatal("no seeds in testdata/session")
	}
	for _, v := range vs {
		f.Add(mustHex(f, v.Payload))
		if v.Repaired != "" {
			f.Add(mustHex(f, v.Repaired))
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		s, err := UnmarshalSession(p)
		if err != nil {
			if s != nil {
				t.Fatalf("UnmarshalSession(%x) returned a session with error %v", p, err)
			}
			return
		}
		again, err := MarshalSession(s)
		if err != nil {
			t.Fatalf("MarshalSession(UnmarshalSession(%x)) err = %v", p, err)
		}
		if string(again) != string(p) {
			t.Fatalf("UnmarshalSession(%x) re-encodes to %x", p, again)
		}
	})
}
