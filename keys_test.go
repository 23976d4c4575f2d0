package cookiecodec

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestGenerateKey(t *testing.T) {
	a, b := GenerateKey(), GenerateKey()
	if a.IsZero() || b.IsZero() {
		t.Fatal("GenerateKey returned the zero Key")
	}
	if a.Equal(b) || a.ID() == b.ID() {
		t.Fatalf("two generated keys are equal: %v, %v", a, b)
	}
	if got := len(a.ExportSecret()); got != 43 {
		t.Fatalf("ExportSecret is %d characters, want 43", got)
	}
	back, err := ParseKey(a.ExportSecret())
	if err != nil || !back.Equal(a) || back.ID() != a.ID() {
		t.Fatalf("ParseKey(ExportSecret()) = %v, %v; want %v", back, err, a)
	}
}

func TestNewKey(t *testing.T) {
	for _, tc := range []struct {
		name    string
		size    int
		wantErr string
	}{
		{"empty", 0, "key is 0 bytes, want at least 32"},
		{"31 bytes", 31, "key is 31 bytes, want at least 32"},
		{"32 bytes", 32, ""},
		{"64 bytes", 64, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secret := bytes.Repeat([]byte{7}, tc.size)
			k, err := NewKey(secret)
			if tc.wantErr != "" {
				if err == nil || err.Error() != "cookiecodec: "+tc.wantErr || !k.IsZero() {
					t.Fatalf("NewKey(%d bytes) = %v, %v; want error %q", tc.size, k, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewKey(%d bytes) err = %v", tc.size, err)
			}
			secret[0] ^= 1 // NewKey must have copied it
			if k.ExportSecret() != base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{7}, tc.size)) {
				t.Fatal("Key changed with the slice passed to NewKey")
			}
		})
	}
}

// TestKeyDerivation pins the HKDF outputs for a secret of 32 zero bytes,
// computed with an RFC 5869 implementation outside Go, so that a change to
// the labels or the construction shows here before it breaks every cookie.
// The vectors check the same derivation, the encryption key included,
// through tokens.
func TestKeyDerivation(t *testing.T) {
	k := testKey(t, 0)
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"key id", k.ID().String(), "b3608903"},
		{"mac key", hex.EncodeToString(k.k.sec.mac), "4f53984ac81e4456cd7ece2a62b38fb2dc501af7b2c6a4c0cd5dd6299eb04111"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("%s = %s, want %s", tc.name, tc.got, tc.want)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(i * 7)
	}
	good := base64.RawURLEncoding.EncodeToString(secret)
	// good ends in a character whose two low bits are padding.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, good[len(good)-1])
	paddingBits := good[:len(good)-1] + string(alphabet[last|1])

	for _, tc := range []struct {
		name    string
		text    string
		wantErr string
	}{
		{"canonical", good, ""},
		{"64 bytes", base64.RawURLEncoding.EncodeToString(append(secret, secret...)), ""},
		{"padded", good + "=", "not unpadded base64url"},
		{"standard alphabet", base64.RawStdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb, 0xff}, 16)), "not unpadded base64url"},
		{"line break", good[:20] + "\n" + good[20:], "not unpadded base64url"},
		{"carriage return", good[:20] + "\r" + good[20:], "not unpadded base64url"},
		{"space", " " + good, "not unpadded base64url"},
		{"non-zero padding bits", paddingBits, "not unpadded base64url"},
		{"too short", good[:40], "key is 30 bytes, want at least 32"},
		{"empty", "", "key is 0 bytes, want at least 32"},
		{"too long", strings.Repeat("A", 1025), "key text is 1025 characters, want at most 1024"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKey(tc.text)
			if tc.wantErr == "" {
				if err != nil || k.IsZero() {
					t.Fatalf("ParseKey(%q) = %v, %v", tc.text, k, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ParseKey err = %v, want %q", err, tc.wantErr)
			}
			if len(tc.text) > 8 && strings.Contains(err.Error(), strings.TrimSpace(tc.text)[:8]) {
				t.Fatalf("ParseKey error %q quotes its input", err)
			}
		})
	}
}

