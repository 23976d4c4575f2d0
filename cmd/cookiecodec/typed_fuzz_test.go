package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// typedRoundTrip checks that the typed JSON of the decoded payload p reads
// back as a session with the payload p.
func typedRoundTrip(t *testing.T, p []byte) {
	t.Helper()
	s, err := cookiecodec.UnmarshalSession(p)
	if err != nil {
		t.Fatal(err)
	}
	v, err := typedValue(s)
	if err != nil {
		t.Fatalf("typedValue(decoded %x): %v", p, err)
	}
	var js bytes.Buffer
	if err := writeJSON(&js, v); err != nil {
		t.Fatal(err)
	}
	back, err := parseTypedSession(js.Bytes())
	if err != nil {
		t.Fatalf("parseTypedSession(%s): %v", js.Bytes(), err)
	}
	got, err := cookiecodec.MarshalSession(back)
	if err != nil || !bytes.Equal(got, p) {
		t.Fatalf("payload %x prints as %s, which reads back as %x, %v", p, js.Bytes(), got, err)
	}
}

// typedRandomValue returns a random session value of any type, nested at most
// depth more levels.
func typedRandomValue(rng *rand.Rand, depth int) any {
	n := 20
	if depth == 0 {
		n = 17
	}
	switch rng.IntN(n) {
	case 0:
		return nil
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return typedRandomText(rng)
	case 3:
		return int64(rng.Uint64())
	case 4:
		return rng.Uint64()
	case 5:
		return rng.Int64N(1<<54) - 1<<53
	case 6:
		return math.Float64frombits(rng.Uint64())
	case 7:
		return math.Float32frombits(rng.Uint32())
	case 8:
		return float64(rng.IntN(1000)) / 8
	case 9:
		b := make([]byte, rng.IntN(8))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	case 10:
		return time.Unix(rng.Int64N(1<<40)-1<<39, 0)
	case 11:
		return time.Unix(rng.Int64N(253402300799+62167219200)-62167219200, rng.Int64N(1e9)).UTC()
	case 12:
		return time.Unix(int64(rng.Uint64()), 0)
	case 13:
		return []string{typedRandomText(rng), typedRandomText(rng)}
	case 14:
		return int8(rng.Uint32())
	case 15:
		return uint16(rng.Uint32())
	case 16:
		return []any{math.NaN(), math.Inf(1), math.Inf(-1)}
	case 17, 18:
		m := map[string]any{}
		for range rng.IntN(4) {
			k := typedRandomText(rng)
			if rng.IntN(3) == 0 {
				k = "$" + k
			}
			m[k] = typedRandomValue(rng, depth-1)
		}
		return m
	}
	l := make([]any, rng.IntN(4))
	for i := range l {
		l[i] = typedRandomValue(rng, depth-1)
	}
	return l
}

func typedRandomText(rng *rand.Rand) string {
	const alphabet = "ab$\"\\\n\x00é\u2028"
	runes := []rune(alphabet)
	var b strings.Builder
	for range rng.IntN(5) {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

// TestTypedRoundTripRandom checks the round trip on random sessions of
// every type, nested, with '$' keys.
func TestTypedRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		s := cookiecodec.Session{}
		for range rng.IntN(6) {
			s[typedRandomText(rng)] = typedRandomValue(rng, 1+rng.IntN(cookiecodec.MaxSessionDepth-2))
		}
		p, err := cookiecodec.MarshalSession(s)
		if err != nil {
			t.Fatal(err)
		}
		typedRoundTrip(t, p)
	}
}

// sessionVectors is the directory of the session payload vectors, found
// from this file's path: TestMain changes the directory, and fuzzing
// workers start in the one it changed to.
var sessionVectors = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "session")
}()

// FuzzTypedRoundTrip checks that every payload the session decoder accepts
// prints as typed JSON that reads back as the same payload.
func FuzzTypedRoundTrip(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(sessionVectors, "*.json"))
	if len(files) == 0 {
		f.Fatal("no session vectors in testdata/session")
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		var v struct {
			PayloadHex string `json:"payload_hex"`
		}
		if json.Unmarshal(data, &v) != nil {
			continue
		}
		if b, err := hex.DecodeString(v.PayloadHex); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		if _, err := cookiecodec.UnmarshalSession(p); err != nil {
			return
		}
		typedRoundTrip(t, p)
	})
}
