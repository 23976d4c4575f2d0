package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// TestFilesUpToDate checks that testdata/vectors holds what the generator
// writes, and nothing else.
func TestFilesUpToDate(t *testing.T) {
	files := readFiles(t)
	for file, v := range newGen().cases() {
		b, err := os.ReadFile(filepath.Join(vectorDir, file+".json"))
		if err != nil {
			t.Errorf("%s: %v (run go generate)", file, err)
			continue
		}
		if !bytes.Equal(b, encode(v)) {
			t.Errorf("%s.json differs from what the generator writes (run go generate)", file)
		}
		delete(files, file)
	}
	for file := range files {
		t.Errorf("%s.json is not a case of the generator (run go generate)", file)
	}
}

// TestReproducible checks the reproducible and deflated fields against
// their definition in SPEC.md: sealing the payload with the token's key,
// mode, issue time and nonce, and with deflated as the output of DEFLATE,
// gives the token back exactly, unless reproducible is false.
func TestReproducible(t *testing.T) {
	for file, v := range readFiles(t) {
		if v.Result != "ok" {
			if v.Deflated != "" || v.Reproducible {
				t.Errorf("%s: a rejected vector has deflated or reproducible set", file)
			}
			continue
		}
		if (v.Deflated != "") != v.Compress {
			t.Errorf("%s: compress is %v, but deflated is %q", file, v.Compress, v.Deflated)
			continue
		}
		raw, err := base64.RawURLEncoding.DecodeString(v.Token)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		payload, _ := hex.DecodeString(v.Payload)
		z, _ := hex.DecodeString(v.Deflated)
		if v.Compress {
			if p, err := inflate(z); err != nil || !bytes.Equal(p, payload) {
				t.Errorf("%s: deflated does not inflate to the payload: %v", file, err)
			}
		}
		k := keyOf(t, v, binary.BigEndian.Uint32(raw[2:6]))
		tk := token{version: 1, keyID: k.id, iat: binary.BigEndian.Uint64(raw[6:14]), body: payload}
		if raw[1]&flagEncrypted != 0 { // the token's mode
			tk.flags |= flagEncrypted
			tk.nonce = raw[headerSize : headerSize+nonceSize]
		}
		if v.Compress && len(z) < len(payload) {
			tk.flags |= flagCompressed
			tk.body = z
		}
		if got := b64(seal(k, v.CookieName, tk)) == v.Token; got != v.Reproducible {
			t.Errorf("%s: sealing again gives the token: %v, but reproducible is %v", file, got, v.Reproducible)
		}
	}
}

// keyOf returns the key of v's keyring whose id is id.
func keyOf(t *testing.T, v vector, id uint32) key {
	t.Helper()
	for _, s := range append([]string{v.PrimaryKey}, v.DecodeOnlyKeys...) {
		k, err := parseKey(s)
		if err != nil {
			t.Fatal(err)
		}
		if k.id == id {
			return k
		}
	}
	t.Fatalf("no key of the keyring seals the token")
	return key{}
}

// TestNumbersExact checks that every number in the vectors is an integer
// of at most 2^53 in magnitude, which every JSON parser reads exactly
// (RFC 7493, section 2.2).
func TestNumbersExact(t *testing.T) {
	const limit = 1 << 53
	for file, v := range readFiles(t) {
		nums := []int64{v.MaxAge, v.Skew, int64(v.MaxLength), v.Now}
		if v.Repaired != nil {
			nums = append(nums, int64(v.Repaired.MaxLength), v.Repaired.Now)
		}
		for _, n := range nums {
			if n > limit || n < -limit {
				t.Errorf("%s: %d is beyond 2^53", file, n)
			}
		}
	}
}
