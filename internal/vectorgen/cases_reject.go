package main

import (
	"bytes"
	"encoding/base64"
	"math"
	"strings"
)

// rejected adds the cases of tokens that are invalid. Each has one defect,
// which its repair mends.
func (g *gen) rejected(add func(string, vector)) {
	user, text := g.user, g.text
	sealed := func(t token) string { return b64(seal(g.primary, "session", t)) }

	// Time.
	{
		v := g.base("issued 61 seconds in the future: beyond the 60-second skew")
		t := g.tok(user, false)
		t.iat = uint64(g.now + defaultSkew + 1)
		add("future_beyond_skew", bad(v, "invalid", user, sealed(t), &repair{Now: g.now + 1, Result: "ok"}))
	}
	{
		v := g.base("issued 2^62 seconds in the future: a decoder must not overflow computing the difference")
		t := g.tok(user, false)
		t.iat = uint64(g.now) + 1<<62
		tok := sealed(t)
		t.iat = uint64(g.now)
		add("future_far", bad(v, "invalid", user, tok, fixed(sealed(t))))
	}
	for _, c := range []struct {
		file, comment string
		iat           uint64
	}{
		{"issued_at_2_63", "issue time 2^63, beyond the signed 64-bit range (read as a signed integer, 1969)", 1 << 63},
		{"issued_at_max", "issue time 2^64-1 (read as a signed integer, -1)", math.MaxUint64},
	} {
		t := g.tok(user, false)
		t.iat = c.iat
		tok := sealed(t)
		t.iat = uint64(g.now)
		add(c.file, bad(g.base(c.comment), "invalid", user, tok, fixed(sealed(t))))
	}
	{
		v := g.base("expired, and with a tampered tag: invalid, since expiry is reported only after authentication")
		t := g.tok(user, false)
		t.iat = uint64(g.now - defaultMaxAge - 1)
		raw := seal(g.primary, "session", t)
		add("expired_tampered", bad(v, "invalid", user, b64(flip(raw, -1)), &repair{Token: b64(raw), Result: "expired"}))
	}

	// Header.
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
		tok := sealed(t)
		t.version = 1
		add(c.file, bad(g.base(c.comment), "invalid", user, tok, fixed(sealed(t))))
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
		tok := sealed(t)
		t.flags &^= c.flag
		add(c.file, bad(g.base(c.comment), "invalid", user, tok, fixed(sealed(t))))
	}
	{
		t := g.tok(user, false)
		t.keyID = g.unknown.id
		add("unknown_key", bad(g.base("sealed by a key that is not in the keyring"), "invalid", user,
			b64(seal(g.unknown, "session", t)), &repair{DecodeOnlyKeys: []string{g.retired.text(), g.unknown.text()}, Result: "ok"}))
	}
	{
		t := g.tok(user, false)
		t.keyID = g.retired.id
		tok := sealed(t)
		t.keyID = g.primary.id
		add("key_id_mismatch", bad(g.base("header names the decode-only key, the tag is made with the primary: decoders try the named key only"),
			"invalid", user, tok, fixed(sealed(t))))
	}
	{
		raw := seal(g.primary, "session", g.tok(user, false))
		add("tampered_key_id", bad(g.base("key id changed after sealing"), "invalid", user, b64(flip(raw, 5)), fixed(b64(raw))))
		add("tampered_issued_at", bad(g.base("issue time changed by one second after sealing"), "invalid", user, b64(flip(raw, 13)), fixed(b64(raw))))
	}
	{
		v := g.base("signed token with the encrypted flag set after sealing, opened by a codec that accepts any mode")
		v.AcceptAnyMode = true
		raw := seal(g.primary, "session", g.tok(user, false))
		add("flipped_mode_flag_signed", bad(v, "invalid", user, b64(flip(raw, 1)), fixed(b64(raw))))
	}
	{
		v := g.base("encrypted token with the encrypted flag cleared after sealing, opened by a codec that accepts any mode")
		v.AcceptAnyMode = true
		raw := seal(g.primary, "session", g.tok(user, true))
		add("flipped_mode_flag_encrypted", bad(v, "invalid", user, b64(flip(raw, 1)), fixed(b64(raw))))
	}
	{
		v := g.base("compressed token with the compressed flag cleared after sealing")
		v.Compress = true
		t := g.tok(deflate(text), false)
		t.flags |= flagCompressed
		raw := seal(g.primary, "session", t)
		mangled := bytes.Clone(raw)
		mangled[1] &^= flagCompressed
		add("flipped_compressed_flag", bad(v, "invalid", text, b64(mangled), fixed(b64(raw))))
	}
	{
		v := g.base("encrypted token opened by a signing codec")
		add("mode_encrypted_in_signed", bad(v, "invalid", user, sealed(g.tok(user, true)), &repair{Mode: "encrypted", Result: "ok"}))
	}
	{
		v := g.base("signed token opened by an encrypting codec")
		v.Mode = "encrypted"
		add("mode_signed_in_encrypted", bad(v, "invalid", user, sealed(g.tok(user, false)), &repair{Mode: "signed", Result: "ok"}))
	}

	// Name binding.
	add("wrong_name", bad(g.base(`sealed for the cookie "csrf", opened as "session"`), "invalid", user,
		b64(seal(g.primary, "csrf", g.tok(user, false))), &repair{CookieName: "csrf", Result: "ok"}))
	add("wrong_name_case", bad(g.base(`sealed for the cookie "Session", opened as "session"`), "invalid", user,
		b64(seal(g.primary, "Session", g.tok(user, false))), &repair{CookieName: "Session", Result: "ok"}))
	{
		v := g.base(`encrypted, sealed for the cookie "csrf", opened as "session"`)
		v.Mode = "encrypted"
		add("wrong_name_encrypted", bad(v, "invalid", user, b64(seal(g.primary, "csrf", g.tok(user, true))), &repair{CookieName: "csrf", Result: "ok"}))
	}

	for _, c := range []struct {
		file, comment, name, repaired string
	}{
		{"name_space", `cookie name "my session": a space is not a token character (RFC 6265 cookie-name)`, "my session", "my_session"},
		{"name_non_ascii", `cookie name "s\u00e9ance" in UTF-8: bytes above 0x7f are not token characters`, "s\u00e9ance", "seance"},
		{"name_separator", `cookie name "a=b": "=" is a separator, not a token character`, "a=b", "a-b"},
	} {
		v := g.base(c.comment)
		v.CookieName = c.name
		add(c.file, bad(v, "invalid", user, b64(seal(g.primary, c.name, g.tok(user, false))),
			&repair{CookieName: c.repaired, Token: b64(seal(g.primary, c.repaired, g.tok(user, false))), Result: "ok"}))
	}

	// Tampering.
	{
		raw := seal(g.primary, "session", g.tok(user, false))
		add("tampered_tag", bad(g.base("last bit of the HMAC tag flipped"), "invalid", user, b64(flip(raw, -1)), fixed(b64(raw))))
		add("tampered_payload", bad(g.base("a payload bit flipped"), "invalid", user, b64(flip(raw, headerSize+3)), fixed(b64(raw))))
	}
	{
		v := g.base("a ciphertext bit flipped")
		v.Mode = "encrypted"
		raw := seal(g.primary, "session", g.tok(user, true))
		add("tampered_ciphertext", bad(v, "invalid", user, b64(flip(raw, headerSize+24+3)), fixed(b64(raw))))
		v.Comment = "a nonce bit flipped"
		add("tampered_nonce", bad(v, "invalid", user, b64(flip(raw, headerSize+5)), fixed(b64(raw))))
		v.Comment = "a Poly1305 tag bit flipped"
		add("tampered_aead_tag", bad(v, "invalid", user, b64(flip(raw, -1)), fixed(b64(raw))))
	}

	// Length.
	{
		raw := seal(g.primary, "session", g.tok(user, false))
		fix := fixed(b64(raw))
		add("truncated_one_byte", bad(g.base("last byte of the token removed"), "invalid", user, b64(raw[:len(raw)-1]), fix))
		add("truncated_header", bad(g.base("only the 14-byte header"), "invalid", user, b64(raw[:headerSize]), fix))
		add("truncated_text", bad(g.base("last base64 character removed"), "invalid", user, b64(raw)[:len(b64(raw))-1], fix))
		add("trailing_byte", bad(g.base("a zero byte appended after the tag"), "invalid", user, b64(append(bytes.Clone(raw), 0)), fix))
	}
	{
		v := g.base("encrypted token of 14 + 24 + 15 bytes, one short of an empty payload's")
		v.Mode = "encrypted"
		raw := seal(g.primary, "session", g.tok(nil, true))
		add("truncated_encrypted", bad(v, "invalid", nil, b64(raw[:len(raw)-1]), fixed(b64(raw))))
	}
	add("empty_value", bad(g.base("empty cookie value"), "invalid", nil, "", fixed(sealed(g.tok(nil, false)))))
	{
		v := g.base("authentic token one character longer than MaxLength")
		tok := sealed(g.tok(text[:200], false))
		v.MaxLength = len(tok) - 1
		add("too_long", bad(v, "invalid", text[:200], tok, &repair{MaxLength: len(tok), Result: "ok"}))
	}

	// Base64.
	{
		// 3 bytes of payload: 49 raw bytes, 66 characters, 4 padding bits.
		p := user[:3]
		tok := sealed(g.tok(p, false))
		add("base64_padding_bits_4", bad(g.base("non-zero padding bit in the last of 2 trailing characters"), "invalid", p, withPaddingBits(tok), fixed(tok)))
		add("base64_padded", bad(g.base("canonical token followed by == padding"), "invalid", p, tok+"==", fixed(tok)))
		add("base64_trailing_char", bad(g.base(`an "A" appended: decodes to the token and a zero byte`), "invalid", p, tok+"A", fixed(tok)))
	}
	{
		// 4 bytes of payload: 50 raw bytes, 67 characters, 2 padding bits.
		p := user[:4]
		tok := sealed(g.tok(p, false))
		add("base64_padding_bits_2", bad(g.base("non-zero padding bit in the last of 3 trailing characters"), "invalid", p, withPaddingBits(tok), fixed(tok)))
		add("base64_padded_one", bad(g.base("canonical token followed by = padding"), "invalid", p, tok+"=", fixed(tok)))
	}
	{
		tok := sealed(g.tok(user, false))
		fix := fixed(tok)
		add("base64_crlf", bad(g.base("CR LF inserted in the middle"), "invalid", user, tok[:20]+"\r\n"+tok[20:], fix))
		add("base64_lf", bad(g.base("LF inserted in the middle"), "invalid", user, tok[:20]+"\n"+tok[20:], fix))
		add("base64_trailing_lf", bad(g.base("LF appended"), "invalid", user, tok+"\n", fix))
		add("base64_space", bad(g.base("space inserted in the middle"), "invalid", user, tok[:20]+" "+tok[20:], fix))
		add("base64_dot", bad(g.base(`"." in place of a character`), "invalid", user, tok[:20]+"."+tok[21:], fix))
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
		add("base64_std_alphabet", bad(v, "invalid", user, base64.RawStdEncoding.EncodeToString(raw), fixed(b64(raw))))
	}

	// Compressed body, authentic. Each repair is the body that the
	// defect spoils.
	z, zeros := deflate(text), make([]byte, maxInflated+1)
	for _, c := range []struct {
		file, comment string
		body, repair  []byte
	}{
		{"deflate_corrupt", "compressed flag set, body is not DEFLATE (reserved block type 3)", bytes.Repeat([]byte{0xff}, 16), z},
		{"deflate_truncated", "compressed flag set, DEFLATE stream cut short", z[:20], z},
		{"deflate_trailing_data", "compressed flag set, a byte after the end of the DEFLATE stream", append(bytes.Clone(z), 0), z},
		{"deflate_beyond_limit", "compressed flag set, inflates to 65537 bytes, one more than the limit", deflate(zeros), deflate(zeros[:maxInflated])},
	} {
		v := g.base(c.comment)
		v.Compress = true
		t := g.tok(c.body, false)
		t.flags |= flagCompressed
		tok := sealed(t)
		t.body = c.repair
		add(c.file, bad(v, "invalid", nil, tok, fixed(sealed(t))))
	}
	{
		v := g.base("encrypted, compressed flag set, plaintext is not DEFLATE")
		v.Mode, v.Compress = "encrypted", true
		t := g.tok(bytes.Repeat([]byte{0xff}, 16), true)
		t.flags |= flagCompressed
		tok := sealed(t)
		t.body = z
		add("deflate_corrupt_encrypted", bad(v, "invalid", nil, tok, fixed(sealed(t))))
	}
}
