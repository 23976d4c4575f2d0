package main

import (
	"bytes"
	"encoding/hex"
	"log"
	"math/rand/v2"
	"strings"
)

// gen makes the cases from a seeded generator and the keys it drew.
type gen struct {
	rng     *rand.ChaCha8
	now     int64
	primary key // primary of every keyring
	retired key // decode-only in every keyring
	unknown key // in no keyring
	long    key // a 64-byte secret, primary of one case

	// Payloads of many cases.
	user  []byte // a short JSON object
	text  []byte // 624 bytes of repetitive JSON, which DEFLATE shortens
	rnd64 []byte // 64 random bytes, which DEFLATE does not shorten
}

// newGen returns the generator of the vectors: every run makes the same.
func newGen() *gen {
	g := &gen{rng: rand.NewChaCha8([32]byte([]byte("cookiecodec v1 test vectors seed")))}
	g.now = 1764288000 // 2025-11-28T00:00:00Z
	g.primary = newKey(g.bytes(32))
	g.retired = newKey(g.bytes(32))
	g.unknown = newKey(g.bytes(32))
	g.long = newKey(g.bytes(64))
	g.user = []byte(`{"user":"Harry","roles":["reader"],"n":7}`)
	g.text = []byte(strings.Repeat(`{"item":"teapot","qty":1,"note":"handle with care"},`, 12))
	g.rnd64 = g.bytes(64)
	return g
}

func (g *gen) bytes(n int) []byte {
	b := make([]byte, n)
	g.rng.Read(b)
	return b
}

// cases returns every case by the name of its file, without ".json".
func (g *gen) cases() map[string]vector {
	vs := map[string]vector{}
	add := func(file string, v vector) {
		if _, dup := vs[file]; dup {
			log.Fatalf("duplicate case %s", file)
		}
		if (v.Result == "ok") != (v.Repaired == nil) {
			log.Fatalf("case %s: result %s, repaired %v: a negative case needs its repair, an ok case has none", file, v.Result, v.Repaired)
		}
		vs[file] = v
	}
	g.opening(add)
	g.rejected(add)
	return vs
}

// base returns a case with the default options: signed codec, primary and
// one decode-only key, cookie "session".
func (g *gen) base(comment string) vector {
	return vector{
		Comment:        comment,
		PrimaryKey:     g.primary.text(),
		DecodeOnlyKeys: []string{g.retired.text()},
		Mode:           "signed",
		MaxAge:         defaultMaxAge,
		Skew:           defaultSkew,
		MaxLength:      defaultMaxLen,
		CookieName:     "session",
		Now:            g.now,
		Result:         "invalid",
	}
}

// tok returns a well-formed token content for payload, issued now by the
// primary key, encrypted or not.
func (g *gen) tok(payload []byte, encrypted bool) token {
	t := token{version: 1, keyID: g.primary.id, iat: uint64(g.now), body: payload}
	if encrypted {
		t.flags |= flagEncrypted
		t.nonce = g.bytes(24)
	}
	return t
}

// ok fills in the fields of a case that opens.
func ok(v vector, payload []byte, token string, stale bool) vector {
	v.Payload = hex.EncodeToString(payload)
	v.Token = token
	v.Result = "ok"
	v.Stale = stale
	v.Reproducible = true
	return v
}

// okCompressed fills in the fields of a case that opens to payload from a
// token t whose body is z, a DEFLATE encoding of payload. The token is
// reproducible if an encoder whose DEFLATE gave z would write it: if z
// is shorter than payload.
func okCompressed(v vector, payload []byte, k key, t token, z []byte) vector {
	if got, err := inflate(z); err != nil || !bytes.Equal(got, payload) {
		log.Fatalf("okCompressed: the DEFLATE body does not inflate to the payload: %v", err)
	}
	t.body = z
	t.flags |= flagCompressed
	v = ok(v, payload, b64(seal(k, "session", t)), false)
	v.Deflated = hex.EncodeToString(z)
	v.Reproducible = len(z) < len(payload)
	return v
}

// bad fills in the fields of a case that is rejected with result, and
// what mends its one defect.
func bad(v vector, result string, payload []byte, token string, r *repair) vector {
	v.Payload = hex.EncodeToString(payload)
	v.Token = token
	v.Result = result
	v.Repaired = r
	return v
}

// fixed returns the repair of a case whose defect is in its token: the
// token without it, which opens.
func fixed(token string) *repair { return &repair{Token: token, Result: "ok"} }

// flip returns a copy of b with bit 0 of b[i] flipped; negative i counts
// from the end.
func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	if i < 0 {
		i += len(c)
	}
	c[i] ^= 0x01
	return c
}

// withPaddingBits sets the lowest bit of the last character of an unpadded
// base64url string whose length is 2 or 3 mod 4, which is a padding bit
// that canonical encoders leave zero.
func withPaddingBits(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	if len(s)%4 < 2 {
		log.Fatalf("withPaddingBits: token of length %d has no padding bits", len(s))
	}
	last := strings.IndexByte(alphabet, s[len(s)-1])
	return s[:len(s)-1] + string(alphabet[last|1])
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }
