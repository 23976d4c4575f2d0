package flask

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// TestCompressMatchesZlib compresses the tagged JSON of sessions from a
// few bytes to cookiecodec.MaxInflatedSize, in random order, with compress
// and with compress/zlib, which wrote every compressed Flask cookie so
// far: they must agree byte for byte, whatever session came before, and
// on whether Flask would compress.
func TestCompressMatchesZlib(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	var payloads [][]byte
	for _, size := range []int{1, 20, 60, 200, 300, 1000, 4000, 20000, 40000, cookiecodec.MaxInflatedSize} {
		for range 6 {
			s := cookiecodec.Session{"_fresh": true, "csrf_token": fmt.Sprintf("%040x", r.Uint64())}
			for i := 0; 30*len(s) < size; i++ {
				switch r.IntN(4) {
				case 0:
					s[fmt.Sprintf("item%d", i)] = r.IntN(1 << 30)
				case 1:
					s[fmt.Sprintf("note%d", i)] = strings.Repeat("spam ", r.IntN(8))
				case 2:
					s[fmt.Sprintf("blob%d", i)] = []byte(fmt.Sprintf("%x", r.Uint64()))
				default:
					s[fmt.Sprintf("tags%d", i)] = []any{"a", r.IntN(10), map[string]any{"k": r.Float64()}}
				}
			}
			js, err := MarshalTagged(s)
			if err != nil {
				t.Fatal(err)
			}
			payloads = append(payloads, js[:min(len(js), size)])
		}
	}
	r.Shuffle(len(payloads), func(i, j int) { payloads[i], payloads[j] = payloads[j], payloads[i] })
	for i, p := range payloads {
		want := zlibBytes(p)
		wantOK := len(want) < len(p)-1
		got, ok := compress(p)
		if ok != wantOK || got != nil && !bytes.Equal(got, want) {
			t.Fatalf("payload %d (%d bytes): compress = %d bytes, %v; want compress/zlib's %d bytes, %v", i, len(p), len(got), ok, len(want), wantOK)
		}
	}
}
