package interop

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite the payloads of ../testdata/golden from the workloads")

// TestPerfGolden checks that the workloads of the benchmark suite marshal
// to the payloads of the root module's testdata/golden, whose TestGolden
// pins the tokens they encode to in every mode: together they prove that
// what the suite measures is what the golden tokens pin.
func TestPerfGolden(t *testing.T) {
	for _, w := range workloads() {
		t.Run(w.name, func(t *testing.T) {
			file := filepath.Join("..", "testdata", "golden", w.name+".json")
			p, err := cookiecodec.MarshalSession(w.session)
			if err != nil {
				t.Fatal(err)
			}
			if *updateGolden {
				b, err := json.MarshalIndent(map[string]string{"payload": hex.EncodeToString(p)}, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var g struct {
				Payload string `json:"payload"`
			}
			if err := json.Unmarshal(b, &g); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if got := hex.EncodeToString(p); got != g.Payload {
				t.Errorf("MarshalSession(%s) = %s, want %s", w.name, got, g.Payload)
			}
		})
	}
}
