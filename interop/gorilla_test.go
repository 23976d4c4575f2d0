package interop_test

// Package gorilla against the real gorilla/securecookie and
// gorilla/sessions: what they write, it reads to the same values, and what
// they refuse, it refuses.

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/gorilla"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// blockKeySizes are the AES key sizes securecookie takes, and 0 for none.
var blockKeySizes = []int{0, 16, 24, 32}

func newGorillaDecoder(t testing.TB, sz gorilla.Serializer, pairs ...[]byte) *gorilla.Decoder {
	t.Helper()
	opts := gorilla.Options{Serializer: sz}
	for i := 0; i < len(pairs); i += 2 {
		kp := gorilla.KeyPair{HashKey: pairs[i]}
		if i+1 < len(pairs) {
			kp.BlockKey = pairs[i+1]
		}
		opts.Keys = append(opts.Keys, kp)
	}
	d, err := gorilla.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// blockKey returns a random block key of n bytes, or nil for n == 0.
func blockKey(n int) []byte {
	if n == 0 {
		return nil
	}
	return securecookie.GenerateRandomKey(n)
}

// gorillaValues are the values gorilla users store, as gob takes them and
// as the decoder returns them.
func gorillaValues() (in map[interface{}]interface{}, want cookiecodec.Session) {
	login := time.Date(2026, 11, 30, 8, 15, 0, 123456789, time.FixedZone("CET", 3600))
	in = map[interface{}]interface{}{
		"user":    "Harry",
		"id":      42,
		"admin":   true,
		"ratio":   0.25,
		"raw":     []byte{0, 1, 2, 0xff},
		"login":   login,
		"roles":   []interface{}{"staff", 7, false},
		"profile": map[string]interface{}{"lang": "en", "tz": map[string]interface{}{"offset": -5}},
		"scores":  []float64{1.5, -2},
	}
	want = cookiecodec.Session{
		"user":    "Harry",
		"id":      int64(42),
		"admin":   true,
		"ratio":   0.25,
		"raw":     []byte{0, 1, 2, 0xff},
		"login":   login.UTC(),
		"roles":   []any{"staff", int64(7), false},
		"profile": map[string]any{"lang": "en", "tz": map[string]any{"offset": int64(-5)}},
		"scores":  []any{1.5, -2.0},
	}
	return in, want
}

// TestGorillaSecureCookie checks that cookies securecookie.Encode writes,
// with either serializer and every block key size, decode to the values
// stored, with the Info they should have.
func TestGorillaSecureCookie(t *testing.T) {
	gobIn, gobWant := gorillaValues()
	jsonIn := map[string]interface{}{
		"user": "Harry", "id": 42, "admin": true, "ratio": 0.25, "nothing": nil,
		"roles":   []interface{}{"staff", 7, false},
		"profile": map[string]interface{}{"lang": "en", "tz": map[string]interface{}{"offset": -5}},
	}
	jsonWant := cookiecodec.Session{
		"user": "Harry", "id": int64(42), "admin": true, "ratio": 0.25, "nothing": nil,
		"roles":   []any{"staff", int64(7), false},
		"profile": map[string]any{"lang": "en", "tz": map[string]any{"offset": int64(-5)}},
	}
	for _, sz := range []gorilla.Serializer{gorilla.Gob, gorilla.JSON} {
		for _, n := range blockKeySizes {
			t.Run(fmt.Sprintf("%v/block%d", sz, n), func(t *testing.T) {
				hk, bk := securecookie.GenerateRandomKey(32), blockKey(n)
				sc := securecookie.New(hk, bk)
				var in any = gobIn
				want := gobWant
				if sz == gorilla.JSON {
					sc.SetSerializer(securecookie.JSONEncoder{})
					in, want = jsonIn, jsonWant
				}
				before := time.Now().Unix()
				v, err := sc.Encode("session", in)
				if err != nil {
					t.Fatal(err)
				}
				d := newGorillaDecoder(t, sz, hk, bk)
				s, info, err := d.Decode("session", v)
				if err != nil {
					t.Fatalf("Decode(%q) err = %v", v, err)
				}
				if diff := cmp.Diff(want, s); diff != "" {
					t.Errorf("Decode (-want +got):\n%s", diff)
				}
				if ts := info.IssuedAt.Unix(); ts < before || ts > time.Now().Unix() {
					t.Errorf("Info.IssuedAt = %v, want the time of Encode", info.IssuedAt)
				}
				if info.Encrypted != (n > 0) || info.Stale || info.KeyID != gorilla.KeyID(hk) {
					t.Errorf("Info = %+v, want Encrypted %v, not Stale, KeyID %v", info, n > 0, gorilla.KeyID(hk))
				}
			})
		}
	}
}

// TestGorillaSessionsStore checks cookies made by gorilla/sessions'
// CookieStore with several key pairs, as an application rotating its keys
// has them: whichever pair the store encoded with, the decoder given the
// same pairs opens it, and reports Stale for any but the first.
func TestGorillaSessionsStore(t *testing.T) {
	in, want := gorillaValues()
	old := [][]byte{securecookie.GenerateRandomKey(32), securecookie.GenerateRandomKey(16)}
	cur := [][]byte{securecookie.GenerateRandomKey(64), securecookie.GenerateRandomKey(32)}
	signedOnly := [][]byte{securecookie.GenerateRandomKey(32), nil}
	all := [][]byte{cur[0], cur[1], old[0], old[1], signedOnly[0], signedOnly[1]}
	d := newGorillaDecoder(t, gorilla.Gob, all...)
	for i, pair := range [][][]byte{cur, old, signedOnly} {
		t.Run(fmt.Sprintf("pair%d", i+1), func(t *testing.T) {
			store := sessions.NewCookieStore(pair[0], pair[1])
			v := sessionsCookie(t, store, "user-session", in)
			s, info, err := d.Decode("user-session", v)
			if err != nil {
				t.Fatalf("Decode(%q) err = %v", v, err)
			}
			if diff := cmp.Diff(want, s); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
			if info.Stale != (i > 0) || info.KeyID != gorilla.KeyID(pair[0]) {
				t.Errorf("Info = %+v, want Stale %v and the KeyID of pair %d", info, i > 0, i+1)
			}
			// securecookie itself agrees.
			var back map[interface{}]interface{}
			if err := securecookie.DecodeMulti("user-session", v, &back, securecookie.CodecsFromPairs(all...)...); err != nil {
				t.Errorf("securecookie.DecodeMulti err = %v", err)
			}
		})
	}
}

// sessionsCookie runs a gorilla/sessions handler that stores values and
// returns the value of the cookie it sets.
func sessionsCookie(t testing.TB, store sessions.Store, name string, values map[interface{}]interface{}) string {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s, err := store.Get(req, name)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		s.Values[k] = v
	}
	if err := s.Save(req, rec); err != nil {
		t.Fatal(err)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("no %s cookie in %q", name, rec.Result().Header.Values("Set-Cookie"))
	return ""
}

// TestGorillaRejects checks that what securecookie refuses, the decoder
// refuses too, with the sentinel the root package uses.
func TestGorillaRejects(t *testing.T) {
	hk, bk := securecookie.GenerateRandomKey(32), securecookie.GenerateRandomKey(32)
	in, _ := gorillaValues()
	v, err := securecookie.New(hk, bk).Encode("session", in)
	if err != nil {
		t.Fatal(err)
	}
	d := newGorillaDecoder(t, gorilla.Gob, hk, bk)
	tampered := func(i int) string {
		b := []byte(v)
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		b[i] = alphabet[(strings.IndexByte(alphabet, b[i])+1)%64]
		return string(b)
	}
	cases := []struct {
		name    string
		d       *gorilla.Decoder
		cookie  string
		value   string
		want    error
		gorilla securecookie.Codec // refuses it too
	}{
		{"wrong name", d, "other", v, cookiecodec.ErrInvalid, securecookie.New(hk, bk)},
		{"wrong hash key", newGorillaDecoder(t, gorilla.Gob, securecookie.GenerateRandomKey(32), bk), "session", v, cookiecodec.ErrInvalid, securecookie.New(securecookie.GenerateRandomKey(32), bk)},
		{"wrong block key", newGorillaDecoder(t, gorilla.Gob, hk, securecookie.GenerateRandomKey(32)), "session", v, cookiecodec.ErrInvalid, securecookie.New(hk, securecookie.GenerateRandomKey(32))},
		{"signed-only decoder", newGorillaDecoder(t, gorilla.Gob, hk), "session", v, cookiecodec.ErrInvalid, securecookie.New(hk, nil)},
		{"JSON decoder", newGorillaDecoder(t, gorilla.JSON, hk, bk), "session", v, cookiecodec.ErrInvalid, securecookie.New(hk, bk).SetSerializer(securecookie.JSONEncoder{})},
	}
	for i := 0; i < len(v)-4; i += len(v) / 16 {
		cases = append(cases, struct {
			name    string
			d       *gorilla.Decoder
			cookie  string
			value   string
			want    error
			gorilla securecookie.Codec
		}{fmt.Sprintf("tampered at %d", i), d, "session", tampered(i), cookiecodec.ErrInvalid, securecookie.New(hk, bk)})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _, err := tc.d.Decode(tc.cookie, tc.value)
			if s != nil || !errors.Is(err, tc.want) {
				t.Errorf("Decode(%q) = %v, %v, want nil, %v", tc.value, s, err, tc.want)
			}
			var dst map[interface{}]interface{}
			if err := tc.gorilla.Decode(tc.cookie, tc.value, &dst); err == nil {
				t.Errorf("securecookie accepts the cookie the decoder refused: %v", dst)
			}
		})
	}
}

