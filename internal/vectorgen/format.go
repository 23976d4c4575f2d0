package main

import (
	"bytes"
	"compress/flate"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"log"

	"golang.org/x/crypto/chacha20poly1305"
)

// Format v1 constants, from SPEC.md.
const (
	adLabel        = "cookiecodec v1\x00"
	labelKeyID     = "cookiecodec v1 key id"
	labelMAC       = "cookiecodec v1 hmac-sha256 key"
	labelEnc       = "cookiecodec v1 xchacha20poly1305 key"
	headerSize     = 14
	macSize        = 32
	nonceSize      = 24
	aeadTagSize    = 16
	flagEncrypted  = 0x01
	flagCompressed = 0x02
	maxInflated    = 65536

	day           = 24 * 60 * 60
	defaultMaxAge = 31 * day
	defaultSkew   = 60
	defaultMaxLen = 4096
)

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

// inflate returns what the DEFLATE stream z holds, failing if bytes
// follow its end or it holds more than 65536 bytes.
func inflate(z []byte) ([]byte, error) {
	zr := bytes.NewReader(z)
	p, err := io.ReadAll(io.LimitReader(flate.NewReader(zr), maxInflated+1))
	switch {
	case err != nil:
		return nil, err
	case len(p) > maxInflated:
		return nil, errors.New("inflates beyond 65536 bytes")
	case zr.Len() != 0:
		return nil, errors.New("bytes after the DEFLATE stream")
	}
	return p, nil
}

// storedDeflate returns p as a single stored (uncompressed) DEFLATE block:
// valid RFC 1951, but not what the reference encoder writes.
func storedDeflate(p []byte) []byte {
	b := []byte{0x01} // BFINAL=1, BTYPE=00
	b = binary.LittleEndian.AppendUint16(b, uint16(len(p)))
	b = binary.LittleEndian.AppendUint16(b, ^uint16(len(p)))
	return append(b, p...)
}

// bitWriter writes a DEFLATE bit stream: values from their least
// significant bit, Huffman codes from their most significant (RFC 1951,
// section 3.1.1).
type bitWriter struct {
	b []byte
	n int // bits written
}

func (w *bitWriter) bits(v uint32, n int) {
	for i := range n {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		w.b[len(w.b)-1] |= byte(v>>i&1) << (w.n % 8)
		w.n++
	}
}

func (w *bitWriter) code(c uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		w.bits(c>>i&1, 1)
	}
}

// fill sets the bits that remain in the last byte, which RFC 1951 has a
// decompressor skip, to 1: the padding that encoders leave zero.
func (w *bitWriter) fill() {
	for w.n%8 != 0 {
		w.bits(1, 1)
	}
}

// fixedRun writes a block of fixed Huffman codes (RFC 1951, section 3.2.6)
// holding the byte c once and then n copies of the previous 258 bytes:
// 1 + 258n bytes of c in 3 + 8 + 13n + 7 bits.
func (w *bitWriter) fixedRun(final bool, c byte, n int) {
	var bfinal uint32
	if final {
		bfinal = 1
	}
	w.bits(bfinal, 1)
	w.bits(1, 2) // BTYPE=01
	if c < 144 {
		w.code(0x30+uint32(c), 8)
	} else {
		w.code(0x190+uint32(c)-144, 9)
	}
	for range n {
		w.code(0xc5, 8) // length code 285: 258 bytes
		w.code(0, 5)    // distance code 0: 1 byte back
	}
	w.code(0, 7) // end of block
}
