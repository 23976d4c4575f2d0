package cookiecodec

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// testVector is one file of testdata/vectors, written by
// internal/vectorgen. SPEC.md describes the fields.
type testVector struct {
	File string `json:"-"`
	// IsRepair marks a vector made by repaired, whose payload and stale
	// fields are its original's.
	IsRepair bool `json:"-"`

	Comment        string          `json:"comment"`
	PrimaryKey     string          `json:"primary_key"`
	DecodeOnlyKeys []string        `json:"decode_only_keys"`
	Mode           string          `json:"mode"`
	Compress       bool            `json:"compress"`
	AcceptAnyMode  bool            `json:"accept_any_mode"`
	MaxAge         int64           `json:"max_age"`
	Skew           int64           `json:"skew"`
	MaxLength      int             `json:"max_length"`
	CookieName     string          `json:"cookie_name"`
	Now            int64           `json:"now"`
	Payload        string          `json:"payload"`
	Deflated       string          `json:"deflated"`
	Token          string          `json:"token"`
	Result         string          `json:"result"`
	Stale          bool            `json:"stale"`
	Reproducible   bool            `json:"reproducible"`
	Repaired       json.RawMessage `json:"repaired"`
}

// repaired returns the case with its one defect mended: with the fields
// of its repaired object replaced. It reports false if there is none.
func (v testVector) repaired(tb testing.TB) (testVector, bool) {
	tb.Helper()
	if v.Repaired == nil {
		return testVector{}, false
	}
	r := v
	r.File += " repaired"
	r.IsRepair, r.Repaired = true, nil
	r.DecodeOnlyKeys = slices.Clone(v.DecodeOnlyKeys) // Unmarshal reuses a slice's array
	if err := json.Unmarshal(v.Repaired, &r); err != nil || r.Repaired != nil {
		tb.Fatalf("%s: repaired: %v", v.File, err)
	}
	return r, true
}

// readVectors returns the token vectors of testdata/vectors sorted by file
// name. It fails tb if there are none, so that a fuzzer is never seeded
// with an empty corpus.
func readVectors(tb testing.TB) []testVector {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "vectors", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatal("no vectors in testdata/vectors: run go generate")
	}
	sort.Strings(files)
	vs := make([]testVector, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var v testVector
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		v.File = strings.TrimSuffix(filepath.Base(f), ".json")
		vs = append(vs, v)
	}
	return vs
}

// keyring returns the vector's keyring.
func (v testVector) keyring(tb testing.TB) *Keyring {
	tb.Helper()
	primary, err := ParseKey(v.PrimaryKey)
	if err != nil {
		tb.Fatalf("%s: primary key: %v", v.File, err)
	}
	var others []Key
	for _, s := range v.DecodeOnlyKeys {
		k, err := ParseKey(s)
		if err != nil {
			tb.Fatalf("%s: decode-only key: %v", v.File, err)
		}
		others = append(others, k)
	}
	ring, err := NewKeyring(primary, others...)
	if err != nil {
		tb.Fatalf("%s: %v", v.File, err)
	}
	return ring
}

// options returns the vector's codec options.
func (v testVector) options(tb testing.TB) Options {
	tb.Helper()
	if v.Mode != "signed" && v.Mode != "encrypted" {
		tb.Fatalf("%s: unknown mode %q", v.File, v.Mode)
	}
	return Options{
		Encrypt:       v.Mode == "encrypted",
		Compress:      v.Compress,
		AcceptAnyMode: v.AcceptAnyMode,
		MaxAge:        time.Duration(v.MaxAge) * time.Second,
		Skew:          time.Duration(v.Skew) * time.Second,
		MaxLength:     v.MaxLength,
	}
}

// codec returns the vector's codec, its clock stopped at the vector's time.
func (v testVector) codec(tb testing.TB) *Codec {
	tb.Helper()
	return pinnedCodec(tb, v.keyring(tb), v.options(tb), time.Unix(v.Now, 0))
}

// payload returns the vector's payload bytes.
func (v testVector) payload(tb testing.TB) []byte {
	tb.Helper()
	p, err := hex.DecodeString(v.Payload)
	if err != nil {
		tb.Fatalf("%s: payload: %v", v.File, err)
	}
	return p
}