// TestGorillaExpired checks the MaxAge boundary against securecookie's,
// on a cookie it made: both accept it while it is younger than MaxAge and
// refuse it after, the decoder with ErrExpired.
func TestGorillaExpired(t *testing.T) {
	if testing.Short() {
		t.Skip("waits two seconds")
	}
	hk := securecookie.GenerateRandomKey(32)
	v, err := securecookie.New(hk, nil).Encode("session", map[interface{}]interface{}{"user": "Harry"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := gorilla.New(gorilla.Options{Keys: []gorilla.KeyPair{{HashKey: hk}}, MaxAge: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Decode("session", v); err != nil {
		t.Fatalf("fresh Decode err = %v", err)
	}
	time.Sleep(2100 * time.Millisecond)
	_, _, err = d.Decode("session", v)
	if !errors.Is(err, cookiecodec.ErrExpired) || !strings.Contains(err.Error(), "expired timestamp") {
		t.Errorf("Decode after 2s with MaxAge 1s err = %v, want ErrExpired", err)
	}
	var dst map[interface{}]interface{}
	if err := securecookie.New(hk, nil).MaxAge(1).Decode("session", v, &dst); err == nil || !strings.Contains(err.Error(), "expired timestamp") {
		t.Errorf("securecookie MaxAge(1) err = %v, want expired timestamp", err)
	}
}

// FuzzGorillaDifferential feeds random sessions through securecookie's
// encoder, with the serializer and block key size the input picks, and
// checks that the decoder returns the same values and securecookie's own
// Decode accepts the cookie too.
func FuzzGorillaDifferential(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(seed, seed%2 == 1, uint8(seed%4))
	}
	hk := securecookie.GenerateRandomKey(32)
	blocks := map[int][]byte{}
	for _, n := range blockKeySizes {
		blocks[n] = blockKey(n)
	}
	decoders := map[[2]int]*gorilla.Decoder{}
	for _, sz := range []gorilla.Serializer{gorilla.Gob, gorilla.JSON} {
		for _, n := range blockKeySizes {
			opts := gorilla.Options{Keys: []gorilla.KeyPair{{HashKey: hk, BlockKey: blocks[n]}}, Serializer: sz, MaxLength: 1 << 20}
			d, err := gorilla.New(opts)
			if err != nil {
				f.Fatal(err)
			}
			decoders[[2]int{int(sz), n}] = d
		}
	}
	f.Fuzz(func(t *testing.T, seed uint64, useJSON bool, block uint8) {
		rng := rand.New(rand.NewPCG(seed, 14))
		n := blockKeySizes[int(block)%len(blockKeySizes)]
		sc := securecookie.New(hk, blocks[n]).MaxLength(1 << 20)
		sz := gorilla.Gob
		if useJSON {
			sz = gorilla.JSON
			sc.SetSerializer(securecookie.JSONEncoder{})
		}
		g := valueGen{rng: rng, json: useJSON}
		in, want := g.session()
		var v string
		var err error
		if useJSON {
			m := map[string]interface{}{}
			for k, x := range in {
				m[k.(string)] = x
			}
			v, err = sc.Encode("session", m)
		} else {
			v, err = sc.Encode("session", in)
		}
		if err != nil {
			t.Fatalf("securecookie Encode(%v) err = %v", in, err)
		}
		s, _, err := decoders[[2]int{int(sz), n}].Decode("session", v)
		if err != nil {
			t.Fatalf("Decode(securecookie's cookie for %v) err = %v", in, err)
		}
		if !cmp.Equal(want, s, cmpopts.EquateEmpty()) {
			t.Fatalf("Decode(securecookie's cookie for %v) (-want +got):\n%s", in, cmp.Diff(want, s, cmpopts.EquateEmpty()))
		}
		var back any
		if useJSON {
			back = &map[string]interface{}{}
		} else {
			back = &map[interface{}]interface{}{}
		}
		if err := sc.Decode("session", v, back); err != nil {
			t.Fatalf("securecookie Decode err = %v", err)
		}
	})
}

// valueGen makes random sessions of the values gorilla users store, each
// as securecookie takes it and as the decoder should return it.
type valueGen struct {
	rng  *rand.Rand
	json bool // only what JSON carries: no []byte, time.Time or integral floats
}

func (g valueGen) session() (map[interface{}]interface{}, cookiecodec.Session) {
	in, want := map[interface{}]interface{}{}, cookiecodec.Session{}
	for range g.rng.IntN(8) {
		k := g.text(12)
		in[k], want[k] = g.value(1)
	}
	return in, want
}

func (g valueGen) text(maxLen int) string {
	const chars = "abcXYZ_-. 0é€😀\x00\"\\"
	var b strings.Builder
	for range g.rng.IntN(maxLen + 1) {
		r, _ := utf8.DecodeRuneInString(chars[g.rng.IntN(len(chars)):])
		if r == utf8.RuneError {
			r = 'x'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (g valueGen) value(depth int) (in, want any) {
	kinds := 9
	if depth >= 4 {
		kinds = 6 // no more nesting
	}
	switch g.rng.IntN(kinds) {
	case 0:
		s := g.text(20)
		return s, s
	case 1:
		i := g.rng.Int64N(1<<40) - 1<<39
		return int(i), i
	case 2:
		b := g.rng.IntN(2) == 1
		return b, b
	case 3:
		f := float64(g.rng.Int64N(1<<20)) + 0.5
		if g.rng.IntN(2) == 0 {
			f = -f
		}
		return f, f
	case 4:
		if g.json {
			return nil, nil
		}
		b := []byte(g.text(10))
		return b, b
	case 5:
		if g.json {
			return math.MaxInt32, int64(math.MaxInt32)
		}
		t := time.Unix(g.rng.Int64N(4e9), g.rng.Int64N(1e9)).In(time.FixedZone("", 3600*(g.rng.IntN(25)-12)))
		return t, t.UTC()
	case 6:
		in, want := []interface{}{}, []any{}
		for range g.rng.IntN(4) {
			x, y := g.value(depth + 1)
			in, want = append(in, x), append(want, y)
		}
		return in, want
	default:
		in, want := map[string]interface{}{}, map[string]any{}
		for range g.rng.IntN(4) {
			k := g.text(6)
			in[k], want[k] = g.value(depth + 1)
		}
		return in, want
	}
}

// BenchmarkGorillaDecode compares the decoder with securecookie's own
// Decode on the same cookies: a session of about the given size, in gob as
// gorilla/sessions writes it or in JSON, signed only or encrypted.
func BenchmarkGorillaDecode(b *testing.B) {
	for _, sz := range []gorilla.Serializer{gorilla.Gob, gorilla.JSON} {
		for _, size := range []int{64, 512, 2048} {
			for _, n := range []int{0, 32} {
				hk, bk := securecookie.GenerateRandomKey(32), blockKey(n)
				sc := securecookie.New(hk, bk)
				var in any = map[interface{}]interface{}{"user": "Harry", "id": 42, "admin": true, "data": strings.Repeat("x", size)}
				newDst := func() any { return &map[interface{}]interface{}{} }
				if sz == gorilla.JSON {
					sc.SetSerializer(securecookie.JSONEncoder{})
					in = map[string]interface{}{"user": "Harry", "id": 42, "admin": true, "data": strings.Repeat("x", size)}
					newDst = func() any { return &map[string]interface{}{} }
				}
				v, err := sc.Encode("session", in)
				if err != nil {
					b.Fatal(err)
				}
				d := newGorillaDecoder(b, sz, hk, bk)
				name := fmt.Sprintf("%v/%dB/block%d", sz, size, n)
				b.Run(name+"/cookiecodec", func(b *testing.B) {
					b.ReportAllocs()
					b.SetBytes(int64(len(v)))
					for b.Loop() {
						if _, _, err := d.Decode("session", v); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run(name+"/securecookie", func(b *testing.B) {
					b.ReportAllocs()
					b.SetBytes(int64(len(v)))
					for b.Loop() {
						if err := sc.Decode("session", v, newDst()); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
