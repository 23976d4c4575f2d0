package gorilla

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecode checks that Decode never panics, that it fails only with
// ErrInvalid or ErrExpired and a nil session, and that what decodes
// re-encodes natively to the same session: the migration this package
// exists for. Mutated cookies rarely keep a valid MAC, so each input's
// body is also sealed again under the golden's hash key, which takes
// mutations through to the deserializer. The corpus is seeded with the
// golden cookies, made by the real securecookie and gorilla/sessions.
func FuzzDecode(f *testing.F) {
	registerTestUser()
	gs := loadGoldens(f)
	decoders := map[string]*Decoder{}
	for _, g := range gs {
		f.Add(g.Cookie, g.Serializer == "json")
		if g.Error == "" && len(g.Keys) == 1 && g.Keys[0][1] == "" {
			decoders[g.Serializer] = g.decoder(f)
		}
	}
	if len(decoders) != 2 {
		f.Fatalf("goldens give decoders for %d serializers, want 2", len(decoders))
	}
	native := nativeCodec(f)
	f.Fuzz(func(t *testing.T, value string, useJSON bool) {
		d := decoders["gob"]
		if useJSON {
			d = decoders["json"]
		}
		checkDecode(t, d, native, value)
		if env, err := split(nil, value); err == nil {
			if body, err := decodeBody(env.body); err == nil {
				checkDecode(t, d, native, seal(sha256.New, testHashKey, "session", d.now().Unix(), body))
			}
		}
	})
}

func nativeCodec(t testing.TB) *cookiecodec.Codec {
	t.Helper()
	ring, err := cookiecodec.NewKeyring(cookiecodec.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	c, err := cookiecodec.New(ring, cookiecodec.Options{MaxLength: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkDecode(t *testing.T, d *Decoder, native *cookiecodec.Codec, value string) {
	s, info, err := d.Decode("session", value)
	if err != nil {
		if s != nil || info != (cookiecodec.Info{}) || !errors.Is(err, cookiecodec.ErrInvalid) && !errors.Is(err, cookiecodec.ErrExpired) {
			t.Fatalf("Decode(%q) = %v, %v, %v", value, s, info, err)
		}
		return
	}
	if s == nil {
		t.Fatalf("Decode(%q) = nil session, nil error", value)
	}
	v, err := native.Encode("session", s)
	if err != nil {
		t.Fatalf("native Encode(Decode(%q)) err = %v", value, err)
	}
	s2, _, err := native.Decode("session", v)
	if err != nil {
		t.Fatalf("native Decode(Encode(Decode(%q))) err = %v", value, err)
	}
	if !cmp.Equal(s, s2, cmpopts.EquateNaNs()) {
		t.Fatalf("Decode(%q) = %v, but natively re-encoded it decodes to %v", value, s, s2)
	}
	if info.IssuedAt.After(d.now().Add(time.Duration(1 << 62))) {
		t.Fatalf("Info.IssuedAt = %v", info.IssuedAt)
	}
}
