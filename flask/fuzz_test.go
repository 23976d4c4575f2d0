package flask

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// FuzzDecode checks that Decode never panics, that it fails only with
// ErrInvalid or ErrExpired and a nil session, and that what decodes
// re-encodes to an equivalent session. Mutated cookies rarely keep a valid
// signature, so each input is also decoded signed again with the codec's
// key, which takes mutations through to the timestamp, the compressed
// payload and the JSON. The corpus is seeded with the golden cookies.
func FuzzDecode(f *testing.F) {
	gs := loadGoldens(f)
	for _, g := range gs {
		f.Add(g.Cookie)
	}
	c := gs[0].codec(f)
	c.now = func() time.Time { return time.Unix(gs[0].Now, 0) }
	f.Fuzz(func(t *testing.T, value string) {
		checkDecode(t, c, value)
		if p, err := split(value); err == nil {
			payload := p.payload
			if p.compressed {
				payload = "." + payload
			}
			checkDecode(t, c, signed(c, payload, p.timestamp))
		}
	})
}

func checkDecode(t *testing.T, c *Codec, value string) {
	s, info, err := c.Decode("session", value)
	if err != nil {
		if s != nil || !errors.Is(err, cookiecodec.ErrInvalid) && !errors.Is(err, cookiecodec.ErrExpired) {
			t.Fatalf("Decode(%q) = %v, %v", value, s, err)
		}
		return
	}
	want, err := MarshalTagged(s)
	if err != nil {
		t.Fatalf("MarshalTagged(Decode(%q)) err = %v", value, err)
	}
	again, err := c.encode(s, info.IssuedAt)
	if errors.Is(err, cookiecodec.ErrTooLarge) {
		// Raw UTF-8 in the payload comes back \u-escaped, which can
		// outgrow MaxLength.
		return
	}
	if err != nil {
		t.Fatalf("Encode(Decode(%q)) err = %v", value, err)
	}
	s2, info2, err := c.Decode("session", again)
	if err != nil {
		t.Fatalf("Decode(Encode(Decode(%q))) err = %v", value, err)
	}
	got, _ := MarshalTagged(s2)
	if !bytes.Equal(got, want) || !info2.IssuedAt.Equal(info.IssuedAt) {
		t.Fatalf("Decode(%q) = %s, but re-encoded it decodes to %s", value, want, got)
	}
}

// FuzzUnmarshalTagged checks that UnmarshalTagged never panics and that
// what it accepts re-encodes to tagged JSON that is a fixed point: it
// decodes and encodes again to the same bytes. The corpus is seeded with
// the payloads of the golden cookies and Flask's tagged JSON for them.
func FuzzUnmarshalTagged(f *testing.F) {
	for _, g := range loadGoldens(f) {
		if g.Tagged != "" {
			f.Add([]byte(g.Tagged))
		}
		if u, err := InspectUnverified(g.Cookie); err == nil {
			f.Add(u.Payload)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := UnmarshalTagged(data)
		if err != nil {
			if s != nil {
				t.Fatalf("UnmarshalTagged(%q) = %v, %v", data, s, err)
			}
			return
		}
		b, err := MarshalTagged(s)
		if err != nil {
			t.Fatalf("MarshalTagged(UnmarshalTagged(%q)) err = %v", data, err)
		}
		s2, err := UnmarshalTagged(b)
		if err != nil {
			t.Fatalf("UnmarshalTagged(%s) err = %v", b, err)
		}
		b2, err := MarshalTagged(s2)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("tagged JSON not a fixed point:\n%s\n%s (%v)", b, b2, err)
		}
	})
}