func TestKeyID(t *testing.T) {
	for _, tc := range []struct {
		id   KeyID
		text string
	}{
		{0, "00000000"},
		{0x1a2b3c4d, "1a2b3c4d"},
		{0xffffffff, "ffffffff"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			if got := tc.id.String(); got != tc.text {
				t.Fatalf("KeyID(%#x).String() = %q, want %q", uint32(tc.id), got, tc.text)
			}
			if got, err := ParseKeyID(tc.text); err != nil || got != tc.id {
				t.Fatalf("ParseKeyID(%q) = %v, %v, want %v", tc.text, got, err, tc.id)
			}
		})
	}
	secret := GenerateKey().ExportSecret()
	for _, bad := range []string{"", "1a2b3c4", "1a2b3c4d5", "1a2b3c4g", "+1a2b3c4", "0x1a2b3c", secret} {
		t.Run("reject "+bad, func(t *testing.T) {
			_, err := ParseKeyID(bad)
			if err == nil {
				t.Fatalf("ParseKeyID(%q) succeeded", bad)
			}
			if len(bad) > 0 && strings.Contains(err.Error(), bad) {
				t.Fatalf("ParseKeyID error %q quotes its input", err)
			}
		})
	}
}

// TestKeyNeverPrintsSecret formats keys, and values that hold them, with
// every common verb and JSON, and looks for the secret in any encoding.
func TestKeyNeverPrintsSecret(t *testing.T) {
	k := GenerateKey()
	ring := testRing(t, k, GenerateKey())
	codec, err := New(ring, Options{})
	if err != nil {
		t.Fatal(err)
	}
	secret := k.k.sec.secret
	forms := []string{
		k.ExportSecret(),
		base64.StdEncoding.EncodeToString(secret),
		base64.RawStdEncoding.EncodeToString(secret),
		hex.EncodeToString(secret),
		strings.ToUpper(hex.EncodeToString(secret)),
		hex.EncodeToString(k.k.sec.mac),
		string(secret[:8]),
		strings.Trim(fmt.Sprint(secret[:4]), "[]"), // as %v prints a []byte
	}
	values := map[string]any{
		"Key":      k,
		"*Key":     &k,
		"[]Key":    []Key{k},
		"struct":   struct{ K Key }{k},
		"map":      map[string]Key{"k": k},
		"*Keyring": ring,
		"Keyring":  *ring,
		"*Codec":   codec,
		"Codec":    *codec,
		"unexported": struct {
			k Key
		}{k},
		"zero Key":  Key{},
		"Primary()": ring.Primary(),
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			out := fmt.Sprintf(verb, v)
			for _, f := range forms {
				if strings.Contains(out, f) {
					t.Errorf("Sprintf(%q, %s) = %q reveals the secret", verb, name, out)
				}
			}
		}
		j, err := json.Marshal(v)
		if err != nil {
			continue // a *Codec or Keyring need not be JSON
		}
		for _, f := range forms {
			if strings.Contains(string(j), f) {
				t.Errorf("json.Marshal(%s) = %s reveals the secret", name, j)
			}
		}
	}
	if got, want := fmt.Sprint(k), "cookiecodec.Key("+k.ID().String()+")"; got != want {
		t.Errorf("Sprint(key) = %q, want %q", got, want)
	}
	if j, _ := json.Marshal(k); string(j) != `"cookiecodec.Key(`+k.ID().String()+`)"` {
		t.Errorf("json.Marshal(key) = %s, want the id", j)
	}
}

func TestKeyEqual(t *testing.T) {
	a, b := testKey(t, 1), testKey(t, 2)
	a2, _ := ParseKey(a.ExportSecret())
	for _, tc := range []struct {
		name string
		x, y Key
		want bool
	}{
		{"same", a, a, true},
		{"parsed again", a, a2, true},
		{"different", a, b, false},
		{"zero and zero", Key{}, Key{}, true},
		{"zero and key", Key{}, a, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.x.Equal(tc.y); got != tc.want {
				t.Fatalf("Equal = %v, want %v", got, tc.want)
			}
		})
	}
}
