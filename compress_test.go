package cookiecodec

import (
	"bytes"
	"compress/flate"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// sizedSession returns a session of at least size bytes of CBOR (or
// MaxInflatedSize, whichever is less), shaped like a web application's: a
// few fixed keys, then values of every type from randomValue.
func sizedSession(tb testing.TB, r *rand.Rand, size int) []byte {
	tb.Helper()
	s := Session{
		"user_id":  r.Int64N(1 << 40),
		"username": fmt.Sprintf("user%d", r.IntN(1000)),
		"_fresh":   r.IntN(2) == 0,
		"login_at": time.Unix(1.7e9+r.Int64N(1e8), r.Int64N(1e9)).UTC(),
	}
	for i := 0; ; i++ {
		if i%8 == 0 {
			p, err := MarshalSession(s)
			if err != nil {
				tb.Fatal(err)
			}
			if len(p) >= size {
				return p[:min(len(p), MaxInflatedSize)]
			}
		}
		s[fmt.Sprintf("k%d", i)] = randomValue(r, 3)
	}
}

// TestDeflateMatchesStdlib compresses session payloads, those of the
// vectors and golden files and random ones from a few bytes to
// MaxInflatedSize, in random order, with deflate and with compress/flate at
// level 9, which wrote every compressed token so far: they must agree byte
// for byte, whatever payload came before.
func TestDeflateMatchesStdlib(t *testing.T) {
	var payloads [][]byte
	for _, v := range loadSessionVectors(t) {
		payloads = append(payloads, mustHex(t, v.Payload))
	}
	for _, v := range readVectors(t) {
		payloads = append(payloads, v.payload(t))
	}
	golden, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil || len(golden) == 0 {
		t.Fatalf("testdata/golden: %d files, err = %v", len(golden), err)
	}
	for _, f := range golden {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var gc goldenCase
		if err := json.Unmarshal(b, &gc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		payloads = append(payloads, mustHex(t, gc.Payload))
	}
	r := rand.New(rand.NewPCG(11, 12))
	for _, size := range []int{16, 64, 200, 500, 1000, 3000, 4096, 10000, 40000, MaxInflatedSize} {
		for range 8 {
			payloads = append(payloads, sizedSession(t, r, size))
		}
	}
	r.Shuffle(len(payloads), func(i, j int) { payloads[i], payloads[j] = payloads[j], payloads[i] })

	std, err := flate.NewWriter(nil, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range payloads {
		var buf bytes.Buffer
		std.Reset(&buf)
		std.Write(p)
		std.Close()
		want := buf.Bytes()
		got, ok := deflate([]byte("dst"), p)
		if !bytes.Equal(got, append([]byte("dst"), want...)) {
			t.Fatalf("payload %d (%d bytes, %s...): deflate = %d bytes, want dst then compress/flate's %d bytes", i, len(p), hex.EncodeToString(p[:min(len(p), 16)]), len(got), len(want))
		}
		if ok != (len(want) < len(p)) {
			t.Errorf("payload %d: deflate of %d bytes to %d reports shorter = %v", i, len(p), len(want), ok)
		}
	}
}