// FuzzOpen opens arbitrary values under every combination of options, with
// the keys of the vectors, at an arbitrary time. Open must not panic, must
// fail with ErrInvalid or ErrExpired and a nil payload, and whatever opens
// must re-seal to the same token under the same key, time and nonce (for a
// compressed token, to one that opens to the same payload, as DEFLATE has
// many encodings of one input).
func FuzzOpen(f *testing.F) {
	vs := readVectors(f)
	// One keyring holds every key of the vectors, so that each authentic
	// seed opens.
	primary, err := ParseKey(vs[0].PrimaryKey)
	if err != nil {
		f.Fatal(err)
	}
	seen := map[KeyID]bool{primary.ID(): true}
	var others []Key
	for _, v := range vs {
		for _, s := range append([]string{v.PrimaryKey}, v.DecodeOnlyKeys...) {
			k, err := ParseKey(s)
			if err != nil {
				f.Fatal(err)
			}
			if !seen[k.ID()] {
				seen[k.ID()] = true
				others = append(others, k)
			}
		}
	}
	ring := testRing(f, primary, others...)

	for _, v := range vs {
		var mode uint8
		o := v.options(f)
		if o.Encrypt {
			mode |= 1
		}
		if o.Compress {
			mode |= 2
		}
		if o.AcceptAnyMode {
			mode |= 4
		}
		f.Add(v.CookieName, v.Token, v.Now, mode)
	}

	f.Fuzz(func(t *testing.T, name, value string, now int64, mode uint8) {
		opts := Options{Encrypt: mode&1 != 0, Compress: mode&2 != 0, AcceptAnyMode: mode&4 != 0}
		c := pinnedCodec(t, ring, opts, time.Unix(now, 0))
		payload, info, err := c.Open(name, value)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
				t.Fatalf("Open(%q) err = %v, want ErrInvalid or ErrExpired", value, err)
			}
			if payload != nil || info != (Info{}) {
				t.Fatalf("Open(%q) = %x, %+v with error %v", value, payload, info, err)
			}
			return
		}
		again := reseal(t, c, name, value, payload, info)
		if !info.Compressed {
			if again != value {
				t.Fatalf("Open(%q) succeeded, but the payload reseals to %q", value, again)
			}
			return
		}
		rc := pinnedCodec(t, ring, Options{Encrypt: info.Encrypted, MaxLength: 1 << 20}, info.IssuedAt)
		p, _, err := rc.Open(name, again)
		if err != nil || !bytes.Equal(p, payload) {
			t.Fatalf("resealed compressed token opens to %x, %v; want %x", p, err, payload)
		}
	})
}

// FuzzOpenAuthentic reaches what FuzzOpen's random tokens rarely do: the
// code that runs after authentication. It seals an arbitrary header (flags
// and issue time) and body with a real key, as an encoder that follows no
// rules would, and opens the result at an arbitrary time. Open must not
// panic, must fail with ErrInvalid or ErrExpired and a nil payload, and
// what opens must re-seal as in FuzzOpen. Seeds are the bodies of the
// signed vectors, compressed ones (valid and corrupt DEFLATE) included.
func FuzzOpenAuthentic(f *testing.F) {
	vs := readVectors(f)
	key := testKey(f, 1)
	ring := testRing(f, key)
	for _, v := range vs {
		raw, err := base64.RawURLEncoding.Strict().DecodeString(v.Token)
		if err != nil || len(raw) < headerSize+macSize || raw[1]&flagEncrypted != 0 {
			continue
		}
		f.Add(raw[1], binary.BigEndian.Uint64(raw[6:14]), raw[headerSize:len(raw)-macSize], v.Now)
	}

	f.Fuzz(func(t *testing.T, flags byte, iat uint64, body []byte, now int64) {
		if len(body) > MaxInflatedSize {
			return
		}
		header := []byte{version1, flags}
		header = binary.BigEndian.AppendUint32(header, uint32(key.ID()))
		header = binary.BigEndian.AppendUint64(header, iat)
		ad := appendAD(nil, "session", header)
		var raw []byte
		if flags&flagEncrypted != 0 {
			nonce := make([]byte, nonceSize)
			raw = key.k.aead.Seal(append(bytes.Clone(header), nonce...), nonce, body, ad)
		} else {
			raw = new(scratch).appendMAC(append(bytes.Clone(header), body...), key.k, ad, body)
		}
		value := base64.RawURLEncoding.EncodeToString(raw)

		c := pinnedCodec(t, ring, Options{AcceptAnyMode: true, MaxLength: 1 << 20}, time.Unix(now, 0))
		payload, info, err := c.Open("session", value)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
				t.Fatalf("Open err = %v, want ErrInvalid or ErrExpired", err)
			}
			if payload != nil || info != (Info{}) {
				t.Fatalf("Open = %x, %+v with error %v", payload, info, err)
			}
			if flags&^flagsKnown == 0 && flags&flagCompressed == 0 && iat <= math.MaxInt64 && errors.Is(err, ErrInvalid) &&
				!strings.Contains(err.Error(), "in the future") {
				t.Fatalf("authentic uncompressed token rejected: %v", err)
			}
			return
		}
		if flags&^flagsKnown != 0 {
			t.Fatalf("token with flags %#02x opened", flags)
		}
		if !info.Compressed && !bytes.Equal(payload, body) {
			t.Fatalf("Open = %x, want the body %x", payload, body)
		}
		again := reseal(t, c, "session", value, payload, info)
		if !info.Compressed {
			if again != value {
				t.Fatalf("Open(%q) succeeded, but the payload reseals to %q", value, again)
			}
			return
		}
		rc := pinnedCodec(t, ring, Options{Encrypt: info.Encrypted, MaxLength: 1 << 20}, info.IssuedAt)
		p, _, err := rc.Open("session", again)
		if err != nil || !bytes.Equal(p, payload) {
			t.Fatalf("resealed compressed token opens to %x, %v; want %x", p, err, payload)
		}
	})
}
