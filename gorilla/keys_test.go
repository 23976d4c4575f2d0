package gorilla

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestKeysNeverPrint checks that no fmt verb, encoding/json or log/slog
// shows the bytes of a key held by a Key, KeyPair, Options or Decoder.
func TestKeysNeverPrint(t *testing.T) {
	hashKey := []byte("HASHKEY-0123456789abcdefghijklmn")
	blockKey := []byte("BLOCKKEY-0123456")
	opts := Options{Keys: []KeyPair{{HashKey: hashKey, BlockKey: blockKey}}}
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	secrets := [][]byte{hashKey, blockKey}
	leaks := func(out string) bool {
		for _, s := range secrets {
			for _, form := range []string{string(s), string(s[:8]), hex.EncodeToString(s[:8]), strings.ToUpper(hex.EncodeToString(s[:8])), fmt.Sprint([]byte(s[:4]))[1:12]} {
				if strings.Contains(out, form) {
					return true
				}
			}
		}
		return false
	}
	values := map[string]any{
		"Key":       opts.Keys[0].HashKey,
		"KeyPair":   opts.Keys[0],
		"*KeyPair":  &opts.Keys[0],
		"Options":   opts,
		"*Options":  &opts,
		"Decoder":   *d,
		"*Decoder":  d,
		"[]KeyPair": opts.Keys,
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			if out := fmt.Sprintf(verb, v); leaks(out) {
				t.Errorf("fmt %s of %s = %s, shows a key", verb, name, out)
			}
		}
		if out, err := json.Marshal(v); err != nil && name != "Decoder" && name != "*Decoder" {
			t.Errorf("json.Marshal(%s) err = %v", name, err)
		} else if leaks(string(out)) {
			t.Errorf("json.Marshal(%s) = %s, shows a key", name, out)
		}
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var b bytes.Buffer
			slog.New(h(&b)).Info("msg", "v", v)
			if leaks(b.String()) {
				t.Errorf("slog of %s = %s, shows a key", name, b.String())
			}
		}
	}
	// The check itself finds a key that is printed.
	if !leaks(fmt.Sprintf("%x", hashKey)) || !leaks(fmt.Sprint(blockKey)) {
		t.Fatal("leaks misses a printed key")
	}
	if got, want := fmt.Sprint(opts.Keys[0]), "gorilla.KeyPair{HashKey: gorilla.Key(32 bytes), BlockKey: gorilla.Key(16 bytes)}"; got != want {
		t.Errorf("fmt.Sprint(KeyPair) = %s, want %s", got, want)
	}
}
