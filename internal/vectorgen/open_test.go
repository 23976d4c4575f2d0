package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

// This file is the generator's check of its own files: a second decoder,
// written from SPEC.md like the encoder and sharing only its primitives,
// opens every vector and every repaired vector.

var vectorDir = filepath.Join("..", "..", "testdata", "vectors")

// readFiles returns the vectors of testdata/vectors by file name, without
// ".json".
func readFiles(t *testing.T) map[string]vector {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors in %s: %v", vectorDir, err)
	}
	vs := map[string]vector{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		vs[strings.TrimSuffix(filepath.Base(f), ".json")] = v
	}
	return vs
}

// opened is what opening a vector's token gives.
type opened struct {
	result  string // ok, invalid or expired
	payload []byte
	stale   bool
	why     string // for invalid, the step that rejected
}

func invalid(why string) opened { return opened{result: "invalid", why: why} }

// parseKey parses the text form of a key, strictly.
func parseKey(s string) (key, error) {
	if !isBase64url(s) {
		return key{}, errors.New("not base64url")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) < 32 {
		return key{}, errors.New("not a key")
	}
	return newKey(b), nil
}

// isBase64url reports whether s holds only the 64 characters of the
// base64url alphabet. (Go's decoder skips CR and LF, which SPEC.md
// rejects.)
func isBase64url(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isToken(name string) bool {
	for i := 0; i < len(name); i++ {
		if strings.IndexByte("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", name[i]) < 0 {
			return false
		}
	}
	return true
}

// open follows "Opening" in SPEC.md, step by step.
func open(t *testing.T, v vector) opened {
	t.Helper()
	var ring []key // the primary first
	for _, s := range append([]string{v.PrimaryKey}, v.DecodeOnlyKeys...) {
		k, err := parseKey(s)
		if err != nil {
			t.Fatalf("key %q: %v", s, err)
		}
		ring = append(ring, k)
	}
	if v.CookieName == "" || len(v.CookieName) > 255 || !isToken(v.CookieName) {
		return invalid("cookie name")
	}
	// 1.
	if len(v.Token) > v.MaxLength {
		return invalid("longer than max_length")
	}
	// 2.
	if !isBase64url(v.Token) || len(v.Token)%4 == 1 {
		return invalid("not base64url")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(v.Token)
	if err != nil {
		return invalid("not canonical base64url")
	}
	// 3.
	if len(raw) < headerSize {
		return invalid("shorter than a header")
	}
	version, flags := raw[0], raw[1]
	keyID, iat := binary.BigEndian.Uint32(raw[2:6]), binary.BigEndian.Uint64(raw[6:14])
	if version != 1 {
		return invalid("version")
	}
	if flags&0xfc != 0 {
		return invalid("unknown flags")
	}
	// 4.
	encrypted := flags&flagEncrypted != 0
	otherMode := encrypted != (v.Mode == "encrypted")
	if otherMode && !v.AcceptAnyMode {
		return invalid("mode")
	}
	// 5.
	i := -1
	for j, k := range ring {
		if k.id == keyID {
			i = j
		}
	}
	if i < 0 {
		return invalid("unknown key")
	}
	k := ring[i]
	// 6.
	a := ad(v.CookieName, raw[:headerSize])
	var body []byte
	if encrypted {
		if len(raw) < headerSize+nonceSize+aeadTagSize {
			return invalid("too short for its mode")
		}
		aead, err := chacha20poly1305.NewX(k.enc)
		if err != nil {
			t.Fatal(err)
		}
		if body, err = aead.Open(nil, raw[headerSize:headerSize+nonceSize], raw[headerSize+nonceSize:], a); err != nil {
			return invalid("AEAD")
		}
	} else {
		if len(raw) < headerSize+macSize {
			return invalid("too short for its mode")
		}
		body = raw[headerSize : len(raw)-macSize]
		m := hmac.New(sha256.New, k.mac)
		m.Write(a)
		m.Write(body)
		if !hmac.Equal(m.Sum(nil), raw[len(raw)-macSize:]) {
			return invalid("MAC")
		}
	}
	// 7.
	if iat > math.MaxInt64 {
		return invalid("issued_at beyond 2^63-1")
	}
	// 8. Both times are at most 2^63-1 and now is not negative here, so
	// the differences fit in a uint64.
	if v.Now < 0 {
		t.Fatalf("negative now %d", v.Now)
	}
	now := uint64(v.Now)
	if iat > now && iat-now > uint64(v.Skew) {
		return invalid("beyond the skew")
	}
	if now > iat && now-iat > uint64(v.MaxAge) {
		return opened{result: "expired"}
	}
	// 9.
	payload := body
	if flags&flagCompressed != 0 {
		if payload, err = inflate(body); err != nil {
			return invalid("DEFLATE: " + err.Error())
		}
	}
	// 10.
	return opened{result: "ok", payload: payload, stale: i > 0 || otherMode}
}

// TestOpen opens every vector with the decoder above, and every rejected
// one again with its repair, which must give the repair's result: no
// vector is rejected for a reason other than the one it tests.
func TestOpen(t *testing.T) {
	for file, v := range readFiles(t) {
		t.Run(file, func(t *testing.T) {
			got := open(t, v)
			if got.result != v.Result {
				t.Fatalf("result %s (%s), want %s", got.result, got.why, v.Result)
			}
			if v.Result == "ok" {
				if v.Repaired != nil {
					t.Errorf("an ok vector has a repair")
				}
				if hexOf(got.payload) != v.Payload || got.stale != v.Stale {
					t.Errorf("payload %x, stale %v; want %s, %v", got.payload, got.stale, v.Payload, v.Stale)
				}
				return
			}
			if v.Repaired == nil {
				t.Fatalf("a rejected vector has no repair")
			}
			if r := open(t, v.Repaired.apply(v)); r.result != v.Repaired.Result {
				t.Fatalf("repaired: result %s (%s), want %s", r.result, r.why, v.Repaired.Result)
			}
		})
	}
}
