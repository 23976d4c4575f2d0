// Command vectorgen writes the test vectors of cookiecodec token format v1
// into testdata/vectors, one JSON file per case. Run it from the module
// root with go generate.
//
// It is an encoder of its own, written from SPEC.md with the primitives
// (crypto/hkdf, crypto/hmac, XChaCha20-Poly1305) and no code of the
// cookiecodec package, so that the vectors check the package instead of
// repeating it. Being its own encoder, it also makes the malformed tokens
// that the package refuses to make. Its randomness (keys, nonces, payloads)
// comes from a ChaCha8 generator with a fixed seed, so every run writes the
// same files.
package main

import (
	"bytes"
	"compress/flate"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// Format v1 constants, from SPEC.md.
const (
	adLabel        = "cookiecodec v1\x00"
	labelKeyID     = "cookiecodec v1 key id"
	labelMAC       = "cookiecodec v1 hmac-sha256 key"
	labelEnc       = "cookiecodec v1 xchacha20poly1305 key"
	headerSize     = 14
	flagEncrypted  = 0x01
	flagCompressed = 0x02
	maxInflated    = 65536

	day           = 24 * 60 * 60
	defaultMaxAge = 31 * day
	defaultSkew   = 60
	defaultMaxLen = 4096
)

// vector is one case, as written to its JSON file. SPEC.md describes the
// fields.
type vector struct {
	Comment        string   `json:"comment"`
	PrimaryKey     string   `json:"primary_key"`
	DecodeOnlyKeys []string `json:"decode_only_keys"`
	Mode           string   `json:"mode"`
	Compress       bool     `json:"compress"`
	AcceptAnyMode  bool     `json:"accept_any_mode"`
	MaxAge         int64    `json:"max_age"`
	Skew           int64    `json:"skew"`
	MaxLength      int      `json:"max_length"`
	CookieName     string   `json:"cookie_name"`
	Now            int64    `json:"now"`
	Payload        string   `json:"payload"`
	Token          string   `json:"token"`
	Result         string   `json:"result"`
	Stale          bool     `json:"stale"`
	Reproducible   bool     `json:"reproducible"`
}

// key is a secret and what SPEC.md derives from it.
type key struct {
	secret   []byte
	id       uint32
	mac, enc []byte
}

func newKey(secret []byte) key {
	derive := func(label string, n int) []byte {
		b, err := hkdf.Key(sha256.New, secret, nil, label, n)
		if err != nil {
			log.Fatal(err)
		}
		return b
	}
	return key{
		secret: secret,
		id:     binary.BigEndian.Uint32(derive(labelKeyID, 4)),
		mac:    derive(labelMAC, 32),
		enc:    derive(labelEnc, 32),
	}
}

func (k key) text() string { return base64.RawURLEncoding.EncodeToString(k.secret) }

// token is the content of a token before it is sealed. Fields that SPEC.md
// fixes (version, key id) are explicit so that cases can break them.
type token struct {
	version byte
	flags   byte
	keyID   uint32
	iat     uint64
	body    []byte // the payload, deflated when flags say so
	nonce   []byte // 24 bytes, for encrypted tokens
}

func (t token) header() []byte {
	h := []byte{t.version, t.flags}
	h = binary.BigEndian.AppendUint32(h, t.keyID)
	return binary.BigEndian.AppendUint64(h, t.iat)
}

// ad returns the associated data: label || uint8(len(name)) || name || header.
func ad(name string, header []byte) []byte {
	b := []byte(adLabel)
	b = append(b, byte(len(name)))
	b = append(b, name...)
	return append(b, header...)
}

// seal returns the raw bytes of t, authenticated with k for the cookie
// called name: header || body || tag.
func seal(k key, name string, t token) []byte {
	h := t.header()
	a := ad(name, h)
	if t.flags&flagEncrypted != 0 {
		aead, err := chacha20poly1305.NewX(k.enc)
		if err != nil {
			log.Fatal(err)
		}
		raw := append(h, t.nonce...)
		return aead.Seal(raw, t.nonce, t.body, a)
	}
	m := hmac.New(sha256.New, k.mac)
	m.Write(a)
	m.Write(t.body)
	raw := append(h, t.body...)
	return m.Sum(raw)
}

func b64(raw []byte) string { return base64.RawURLEncoding.EncodeToString(raw) }

// deflate returns p compressed with compress/flate at level 9, the choice
// of the reference encoder.
func deflate(p []byte) []byte {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		log.Fatal(err)
	}
	w.Write(p)
	w.Close()
	return buf.Bytes()
}

