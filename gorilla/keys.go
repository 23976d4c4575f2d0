package gorilla

import (
	"bytes"
	"fmt"
	"log/slog"
	"strconv"
)

// A Key is a hash or block key as given to securecookie.New: raw bytes. A
// []byte converts to it implicitly, as in KeyPair{HashKey: hashKey}.
// Through encoding/json, log/slog and fmt it shows only its length, except
// where fmt calls no method (%p, %w, inside an unexported field), which
// prints the bytes of any []byte.
type Key []byte

// A KeyPair is one pair of keys, as securecookie.CodecsFromPairs takes
// them: a hash key, which authenticates, and an optional block key, which
// decrypts with AES-128, AES-192 or AES-256 for a key of 16, 24 or 32
// bytes. Like [Key], it prints only the keys' lengths, with the same
// exception.
type KeyPair struct {
	HashKey  Key
	BlockKey Key // nil or empty for cookies that are only signed
}

func (k Key) clone() Key { return bytes.Clone(k) }

// String returns "gorilla.Key(N bytes)", never the key.
func (k Key) String() string {
	if k == nil {
		return "gorilla.Key(none)"
	}
	return "gorilla.Key(" + strconv.Itoa(len(k)) + " bytes)"
}

// Format prints [Key.String] under every verb, so that no verb (%x, %v,
// %#v, ...) prints the key's bytes.
func (k Key) Format(f fmt.State, verb rune) { fmt.Fprint(f, k.String()) }

// MarshalJSON returns [Key.String] as a JSON string.
func (k Key) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(k.String())), nil }

// LogValue returns [Key.String], for log/slog.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// String describes the pair without its keys.
func (p KeyPair) String() string {
	return "gorilla.KeyPair{HashKey: " + p.HashKey.String() + ", BlockKey: " + p.BlockKey.String() + "}"
}

// Format prints [KeyPair.String] under every verb.
func (p KeyPair) Format(f fmt.State, verb rune) { fmt.Fprint(f, p.String()) }

// LogValue describes the pair without its keys, for log/slog.
func (p KeyPair) LogValue() slog.Value {
	return slog.GroupValue(slog.String("HashKey", p.HashKey.String()), slog.String("BlockKey", p.BlockKey.String()))
}

// String describes the options with their keys redacted as [Key] prints
// them.
func (o Options) String() string {
	return fmt.Sprintf("gorilla.Options{Keys: %v, Serializer: %v, MaxAge: %v, MinAge: %v, Skew: %v, MaxLength: %d}",
		o.Keys, o.Serializer, o.MaxAge, o.MinAge, o.Skew, o.MaxLength)
}

// Format prints [Options.String] under every verb.
func (o Options) Format(f fmt.State, verb rune) { fmt.Fprint(f, o.String()) }

// MarshalJSON returns [Options.String] as a JSON string.
func (o Options) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(o.String())), nil }

// LogValue returns [Options.String], for log/slog.
func (o Options) LogValue() slog.Value { return slog.StringValue(o.String()) }

// String describes the decoder without its keys.
func (d Decoder) String() string {
	return fmt.Sprintf("gorilla.Decoder{%d key pairs, %v, max age %s}", len(d.pairs), d.serializer, formatSeconds(uint64(d.maxAge)))
}

// Format prints [Decoder.String] under every verb.
func (d Decoder) Format(f fmt.State, verb rune) { fmt.Fprint(f, d.String()) }

// LogValue returns [Decoder.String], for log/slog.
func (d Decoder) LogValue() slog.Value { return slog.StringValue(d.String()) }
