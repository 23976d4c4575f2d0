package cookiecodec

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The golden files of testdata/golden pin the exact tokens that the
// benchmarked sessions encode to, at a fixed time, key and nonce, so that no
// change made for speed changes a byte of output. Their payloads are those
// of the sessions of interop's benchmark suite, which checks that its
// sessions still marshal to them; with -update-golden this test rewrites
// the tokens from the payloads (interop's TestPerfGolden -update-golden
// writes the payloads).

var updateGolden = flag.Bool("update-golden", false, "rewrite the tokens of testdata/golden from their payloads")

// goldenNonces is the source of the nonce of every encrypted golden
// token: 0xa5 bytes.
type goldenNonces struct{}

func (goldenNonces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0xa5
	}
	return len(p), nil
}

// A goldenCase is one file of testdata/golden.
type goldenCase struct {
	Payload string `json:"payload"` // hex
	// Tokens by mode: "signed", "encrypted", "compressed" (encrypted and
	// compressed), "signed-compressed".
	Tokens map[string]string `json:"tokens"`
}

// goldenModes are the modes of a goldenCase, by the names of its tokens.
var goldenModes = []struct {
	name string
	opts Options
}{
	{"signed", Options{}},
	{"encrypted", Options{Encrypt: true}},
	{"compressed", Options{Encrypt: true, Compress: true}},
	{"signed-compressed", Options{Compress: true}},
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if len(files) < 5 {
		t.Fatalf("%d files in testdata/golden, want at least 5", len(files))
	}
	ring := testRing(t, testKey(t, 7))
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var g goldenCase
			if err := json.Unmarshal(b, &g); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			payload, err := hex.DecodeString(g.Payload)
			if err != nil {
				t.Fatalf("payload: %v", err)
			}
			s, err := UnmarshalSession(payload)
			if err != nil {
				t.Fatalf("UnmarshalSession: %v", err)
			}
			if p, err := MarshalSession(s); err != nil || !bytes.Equal(p, payload) {
				t.Fatalf("MarshalSession(UnmarshalSession(payload)) = %x, %v; want %x", p, err, payload)
			}
			if *updateGolden {
				g.Tokens = map[string]string{}
			}
			for _, m := range goldenModes {
				c := pinnedCodec(t, ring, m.opts, testNow)
				c.rand = goldenNonces{}
				got, err := c.Encode("session", s)
				if err != nil {
					t.Fatalf("%s: Encode: %v", m.name, err)
				}
				if *updateGolden {
					g.Tokens[m.name] = got
					continue
				}
				if want := g.Tokens[m.name]; got != want {
					t.Errorf("%s: Encode = %q, want %q", m.name, got, want)
				}
				// Appending to a buffer with room and to one without.
				for _, dst := range [][]byte{append(make([]byte, 0, 8192), "abc"...), []byte("abc")} {
					out, err := c.AppendEncode(dst, "session", s)
					if err != nil || string(out) != "abc"+got {
						t.Errorf("%s: AppendEncode(cap %d) = %.20q..., %v; want abc and the token", m.name, cap(dst), out, err)
					}
					out, err = c.AppendSeal(dst, "session", payload)
					if err != nil || string(out) != "abc"+got {
						t.Errorf("%s: AppendSeal(cap %d) = %.20q..., %v; want abc and the token", m.name, cap(dst), out, err)
					}
				}
				d, _, err := c.Decode("session", got)
				if err != nil {
					t.Fatalf("%s: Decode: %v", m.name, err)
				}
				if p, err := MarshalSession(d); err != nil || !bytes.Equal(p, payload) {
					t.Errorf("%s: Decode re-marshals to %x, %v; want %x", m.name, p, err, payload)
				}
				v, _, err := c.DecodeView("session", got)
				if err != nil {
					t.Fatalf("%s: DecodeView: %v", m.name, err)
				}
				if p, err := MarshalSession(v.Session()); err != nil || !bytes.Equal(p, payload) {
					t.Errorf("%s: DecodeView's Session re-marshals to %x, %v; want %x", m.name, p, err, payload)
				}
			}
			if *updateGolden {
				out, err := json.MarshalIndent(g, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, append(out, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