// storedDeflate returns p as a single stored (uncompressed) DEFLATE block:
// valid RFC 1951, but not what the reference encoder writes.
func storedDeflate(p []byte) []byte {
	b := []byte{0x01} // BFINAL=1, BTYPE=00
	b = binary.LittleEndian.AppendUint16(b, uint16(len(p)))
	b = binary.LittleEndian.AppendUint16(b, ^uint16(len(p)))
	return append(b, p...)
}

type gen struct {
	rng     *rand.ChaCha8
	now     int64
	primary key // primary of every keyring
	retired key // decode-only in every keyring
	unknown key // in no keyring
	long    key // a 64-byte secret, primary of one case
}

func (g *gen) bytes(n int) []byte {
	b := make([]byte, n)
	g.rng.Read(b)
	return b
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

// bad fills in the fields of a case that is rejected.
func bad(v vector, result string, payload []byte, token string) vector {
	v.Payload = hex.EncodeToString(payload)
	v.Token = token
	v.Result = result
	return v
}

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

func (g *gen) cases() map[string]vector {
	vs := map[string]vector{}
	add := func(file string, v vector) {
		if _, dup := vs[file]; dup {
			log.Fatalf("duplicate case %s", file)
		}
		vs[file] = v
	}
	user := []byte(`{"user":"Harry","roles":["reader"],"n":7}`)
	text := []byte(strings.Repeat(`{"item":"teapot","qty":1,"note":"handle with care"},`, 12))
	rnd64 := g.bytes(64)

	// Tokens that open.
	add("signed_empty", ok(g.base("signed token with an empty payload"), nil,
		b64(seal(g.primary, "session", g.tok(nil, false))), false))
	add("signed_basic", ok(g.base("signed token"), user,
		b64(seal(g.primary, "session", g.tok(user, false))), false))
	add("signed_binary", ok(g.base("signed token with 64 random bytes of payload"), rnd64,
		b64(seal(g.primary, "session", g.tok(rnd64, false))), false))
	{
		v := g.base("encrypted token with an empty payload")
		v.Mode = "encrypted"
		add("encrypted_empty", ok(v, nil, b64(seal(g.primary, "session", g.tok(nil, true))), false))
	}
	{
		v := g.base("encrypted token")
		v.Mode = "encrypted"
		add("encrypted_basic", ok(v, user, b64(seal(g.primary, "session", g.tok(user, true))), false))
	}
	{
		v := g.base("signed token whose payload is DEFLATE-compressed (flag 0x02)")
		v.Compress = true
		t := g.tok(deflate(text), false)
		t.flags |= flagCompressed
		add("signed_compressed", ok(v, text, b64(seal(g.primary, "session", t)), false))
	}
	{
		v := g.base("encrypted and compressed token (flags 0x03)")
		v.Mode, v.Compress = "encrypted", true
		t := g.tok(deflate(text), true)
		t.flags |= flagCompressed
		add("encrypted_compressed", ok(v, text, b64(seal(g.primary, "session", t)), false))
	}
	{
		v := g.base("compression enabled, but DEFLATE does not shorten random bytes, so the payload is stored as is")
		v.Compress = true
		add("compress_not_shorter", ok(v, rnd64, b64(seal(g.primary, "session", g.tok(rnd64, false))), false))
	}
	{
		v := g.base("compressed token whose body is a stored DEFLATE block: valid RFC 1951 that decoders must accept, though not what the reference encoder writes")
		v.Compress = true
		t := g.tok(storedDeflate(user), false)
		t.flags |= flagCompressed
		v = ok(v, user, b64(seal(g.primary, "session", t)), false)
		v.Reproducible = false
		add("compressed_stored_block", v)
	}
	{
		zeros := make([]byte, maxInflated)
		v := g.base("compressed token that inflates to exactly 65536 bytes, the limit")
		v.Compress = true
		t := g.tok(deflate(zeros), false)
		t.flags |= flagCompressed
		add("compressed_at_inflate_limit", ok(v, zeros, b64(seal(g.primary, "session", t)), false))
	}
	{
		v := g.base("signed token of a decode-only key: opens, and is stale")
		t := g.tok(user, false)
		t.keyID = g.retired.id
		add("stale_key_signed", ok(v, user, b64(seal(g.retired, "session", t)), true))
	}
	{
		v := g.base("encrypted token of a decode-only key: opens, and is stale")
		v.Mode = "encrypted"
		t := g.tok(user, true)
		t.keyID = g.retired.id
		add("stale_key_encrypted", ok(v, user, b64(seal(g.retired, "session", t)), true))
	}
	{
		v := g.base("signed token opened by an encrypting codec that accepts any mode: opens, and is stale")
		v.Mode, v.AcceptAnyMode = "encrypted", true
		add("any_mode_signed_in_encrypted", ok(v, user, b64(seal(g.primary, "session", g.tok(user, false))), true))
	}
	{
		v := g.base("encrypted token opened by a signing codec that accepts any mode: opens, and is stale")
		v.AcceptAnyMode = true
		add("any_mode_encrypted_in_signed", ok(v, user, b64(seal(g.primary, "session", g.tok(user, true))), true))
	}
	{
		v := g.base("primary key with a 64-byte secret")
		v.PrimaryKey = g.long.text()
		t := g.tok(user, false)
		t.keyID = g.long.id
		add("long_secret", ok(v, user, b64(seal(g.long, "session", t)), false))
	}
	{
		name := strings.Repeat("n", 255)
		v := g.base("cookie name of 255 bytes, the longest")
		v.CookieName = name
		add("name_255_bytes", ok(v, user, b64(seal(g.primary, name, g.tok(user, false))), false))
	}
	{
		v := g.base("token exactly MaxLength characters long")
		tok := b64(seal(g.primary, "session", g.tok(text[:200], false)))
		v.MaxLength = len(tok)
		add("max_length_exact", ok(v, text[:200], tok, false))
	}
	{
		v := g.base("issued 60 seconds in the future: within the skew")
		t := g.tok(user, false)
		t.iat = uint64(g.now + defaultSkew)
		add("future_within_skew", ok(v, user, b64(seal(g.primary, "session", t)), false))
	}
	{
		v := g.base("issued exactly MaxAge seconds ago: not yet expired")
		t := g.tok(user, false)
		t.iat = uint64(g.now - defaultMaxAge)
		add("age_equals_max_age", ok(v, user, b64(seal(g.primary, "session", t)), false))
	}

	// Expired: authentic, but too old.
	{
		v := g.base("issued MaxAge + 1 seconds ago")
		t := g.tok(user, false)
		t.iat = uint64(g.now - defaultMaxAge - 1)
		add("expired", bad(v, "expired", user, b64(seal(g.primary, "session", t))))
	}
	{
		v := g.base("encrypted, issued MaxAge + 1 seconds ago, with MaxAge one hour")
		v.Mode, v.MaxAge = "encrypted", 3600
		t := g.tok(user, true)
		t.iat = uint64(g.now - 3601)
		add("expired_encrypted_short_max_age", bad(v, "expired", user, b64(seal(g.primary, "session", t))))
	}
	{
		v := g.base("issued at Unix time 0")
		t := g.tok(user, false)
		t.iat = 0
		add("expired_epoch", bad(v, "expired", user, b64(seal(g.primary, "session", t))))
	}

	// Invalid: time.
	{
		v := g.base("issued 61 seconds in the future: beyond the 60-second skew")
		t := g.tok(user, false)
		t.iat = uint64(g.now + defaultSkew + 1)
		add("future_beyond_skew", bad(v, "invalid", user, b64(seal(g.primary, "session", t))))
	}
	{
		v := g.base("issued 2^62 seconds in the future: a decoder must not overflow computing the difference")
		t := g.tok(user, false)
		t.iat = uint64(g.now) + 1<<62
		add("future_far", bad(v, "invalid", user, b64(seal(g.primary, "session", t))))
	}
	{
		v := g.base("issue time 2^63, beyond the signed 64-bit range")
		t := g.tok(user, false)
		t.iat = 1 << 63
		add("issued_at_2_63", bad(v, "invalid", user, b64(seal(g.primary, "session", t))))
	}
	{
		v := g.base("issue time 2^64-1")
		t := g.tok(user, false)
		t.iat = math.MaxUint64
		add("issued_at_max", bad(v, "invalid", user, b64(seal(g.primary, "session", t))))
	}
	{
		v := g.base("expired, and with a tampered tag: invalid, since expiry is reported only after authentication")
		t := g.tok(user, false)
		t.iat = uint64(g.now - defaultMaxAge - 1)
		add("expired_tampered", bad(v, "invalid", user, b64(flip(seal(g.primary, "session", t), -1))))
	}

	// Invalid: header.
	for _, c := range []struct {
		file, comment string
		version       byte
	}{
		{"version_0", "version byte 0x00, correctly authenticated", 0},
		{"version_2", "version byte 0x02, correctly authenticated", 2},
		{"version_255", "version byte 0xff, correctly authenticated", 0xff},
	} {
		t := g.tok(user, false)
		t.version = c.version
		add(c.file, bad(g.base(c.comment), "invalid", user, b64(seal(g.primary, "session", t))))
	}
	for _, c := range []struct {
		file, comment string
		flag          byte
	}{
		{"unknown_flag_0x04", "flag bit 2 set, correctly authenticated", 0x04},
		{"unknown_flag_0x80", "flag bit 7 set, correctly authenticated", 0x80},
	} {
		t := g.tok(user, false)
		t.flags |= c.flag
		add(c.file, bad(g.base(c.comment), "invalid", user, b64(seal(g.primary, "session", t))))
	}
	{
		t := g.tok(user, false)
		t.keyID = g.unknown.id
		add("unknown_key", bad(g.base("sealed by a key that is not in the keyring"), "invalid", user,
			b64(seal(g.unknown, "session", t))))
	}
	{
		t := g.tok(user, false)
		t.keyID = g.retired.id
		add("key_id_mismatch", bad(g.base("header names the decode-only key, the tag is made with the primary: decoders try the named key only"),
			"invalid", user, b64(seal(g.primary, "session", t))))
	}
	{
		raw := seal(g.primary, "session", g.tok(user, false))
		raw[5] ^= 0x01
		add("tampered_key_id", bad(g.base("key id changed after sealing"), "invalid", user, b64(raw)))
	}
	{
		raw := seal(g.primary, "session", g.tok(user, false))
		raw[13] ^= 0x01
		add("tampered_issued_at", bad(g.base("issue time changed by one second after sealing"), "invalid", user, b64(raw)))
	}
	{
		v := g.base("signed token with the encrypted flag set after sealing, opened by a codec that accepts any mode")
		v.AcceptAnyMode = true
		raw := seal(g.primary, "session", g.tok(user, false))
		raw[1] |= flagEncrypted
		add("flipped_mode_flag_signed", bad(v, "invalid", user, b64(raw)))
	}
	{
		v := g.base("encrypted token with the encrypted flag cleared after sealing, opened by a codec that accepts any mode")
		v.AcceptAnyMode = true
		raw := seal(g.primary, "session", g.tok(user, true))
		raw[1] &^= flagEncrypted
		add("flipped_mode_flag_encrypted", bad(v, "invalid", user, b64(raw)))
	}
	{
		v := g.base("compressed token with the compressed flag cleared after sealing")
		v.Compress = true
		t := g.tok(deflate(text), false)
		t.flags |= flagCompressed
		raw := seal(g.primary, "session", t)
		raw[1] &^= flagCompressed
		add("flipped_compressed_flag", bad(v, "invalid", text, b64(raw)))
	}
	{
		v := g.base("encrypted token opened by a signing codec")
		add("mode_encrypted_in_signed", bad(v, "invalid", user, b64(seal(g.primary, "session", g.tok(user, true)))))
	}
	{
		v := g.base("signed token opened by an encrypting codec")
		v.Mode = "encrypted"
		add("mode_signed_in_encrypted", bad(v, "invalid", user, b64(seal(g.primary, "session", g.tok(user, false)))))
	}

	// Invalid: name binding.
	add("wrong_name", bad(g.base(`sealed for the cookie "csrf", opened as "session"`), "invalid", user,
		b64(seal(g.primary, "csrf", g.tok(user, false)))))
	add("wrong_name_case", bad(g.base(`sealed for the cookie "Session", opened as "session"`), "invalid", user,
		b64(seal(g.primary, "Session", g.tok(user, false)))))
	{
		v := g.base(`encrypted, sealed for the cookie "csrf", opened as "session"`)
		v.Mode = "encrypted"
		add("wrong_name_encrypted", bad(v, "invalid", user, b64(seal(g.primary, "csrf", g.tok(user, true)))))
	}

	// Invalid: tampering.
	{
		raw := seal(g.primary, "session", g.tok(user, false))
		add("tampered_tag", bad(g.base("last bit of the HMAC tag flipped"), "invalid", user, b64(flip(raw, -1))))
		add("tampered_payload", bad(g.base("a payload bit flipped"), "invalid", user, b64(flip(raw, headerSize+3))))
	}
	{
		v := g.base("a ciphertext bit flipped")
		v.Mode = "encrypted"
		raw := seal(g.primary, "session", g.tok(user, true))
		add("tampered_ciphertext", bad(v, "invalid", user, b64(flip(raw, headerSize+24+3))))
		v.Comment = "a nonce bit flipped"
		add("tampered_nonce", bad(v, "invalid", user, b64(flip(raw, headerSize+5))))
		v.Comment = "a Poly1305 tag bit flipped"
		add("tampered_aead_tag", bad(v, "invalid", user, b64(flip(raw, -1))))
	}

	// Invalid: length.
	{
		raw := seal(g.primary, "session", g.tok(user, false))
		add("truncated_one_byte", bad(g.base("last byte of the token removed"), "invalid", user, b64(raw[:len(raw)-1])))
		add("truncated_header", bad(g.base("only the 14-byte header"), "invalid", user, b64(raw[:headerSize])))
		add("truncated_text", bad(g.base("last base64 character removed"), "invalid", user, b64(raw)[:len(b64(raw))-1]))
		add("trailing_byte", bad(g.base("a zero byte appended after the tag"), "invalid", user, b64(append(bytes.Clone(raw), 0))))
	}
	{
		v := g.base("encrypted token of 14 + 24 + 15 bytes, one short of an empty payload's")
		v.Mode = "encrypted"
		raw := seal(g.primary, "session", g.tok(nil, true))
		add("truncated_encrypted", bad(v, "invalid", nil, b64(raw[:len(raw)-1])))
	}
	add("empty_value", bad(g.base("empty cookie value"), "invalid", nil, ""))
	{
		v := g.base("authentic token one character longer than MaxLength")
		tok := b64(seal(g.primary, "session", g.tok(text[:200], false)))
		v.MaxLength = len(tok) - 1
		add("too_long", bad(v, "invalid", text[:200], tok))
	}

	// Invalid: base64.
	{
		// 3 bytes of payload: 49 raw bytes, 66 characters, 4 padding bits.
		p := user[:3]
		tok := b64(seal(g.primary, "session", g.tok(p, false)))
		add("base64_padding_bits_4", bad(g.base("non-zero padding bit in the last of 2 trailing characters"), "invalid", p, withPaddingBits(tok)))
		add("base64_padded", bad(g.base("canonical token followed by == padding"), "invalid", p, tok+"=="))
		add("base64_trailing_char", bad(g.base(`an "A" appended: decodes to the token and a zero byte`), "invalid", p, tok+"A"))
	}
	{
		// 4 bytes of payload: 50 raw bytes, 67 characters, 2 padding bits.
		p := user[:4]
		tok := b64(seal(g.primary, "session", g.tok(p, false)))
		add("base64_padding_bits_2", bad(g.base("non-zero padding bit in the last of 3 trailing characters"), "invalid", p, withPaddingBits(tok)))
		add("base64_padded_one", bad(g.base("canonical token followed by = padding"), "invalid", p, tok+"="))
	}
	{
		tok := b64(seal(g.primary, "session", g.tok(user, false)))
		add("base64_crlf", bad(g.base("CR LF inserted in the middle"), "invalid", user, tok[:20]+"\r\n"+tok[20:]))
		add("base64_lf", bad(g.base("LF inserted in the middle"), "invalid", user, tok[:20]+"\n"+tok[20:]))
		add("base64_trailing_lf", bad(g.base("LF appended"), "invalid", user, tok+"\n"))
		add("base64_space", bad(g.base("space inserted in the middle"), "invalid", user, tok[:20]+" "+tok[20:]))
		add("base64_dot", bad(g.base(`"." in place of a character`), "invalid", user, tok[:20]+"."+tok[21:]))
	}
	{
		// A token whose base64url form holds '-' or '_', written in the
		// standard alphabet instead.
		var raw []byte
		for {
			raw = seal(g.primary, "session", g.tok(user, true))
			if strings.ContainsAny(b64(raw), "-_") {
				break
			}
		}
		v := g.base("encrypted token written in the standard base64 alphabet (+ and / for - and _)")
		v.Mode = "encrypted"
		add("base64_std_alphabet", bad(v, "invalid", user, base64.RawStdEncoding.EncodeToString(raw)))
	}

	// Invalid: compressed body, authentic.
	for _, c := range []struct {
		file, comment string
		body          []byte
	}{
		{"deflate_corrupt", "compressed flag set, body is not DEFLATE (reserved block type 3)", bytes.Repeat([]byte{0xff}, 16)},
		{"deflate_truncated", "compressed flag set, DEFLATE stream cut short", deflate(text)[:20]},
		{"deflate_trailing_data", "compressed flag set, a byte after the end of the DEFLATE stream", append(deflate(text), 0)},
		{"deflate_beyond_limit", "compressed flag set, inflates to 65537 bytes, one more than the limit", deflate(make([]byte, maxInflated+1))},
	} {
		v := g.base(c.comment)
		v.Compress = true
		t := g.tok(c.body, false)
		t.flags |= flagCompressed
		add(c.file, bad(v, "invalid", nil, b64(seal(g.primary, "session", t))))
	}
	{
		v := g.base("encrypted, compressed flag set, plaintext is not DEFLATE")
		v.Mode, v.Compress = "encrypted", true
		t := g.tok(bytes.Repeat([]byte{0xff}, 16), true)
		t.flags |= flagCompressed
		add("deflate_corrupt_encrypted", bad(v, "invalid", nil, b64(seal(g.primary, "session", t))))
	}
	return vs
}

func main() {
	out := flag.String("out", filepath.Join("testdata", "vectors"), "directory to write the vectors into")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("vectorgen: ")

	g := &gen{rng: rand.NewChaCha8([32]byte([]byte("cookiecodec v1 test vectors seed")))}
	g.now = 1764288000 // 2025-11-28T00:00:00Z
	g.primary = newKey(g.bytes(32))
	g.retired = newKey(g.bytes(32))
	g.unknown = newKey(g.bytes(32))
	g.long = newKey(g.bytes(64))
	vs := g.cases()

	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	old, err := filepath.Glob(filepath.Join(*out, "*.json"))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			log.Fatal(err)
		}
	}
	for file, v := range vs {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*out, file+".json"), append(b, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "vectorgen: wrote %d vectors to %s\n", len(vs), *out)
}
