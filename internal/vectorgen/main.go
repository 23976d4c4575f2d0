// Command vectorgen writes the test vectors of cookiecodec token format v1
// into testdata/vectors, one JSON file per case. Run it from the module
// root with go generate.
//
// It is an encoder of its own, written from SPEC.md with the primitives
// (crypto/hkdf, crypto/hmac, XChaCha20-Poly1305) and no code of the
// cookiecodec package, so that the vectors check the package instead of
// repeating it. Being its own encoder, it also makes the malformed tokens
// that the package refuses to make. Its randomness (keys, nonces, payloads)
// comes from a ChaCha8 generator with a fixed seed, so every run writes the
// same files.
//
// Its tests hold a decoder of their own, also written from SPEC.md, which
// checks that every file has the result it records, and that every
// rejected case opens once its one defect is repaired.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
)

// vector is one case, as written to its JSON file. SPEC.md describes the
// fields.
type vector struct {
	Comment        string   `json:"comment"`
	PrimaryKey     string   `json:"primary_key"`
	DecodeOnlyKeys []string `json:"decode_only_keys"`
	Mode           string   `json:"mode"`
	Compress       bool     `json:"compress"`
	AcceptAnyMode  bool     `json:"accept_any_mode"`
	MaxAge         int64    `json:"max_age"`
	Skew           int64    `json:"skew"`
	MaxLength      int      `json:"max_length"`
	CookieName     string   `json:"cookie_name"`
	Now            int64    `json:"now"`
	Payload        string   `json:"payload"`
	Deflated       string   `json:"deflated,omitempty"`
	Token          string   `json:"token"`
	Result         string   `json:"result"`
	Stale          bool     `json:"stale"`
	Reproducible   bool     `json:"reproducible"`
	Repaired       *repair  `json:"repaired,omitempty"`
}

// repair is what mends the one defect of a rejected case: the fields of
// the case to replace, and the result then.
type repair struct {
	DecodeOnlyKeys []string `json:"decode_only_keys,omitempty"`
	Mode           string   `json:"mode,omitempty"`
	MaxLength      int      `json:"max_length,omitempty"`
	CookieName     string   `json:"cookie_name,omitempty"`
	Now            int64    `json:"now,omitempty"`
	Token          string   `json:"token,omitempty"`
	Result         string   `json:"result"`
}

// apply returns v with the fields of r replaced.
func (r *repair) apply(v vector) vector {
	v.Repaired = nil
	v.DecodeOnlyKeys = slices.Clone(v.DecodeOnlyKeys) // Unmarshal reuses a slice's array
	b, err := json.Marshal(r)
	if err == nil {
		err = json.Unmarshal(b, &v)
	}
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// write replaces the JSON files of dir with vs.
func write(dir string, vs map[string]vector) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for file, v := range vs {
		if err := os.WriteFile(filepath.Join(dir, file+".json"), encode(v), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// encode returns the content of v's file.
func encode(v vector) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	return append(b, '\n')
}

func main() {
	out := flag.String("out", filepath.Join("testdata", "vectors"), "directory to write the vectors into")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("vectorgen: ")

	vs := newGen().cases()
	if err := write(*out, vs); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "vectorgen: wrote %d vectors to %s\n", len(vs), *out)
}
