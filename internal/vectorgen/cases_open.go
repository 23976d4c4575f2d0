package main

import (
	"bytes"
	"encoding/hex"
	"log"
	"strings"
)

// opening adds the cases of tokens that open, and of authentic tokens that
// are expired.
func (g *gen) opening(add func(string, vector)) {
	user, text, rnd64 := g.user, g.text, g.rnd64

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
		add("signed_compressed", okCompressed(v, text, g.primary, g.tok(nil, false), deflate(text)))
	}
	{
		v := g.base("encrypted and compressed token (flags 0x03)")
		v.Mode, v.Compress = "encrypted", true
		add("encrypted_compressed", okCompressed(v, text, g.primary, g.tok(nil, true), deflate(text)))
	}
	{
		v := g.base("compression enabled, but DEFLATE does not shorten random bytes, so the payload is stored as is")
		v.Compress = true
		v = ok(v, rnd64, b64(seal(g.primary, "session", g.tok(rnd64, false))), false)
		z := deflate(rnd64)
		if len(z) < len(rnd64) {
			log.Fatal("DEFLATE shortened 64 random bytes")
		}
		v.Deflated = hex.EncodeToString(z)
		add("compress_not_shorter", v)
	}
	{
		v := g.base("compressed token whose body is a stored DEFLATE block, 5 bytes longer than the payload: valid RFC 1951 that decoders must accept, though no encoder that follows the spec writes it")
		v.Compress = true
		add("compressed_stored_block", okCompressed(v, user, g.primary, g.tok(nil, false), storedDeflate(user)))
	}
	{
		zeros := make([]byte, maxInflated)
		v := g.base("compressed token that inflates to exactly 65536 bytes, the limit")
		v.Compress = true
		add("compressed_at_inflate_limit", okCompressed(v, zeros, g.primary, g.tok(nil, false), deflate(zeros)))
	}
	{
		v := g.base("compressed token whose DEFLATE body is Go's level 9 output for 64 random bytes, longer than the payload: decoders accept a compressed body of any length, though no encoder that follows the spec sets the flag for it")
		v.Compress = true
		add("compressed_body_longer", okCompressed(v, rnd64, g.primary, g.tok(nil, false), deflate(rnd64)))
	}
	{
		// 1 + 3*258 bytes of "a" in one final block of fixed Huffman codes:
		// 3 + 8 + 3*13 + 7 = 57 bits, so 7 bits of the last byte are unused.
		var w bitWriter
		w.fixedRun(true, 'a', 3)
		w.fill()
		v := g.base("compressed token whose DEFLATE stream sets the 7 unused bits of its last byte, after the end of the final block, to 1: decoders ignore them")
		v.Compress = true
		add("compressed_padding_bits_end", okCompressed(v, bytes.Repeat([]byte("a"), 1+3*258), g.primary, g.tok(nil, false), w.b))
	}
	{
		// The same block, not final, then an empty final stored block (as
		// Go's compress/flate ends a stream), with the bits between the
		// stored block's 3-bit header and its LEN field set to 1.
		var w bitWriter
		w.fixedRun(false, 'a', 3)
		w.bits(1, 1) // BFINAL
		w.bits(0, 2) // BTYPE=00: stored
		w.fill()
		z := append(w.b, 0x00, 0x00, 0xff, 0xff) // LEN=0, NLEN
		v := g.base("compressed token whose DEFLATE stream sets the 2 bits that a stored block's header leaves before the byte boundary to 1: decoders ignore them")
		v.Compress = true
		add("compressed_padding_bits_stored", okCompressed(v, bytes.Repeat([]byte("a"), 1+3*258), g.primary, g.tok(nil, false), z))
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

	// Expired: authentic, but too old. Each opens one second earlier.
	{
		v := g.base("issued MaxAge + 1 seconds ago")
		t := g.tok(user, false)
		t.iat = uint64(g.now - defaultMaxAge - 1)
		add("expired", bad(v, "expired", user, b64(seal(g.primary, "session", t)), &repair{Now: g.now - 1, Result: "ok"}))
	}
	{
		v := g.base("encrypted, issued MaxAge + 1 seconds ago, with MaxAge one hour")
		v.Mode, v.MaxAge = "encrypted", 3600
		t := g.tok(user, true)
		t.iat = uint64(g.now - 3601)
		add("expired_encrypted_short_max_age", bad(v, "expired", user, b64(seal(g.primary, "session", t)), &repair{Now: g.now - 1, Result: "ok"}))
	}
	{
		v := g.base("issued at Unix time 0")
		t := g.tok(user, false)
		t.iat = 0
		add("expired_epoch", bad(v, "expired", user, b64(seal(g.primary, "session", t)), &repair{Now: defaultMaxAge, Result: "ok"}))
	}
}
