package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

// flaskCookie signs s with the first of secrets, as Flask would.
func flaskCookie(t *testing.T, s cookiecodec.Session, secrets ...string) string {
	t.Helper()
	var keys [][]byte
	for _, k := range secrets {
		keys = append(keys, []byte(k))
	}
	c, err := flask.New(flask.Options{SecretKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Encode("session", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// secretFile writes a secret file and returns its path.
func secretFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secrets.txt")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tagged is a session with every tagged type of Flask.
func tagged(t *testing.T) cookiecodec.Session {
	t.Helper()
	u, err := flask.ParseUUID("12345678-1234-5678-1234-567812345678")
	if err != nil {
		t.Fatal(err)
	}
	return cookiecodec.Session{
		"tuple":  flask.Tuple{int64(1), "a"},
		"bytes":  []byte{0xfb, 0xff},
		"markup": flask.Markup("<b>hi</b>"),
		"uuid":   u,
		"when":   time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC),
		"big":    json.Number("123456789012345678901234567890"),
		"u64":    uint64(18446744073709551615),
		"f":      2.0,
		"di":     map[string]any{" t": "not a tuple"},
		"user":   "ada",
	}
}

const taggedJSON = `{
  "big": 123456789012345678901234567890,
  "bytes": "+/8=",
  "di": {
    " t": "not a tuple"
  },
  "f": 2.0,
  "markup": "<b>hi</b>",
  "tuple": [
    1,
    "a"
  ],
  "u64": 18446744073709551615,
  "user": "ada",
  "uuid": "12345678-1234-5678-1234-567812345678",
  "when": "2026-11-28T01:02:03Z"
}
`

func TestFlaskDecode(t *testing.T) {
	cleanEnv(t)
	const current, fallback = "current secret", "old secret"
	fresh := flaskCookie(t, tagged(t), current)
	old := flaskCookie(t, cookiecodec.Session{"user": "bob"}, fallback)
	compressed := flaskCookie(t, cookiecodec.Session{"text": strings.Repeat("ab", 300)}, current)
	if !strings.HasPrefix(compressed, ".") {
		t.Fatalf("flask did not compress %q", compressed)
	}
	both := secretFile(t, current+"\n"+fallback+"\n")
	for _, tc := range []struct {
		name, value string
		env         string
		args        []string
		want        string
		wantErr     []string
	}{
		{"FLASK_SECRET_KEY", fresh, current, nil, taggedJSON, []string{
			"format:    flask\nmode:      signed, compressed\nkey id:    " + flask.KeyID([]byte(current)).String() + " (current secret)\n"}},
		{"uncompressed", old, fallback, nil, "{\n  \"user\": \"bob\"\n}\n", []string{"mode:      signed\nkey id:"}},
		{"--secret-file", fresh, "", []string{"--secret-file", both}, taggedJSON, nil},
		{"--format flask", fresh, current, []string{"--format", "flask"}, taggedJSON, nil},
		{"from a Cookie header", "Cookie: a=1; session=" + fresh, current, nil, taggedJSON, nil},
		{"compressed", compressed, current, nil, "", []string{"mode:      signed, compressed\n"}},
		{"fallback secret", old, "", []string{"--secret-file", both}, "{\n  \"user\": \"bob\"\n}\n", []string{
			"key id:    " + flask.KeyID([]byte(fallback)).String() + " (fallback secret: would be re-issued)",
			"cookiecodec: hint: verified with the fallback secret on line 2 (key id " + flask.KeyID([]byte(fallback)).String() +
				"): a server using cookiecodec would re-issue it under the current secret " + flask.KeyID([]byte(current)).String() + "; Flask itself does not\n",
		}},
		{"secret file without final newline", fresh, "", []string{"--secret-file", secretFile(t, current)}, taggedJSON, nil},
		{"secret file wins over the variable", fresh, "wrong", []string{"--secret-file", both}, taggedJSON, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envFlaskSecret, tc.env)
			r := runCmd(t, tc.value, append([]string{"decode"}, tc.args...)...)
			r.want(t, exitOK, tc.wantErr...)
			if tc.want != "" && r.stdout != tc.want {
				t.Errorf("decode printed\n%s\nwant\n%s", r.stdout, tc.want)
			}
			if strings.Contains(r.stdout+r.stderr, "secret") && !strings.Contains(r.stderr, "fallback secret") && !strings.Contains(r.stderr, "current secret") {
				t.Errorf("output mentions a secret: %q", r.stdout+r.stderr)
			}
		})
	}
}

func TestFlaskTaggedRoundTrip(t *testing.T) {
	cleanEnv(t)
	t.Setenv(envFlaskSecret, "dev")
	s := tagged(t)
	value := flaskCookie(t, s, "dev")
	r := runCmd(t, value, "decode", "--tagged")
	r.want(t, exitOK, "format:    flask\n")
	want, err := flask.MarshalTagged(s)
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(want)+"\n" {
		t.Errorf("decode --tagged printed\n%s\nwant\n%s", r.stdout, want)
	}
	// decode -> encode -> decode keeps every type.
	again := runCmd(t, r.stdout, "encode", "--format", "flask")
	again.want(t, exitOK)
	r2 := runCmd(t, again.stdout, "decode", "--tagged")
	r2.want(t, exitOK)
	if r2.stdout != r.stdout {
		t.Errorf("decode --tagged after encode printed\n%s\nwant\n%s", r2.stdout, r.stdout)
	}
	// --json wraps the tagged JSON.
	r3 := runCmd(t, value, "decode", "--tagged", "--json")
	r3.want(t, exitOK)
	var got struct {
		Format  string          `json:"format"`
		Primary bool            `json:"primary"`
		Session json.RawMessage `json:"session"`
	}
	if err := json.Unmarshal([]byte(r3.stdout), &got); err != nil {
		t.Fatalf("decode --tagged --json printed invalid JSON: %v\n%s", err, r3.stdout)
	}
	back, err := flask.UnmarshalTagged(got.Session)
	if err != nil || got.Format != "flask" || !got.Primary {
		t.Fatalf("decode --tagged --json = %+v, %v", got, err)
	}
	if b, _ := flask.MarshalTagged(back); string(b) != string(want) {
		t.Errorf("decode --tagged --json session is %s, want %s", b, want)
	}
}

func TestFlaskEncode(t *testing.T) {
	cleanEnv(t)
	secrets := secretFile(t, "new\nold\n")
	r := runCmd(t, `{"user":"ada","n":9007199254740993,"t":{" t":[1,2]}}`, "encode", "--format", "flask", "--secret-file", secrets)
	r.want(t, exitOK)
	value := strings.TrimSpace(r.stdout)
	c, err := flask.New(flask.Options{SecretKeys: [][]byte{[]byte("new")}})
	if err != nil {
		t.Fatal(err)
	}
	s, info, err := c.Decode("session", value)
	if err != nil {
		t.Fatalf("flask Decode(encode output) err = %v", err)
	}
	if info.Stale || s["user"] != "ada" || s["n"] != int64(9007199254740993) {
		t.Errorf("flask Decode = %#v, %+v", s, info)
	}
	if tu, ok := s["t"].(flask.Tuple); !ok || len(tu) != 2 {
		t.Errorf("tagged tuple decoded as %#v, want a flask.Tuple", s["t"])
	}

	for _, tc := range []struct {
		name, in string
		env      string
		args     []string
		wantErr  string
	}{
		{"no secret", `{}`, "", nil, "no Flask secret: pass --secret-file FILE, or set FLASK_SECRET_KEY"},
		{"invalid JSON", `{"a":`, "dev", nil, "invalid JSON input: "},
		{"not an object", `[]`, "dev", nil, "invalid JSON input: "},
		{"bad tag", `{"a":{" u":"xyz"}}`, "dev", nil, "invalid JSON input: "},
		{"--keys", `{}`, "dev", []string{"--keys", "keys.json"}, "--keys applies to native cookies only"},
		{"missing secret file", `{}`, "", []string{"--secret-file", filepath.Join(t.TempDir(), "none")}, "no such file or directory"},
		{"empty secret file", `{}`, "", []string{"--secret-file", secretFile(t, "\n")}, "is empty"},
		{"empty line", `{}`, "", []string{"--secret-file", secretFile(t, "a\n\nb\n")}, "line 2 is empty"},
		{"repeated secret", `{}`, "", []string{"--secret-file", secretFile(t, "a\na\n")}, "secret key 2 of 2 repeats key 1"},
		{"too large", `{"a":"` + incompressible(8000) + `"}`, "dev", nil, "cookie too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envFlaskSecret, tc.env)
			r := runCmd(t, tc.in, append([]string{"encode", "--format", "flask"}, tc.args...)...)
			r.want(t, exitUsage, tc.wantErr)
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
	t.Run("carriage return hint", func(t *testing.T) {
		r := runCmd(t, `{}`, "encode", "--format", "flask", "--secret-file", secretFile(t, "dev\r\n"))
		r.want(t, exitOK, "hint: line 1 of ", " ends with a carriage return, which is part of that secret")
	})
}

func TestFlaskDecodeRejects(t *testing.T) {
	cleanEnv(t)
	const secret = "dev secret"
	t.Setenv(envFlaskSecret, secret)
	value := flaskCookie(t, cookiecodec.Session{"user": "ada"}, secret)
	tampered := []byte(value)
	if tampered[2] == 'A' {
		tampered[2] = 'B'
	} else {
		tampered[2] = 'A'
	}
	for _, tc := range []struct {
		name, value string
		env         string
		args        []string
		code        int
		wantErr     string
	}{
		{"tampered", string(tampered), secret, nil, exitRejected, "cookiecodec: error: signature does not match\n"},
		{"wrong secret", value, "other", nil, exitRejected, "signature does not match"},
		{"malformed without a secret", "eyJhIjoxfQ.AAAA." + strings.Repeat("A", 26), "", nil, exitRejected, "signature is 26 characters, want 27"},
		{"native value as flask", "AQAB" + strings.Repeat("A", 80), secret, []string{"--format", "flask"}, exitRejected, "not a Flask cookie: want payload.timestamp.signature\ncookiecodec: hint: this looks like a native cookiecodec cookie: use --format native or auto\n"},
		{"flask value as native", value, "", []string{"--format", "native"}, exitRejected, "hint: this looks like a Flask cookie"},
		{"no secret", value, "", nil, exitUsage, "no Flask secret"},
		{"--keys on a Flask cookie", value, secret, []string{"--keys", "k.json"}, exitUsage, "--keys applies to native cookies only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envFlaskSecret, tc.env)
			r := runCmd(t, tc.value, append([]string{"decode"}, tc.args...)...)
			r.want(t, tc.code, tc.wantErr)
			if tc.code == exitRejected {
				wantRejection(t, r, tc.value, secret)
			}
		})
	}
}

func TestFlaskInspect(t *testing.T) {
	cleanEnv(t)
	at := time.Now().Truncate(time.Second)
	value := flaskCookie(t, tagged(t), "never given to inspect")
	pinNow(t, at.Add(3*time.Hour))
	r := runCmd(t, "", "inspect", value)
	r.want(t, exitOK)
	u, err := flask.InspectUnverified(value)
	if err != nil {
		t.Fatal(err)
	}
	age := ageText(at.Add(3*time.Hour).Unix() - u.IssuedAt.Unix())
	want := unverifiedBanner + "\nformat:    flask\nmode:      signed, compressed\nissued at: " + u.IssuedAt.Format(time.RFC3339) +
		" (" + age + ")\nlength:    " + itoa(len(value)) + " bytes\npayload:   UNVERIFIED, readable by anyone who has the cookie:\n" + taggedJSON
	if r.stdout != want {
		t.Errorf("inspect printed\n%s\nwant\n%s", r.stdout, want)
	}

	r = runCmd(t, "", "inspect", "--json", value)
	r.want(t, exitOK)
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("inspect --json printed invalid JSON: %v", err)
	}
	if got["verified"] != false || got["format"] != "flask" || got["issued_at"] != u.IssuedAt.Format(time.RFC3339) {
		t.Errorf("inspect --json = %v", got)
	}
	if p, ok := got["unverified_payload"].(map[string]any); !ok || p["user"] != "ada" {
		t.Errorf("inspect --json payload = %v", got["unverified_payload"])
	}

	// A payload that is not tagged JSON shows as bytes.
	plain := flaskCookie(t, cookiecodec.Session{"user": "ada"}, "x")
	junk := "bm90IGpzb24" + plain[strings.IndexByte(plain, '.'):]
	r = runCmd(t, "", "inspect", junk)
	r.want(t, exitOK)
	if !strings.Contains(r.stdout, "not a session payload (malformed tagged JSON: ") || !strings.Contains(r.stdout, "bm90IGpzb24=") {
		t.Errorf("inspect of a non-JSON payload printed\n%s", r.stdout)
	}

	// Malformed Flask-shaped values are rejected.
	bad := strings.Replace(value, ".", "..", 1)
	runCmd(t, "", "inspect", bad).want(t, exitRejected)
}

// incompressible returns n hexadecimal digits that zlib cannot shorten.
func incompressible(n int) string {
	var b strings.Builder
	sum := sha256.Sum256(nil)
	for b.Len() < n {
		b.WriteString(hex.EncodeToString(sum[:]))
		sum = sha256.Sum256(sum[:])
	}
	return b.String()[:n]
}
