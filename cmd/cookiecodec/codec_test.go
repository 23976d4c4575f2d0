package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// envKeys puts a new key in COOKIECODEC_KEYS and returns its text form.
func envKeys(t *testing.T) string {
	t.Helper()
	cleanEnv(t)
	k := cookiecodec.GenerateKey().ExportSecret()
	t.Setenv(cookiecodec.EnvKeys, k)
	return k
}

// encodeOK encodes the JSON session and returns the cookie value.
func encodeOK(t *testing.T, session string, args ...string) string {
	t.Helper()
	r := runCmd(t, session, append([]string{"encode"}, args...)...)
	r.want(t, exitOK)
	if !strings.HasSuffix(r.stdout, "\n") || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("encode printed %q, want one line", r.stdout)
	}
	return strings.TrimSuffix(r.stdout, "\n")
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	envKeys(t)
	for _, tc := range []struct {
		name, in, want string
		args           []string
		mode           string
	}{
		{"empty", `{}`, "{}\n", nil, "mode:      signed\n"},
		{"strings", `{"user":"ada","html":"<b>&</b>","uni":"日本\u00e9"}`,
			"{\n  \"html\": \"<b>&</b>\",\n  \"uni\": \"日本é\",\n  \"user\": \"ada\"\n}\n", nil, ""},
		{"integers exact beyond 2^53", `{"a":9007199254740993,"max":9223372036854775807,"min":-9223372036854775808,"u":18446744073709551615,"z":-0}`,
			"{\n  \"a\": 9007199254740993,\n  \"max\": 9223372036854775807,\n  \"min\": -9223372036854775808,\n  \"u\": 18446744073709551615,\n  \"z\": 0\n}\n", nil, ""},
		{"floats keep a fraction", `{"a":3.0,"b":2.5,"c":1e300,"d":-0.0,"e":1E2,"f":0.1}`,
			"{\n  \"a\": 3.0,\n  \"b\": 2.5,\n  \"c\": 1e+300,\n  \"d\": -0.0,\n  \"e\": 100.0,\n  \"f\": 0.1\n}\n", nil, ""},
		{"nested", `{"l":[1,[true,null],{"k":"v"}],"m":{}}`,
			"{\n  \"l\": [\n    1,\n    [\n      true,\n      null\n    ],\n    {\n      \"k\": \"v\"\n    }\n  ],\n  \"m\": {}\n}\n", nil, ""},
		{"encrypted", `{"user":"ada"}`, "{\n  \"user\": \"ada\"\n}\n", []string{"--encrypt"}, "mode:      encrypted\n"},
		{"compressed", `{"text":"` + strings.Repeat("abc", 300) + `"}`, "", []string{"--compress"}, "mode:      signed, compressed\n"},
		{"encrypted and compressed", `{"text":"` + strings.Repeat("abc", 300) + `"}`, "", []string{"--encrypt", "--compress"}, "mode:      encrypted, compressed\n"},
		{"other name", `{"user":"ada"}`, "{\n  \"user\": \"ada\"\n}\n", []string{"--name", "__Host-sid"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			value := encodeOK(t, tc.in, tc.args...)
			if err := (&http.Cookie{Name: "session", Value: value}).Valid(); err != nil {
				t.Errorf("encode printed a value that is not a valid cookie value: %v", err)
			}
			var decodeArgs []string
			for i, a := range tc.args {
				if a == "--name" {
					decodeArgs = append(decodeArgs, a, tc.args[i+1])
				}
			}
			r := runCmd(t, value, append([]string{"decode"}, decodeArgs...)...)
			r.want(t, exitOK, tc.mode, "format:    native v1\n", "(primary)")
			if tc.want != "" && r.stdout != tc.want {
				t.Errorf("decode printed\n%s\nwant\n%s", r.stdout, tc.want)
			}
			// What decode prints, encode reads back to the same session.
			again := encodeOK(t, r.stdout, tc.args...)
			r2 := runCmd(t, again, append([]string{"decode"}, decodeArgs...)...)
			r2.want(t, exitOK)
			if r2.stdout != r.stdout {
				t.Errorf("decode, encode, decode printed\n%s\nwant\n%s", r2.stdout, r.stdout)
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	envKeys(t)
	at := time.Now()
	value := encodeOK(t, `{"n":1}`)
	pinNow(t, at.Add(90*time.Second))
	r := runCmd(t, "", "decode", "--json", value)
	r.want(t, exitOK)
	if r.stderr != "" {
		t.Errorf("decode --json wrote %q to stderr, want nothing", r.stderr)
	}
	var got map[string]any
	d := json.NewDecoder(strings.NewReader(r.stdout))
	d.UseNumber()
	if err := d.Decode(&got); err != nil {
		t.Fatalf("decode --json printed invalid JSON: %v\n%s", err, r.stdout)
	}
	u, err := cookiecodec.InspectUnverified(value)
	if err != nil {
		t.Fatal(err)
	}
	age := at.Add(90*time.Second).Unix() - u.IssuedAt.Unix()
	want := map[string]any{
		"format": "native", "version": json.Number("1"), "mode": "signed", "compressed": false,
		"key_id": u.KeyID.String(), "primary": true, "issued_at": u.IssuedAt.Format(time.RFC3339),
		"age_seconds": json.Number(jsonInt(age)), "length": json.Number(jsonInt(int64(len(value)))),
		"session": map[string]any{"n": json.Number("1")},
	}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("decode --json printed\n%s\nwant\n%s", g, w)
	}
}

func TestDecodeInputForms(t *testing.T) {
	envKeys(t)
	value := encodeOK(t, `{"user":"ada"}`)
	other := encodeOK(t, `{"user":"bob"}`, "--name", "other")
	for _, tc := range []struct {
		name, input string
		args        []string
		hint        string
		user        string
	}{
		{"bare", value, nil, "", "ada"},
		{"bare with newline", value + "\n", nil, "", "ada"},
		{"quoted", `"` + value + `"`, nil, "", "ada"},
		{"Cookie header", "Cookie: theme=dark; session=" + value + "; other=" + other, nil, "", "ada"},
		{"cookie header lower case", "cookie:session=" + value, nil, "", "ada"},
		{"Set-Cookie header", "Set-Cookie: session=" + value + "; Path=/; HttpOnly; Secure; SameSite=Lax", nil, "", "ada"},
		{"cookie list", "theme=dark; session=" + value, nil, "", "ada"},
		{"picked by name", "session=" + value + "; other=" + other, []string{"--name", "other"}, "", "bob"},
		{"duplicate names", "Cookie: session=" + value + "; session=" + other, nil, "hint: the Cookie header holds 1 more cookie named \"session\": using the first", "ada"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, viaArg := range []bool{false, true} {
				var r result
				if viaArg {
					r = runCmd(t, "", append(append([]string{"decode"}, tc.args...), tc.input)...)
				} else {
					r = runCmd(t, tc.input, append([]string{"decode"}, tc.args...)...)
				}
				r.want(t, exitOK, tc.hint)
				if !strings.Contains(r.stdout, `"`+tc.user+`"`) {
					t.Errorf("decode printed %q, want the session of %s", r.stdout, tc.user)
				}
			}
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	secret := envKeys(t)
	value := encodeOK(t, `{"user":"ada"}`)
	encrypted := encodeOK(t, `{"user":"ada"}`, "--encrypt")
	foreign := func() string {
		k := cookiecodec.GenerateKey()
		ring, _ := cookiecodec.NewKeyring(k)
		c, _ := cookiecodec.New(ring, cookiecodec.Options{})
		v, err := c.Encode("session", cookiecodec.Session{"user": "ada"})
		if err != nil {
			t.Fatal(err)
		}
		return v + " " + k.ID().String()
	}()
	foreignValue, foreignID, _ := strings.Cut(foreign, " ")
	notSession := func() string {
		ring, err := cookiecodec.ParseKeyring(secret)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := cookiecodec.New(ring, cookiecodec.Options{})
		v, err := c.Seal("session", []byte("not cbor"))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}()
	tampered := []byte(value)
	if tampered[len(tampered)/2] == 'A' {
		tampered[len(tampered)/2] = 'B'
	} else {
		tampered[len(tampered)/2] = 'A'
	}
	for _, tc := range []struct {
		name, input string
		args        []string
		wantErr     string
	}{
		{"tampered", string(tampered), nil, "signature does not match: tampered, or made for another name"},
		{"wrong name", value, []string{"--name", "other"}, "signature does not match: tampered, or made for another name"},
		{"encrypted under wrong name", encrypted, []string{"--name", "other"}, "decryption failed: tampered, or made for another name"},
		{"unknown key", foreignValue, nil, "signed by unknown key " + foreignID},
		{"not a session", notSession, nil, "session payload"},
		{"truncated", value[:len(value)-5], nil, "error: "},
		{"not base64", strings.Repeat("!", 100), nil, "not canonical base64url"},
		{"too short", "AQAB", nil, "too short for a token"},
		{"empty", "", nil, "no cookie value in the input"},
		{"white space", "   \n\t", nil, "no cookie value in the input"},
		{"white space inside", value[:10] + " " + value[10:], nil, "white space inside the value"},
		{"Set-Cookie of another name", "Set-Cookie: sid=" + value + "; Path=/", nil, `the Set-Cookie header sets cookie "sid", not "session"`},
		{"Set-Cookie without pair", "Set-Cookie: ", nil, "no name=value pair"},
		{"Cookie header without it", "Cookie: a=1; b=2", nil, `no cookie named "session" in the Cookie header (it has "a", "b")`},
		{"empty Cookie header", "Cookie:", nil, `no cookie named "session" in the Cookie header`},
		{"empty cookie", "session=; a=b", nil, `cookie "session" is empty`},
		{"native version 2", "Ag" + value[2:], nil, "unknown version 2"},
		{"garbage bytes", "\x00\xff\xfe\x01", nil, "error: "},
		{"too long for any token", strings.Repeat("A", cookiecodec.MaxUnverifiedLength+1), nil, "87455 bytes, longer than MaxUnverifiedLength 87454"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, viaArg := range []bool{false, true} {
				var r result
				if viaArg {
					r = runCmd(t, "", append(append([]string{"decode"}, tc.args...), "--", tc.input)...)
				} else {
					r = runCmd(t, tc.input, append([]string{"decode"}, tc.args...)...)
				}
				r.want(t, exitRejected, tc.wantErr)
				wantRejection(t, r, tc.input, secret)
			}
		})
	}
}

// wantRejection checks the form of a rejection: nothing on stdout, one
// error line on stderr, and neither the secret nor the cookie in it.
func wantRejection(t *testing.T, r result, input, secret string) {
	t.Helper()
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "cookiecodec: error: ") {
		t.Errorf("stderr = %q, want it to start with \"cookiecodec: error: \"", r.stderr)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "cookiecodec: hint: ") {
			t.Errorf("stderr has the line %q besides the error, want only hints", l)
		}
	}
	if secret != "" && strings.Contains(r.stderr, secret) {
		t.Errorf("stderr contains the secret: %q", r.stderr)
	}
	if v := strings.TrimSpace(input); len(v) >= 16 && strings.Contains(r.stderr, v) {
		t.Errorf("stderr echoes the cookie: %q", r.stderr)
	}
}

func TestDecodeExpired(t *testing.T) {
	envKeys(t)
	t.Setenv(envFlaskSecret, "dev")
	value := encodeOK(t, `{"user":"ada"}`)
	flaskValue := flaskCookie(t, cookiecodec.Session{"user": "ada"}, "dev")
	u, err := cookiecodec.InspectUnverified(value)
	if err != nil {
		t.Fatal(err)
	}
	// A token's age counts whole seconds: wait until both are 2s old, over
	// a max age of 1s. The libraries' clocks cannot be pinned from here.
	time.Sleep(time.Until(u.IssuedAt.Add(3 * time.Second)))
	for _, v := range []string{value, flaskValue} {
		r := runCmd(t, v, "decode", "--max-age", "1s")
		r.want(t, exitRejected, "cookiecodec: error: cookie expired ", " ago (max age 1s)\n")
		wantRejection(t, r, v, "")
		runCmd(t, v, "decode", "--max-age", "1h").want(t, exitOK)
		runCmd(t, v, "decode", "--max-age", "1d").want(t, exitOK)
		runCmd(t, v, "decode").want(t, exitOK)
	}
}

func TestDecodeConfigErrors(t *testing.T) {
	cleanEnv(t)
	k := cookiecodec.GenerateKey().ExportSecret()
	t.Setenv(cookiecodec.EnvKeys, k)
	value := encodeOK(t, `{"user":"ada"}`)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
	}{
		{"no keys", map[string]string{cookiecodec.EnvKeys: ""}, nil, "no keys: pass --keys FILE, or set COOKIECODEC_KEYS or COOKIECODEC_KEY_FILE"},
		{"malformed COOKIECODEC_KEYS", map[string]string{cookiecodec.EnvKeys: k[:20]}, nil, "COOKIECODEC_KEYS: key 1 of 1"},
		{"COOKIECODEC_KEY_FILE missing", map[string]string{cookiecodec.EnvKeys: "", cookiecodec.EnvKeyFile: filepath.Join(dir, "none.json")}, nil, "no such file or directory"},
		{"both variables", map[string]string{cookiecodec.EnvKeyFile: bad}, nil, "set only one"},
		{"--keys missing", nil, []string{"--keys", filepath.Join(dir, "none.json")}, "no such file or directory"},
		{"--keys malformed", nil, []string{"--keys", bad}, "invalid JSON"},
		{"bad --max-age", nil, []string{"--max-age", "soon"}, `--max-age (a 4-character text) is not a duration such as 90m, 12h or 31d`},
		{"--max-age below a second", nil, []string{"--max-age", "10ms"}, "less than one second"},
		{"--max-age zero days", nil, []string{"--max-age", "0d"}, "not a number of days"},
		{"bad --format", nil, []string{"--format", "php"}, `--format (a 3-character text) is not one of auto, native, flask`},
		{"empty --name", nil, []string{"--name", ""}, "--name must be 1 to 255 bytes, not 0"},
		{"invalid --name", nil, []string{"--name", "a b"}, `--name "a b" is not a valid cookie name`},
		{"two values", nil, []string{value, value}, "decode takes one cookie, got 2 arguments"},
		{"--tagged on a native cookie", nil, []string{"--tagged"}, "--tagged applies to Flask cookies only"},
		{"--secret-file on a native cookie", nil, []string{"--secret-file", bad}, "--secret-file applies to Flask cookies only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for v, s := range tc.env {
				t.Setenv(v, s)
			}
			r := runCmd(t, value, append([]string{"decode"}, tc.args...)...)
			r.want(t, exitUsage, tc.wantErr)
			if !strings.HasPrefix(r.stderr, "cookiecodec: error: ") {
				t.Errorf("stderr = %q, want a line starting \"cookiecodec: error: \"", r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, k[:20]) {
				t.Errorf("output contains the key: %q", r.stderr)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	envKeys(t)
	deep := strings.Repeat("[", cookiecodec.MaxSessionDepth) + strings.Repeat("]", cookiecodec.MaxSessionDepth)
	for _, tc := range []struct {
		name, in string
		args     []string
		wantErr  string
	}{
		{"no input", "", nil, "no JSON input: want a JSON object"},
		{"invalid JSON", `{"a":}`, nil, "invalid JSON input at byte"},
		{"truncated JSON", `{"a":1`, nil, "JSON input ends too early"},
		{"not an object", `[1,2]`, nil, "JSON input is not an object"},
		{"string", `"x"`, nil, "JSON input is not an object"},
		{"trailing data", `{} {}`, nil, "trailing data after the JSON object"},
		{"duplicate key", `{"a":1,"b":{"c":1,"c":2}}`, nil, `JSON input has the key "b.c" twice`},
		{"integer too large", `{"a":[18446744073709551616]}`, nil, "JSON input at a[0]: integer of 20 digits is outside the 64-bit range"},
		{"integer too small", `{"a":-9223372036854775809}`, nil, "outside the 64-bit range"},
		{"float too large", `{"a":1e400}`, nil, "number of 5 characters is outside the float64 range"},
		{"too deep", `{"a":` + deep + `}`, nil, "nests deeper than 32"},
		{"too large for a cookie", `{"a":"` + strings.Repeat("x", 5000) + `"}`, nil, "cookie too large"},
		{"over 1 MiB", `{"a":"` + strings.Repeat("x", maxJSONInput) + `"}`, nil, "JSON input is more than 1048576 bytes"},
		{"argument", `{}`, []string{"x"}, "encode reads the session from stdin and takes no arguments"},
		{"--format auto", `{}`, []string{"--format", "auto"}, `--format "auto" is not one of native, flask`},
		{"--secret-file without flask", `{}`, []string{"--secret-file", "x"}, "--secret-file applies to --format flask only"},
		{"--encrypt with flask", `{}`, []string{"--format", "flask", "--encrypt"}, "--encrypt and --compress apply to the native format only"},
		{"bad name", `{}`, []string{"--name", "a;b"}, "not a valid cookie name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.in, append([]string{"encode"}, tc.args...)...)
			r.want(t, exitUsage, tc.wantErr)
			if !strings.HasPrefix(r.stderr, "cookiecodec: error: ") {
				t.Errorf("stderr = %q, want a line starting \"cookiecodec: error: \"", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
	t.Run("no keys", func(t *testing.T) {
		t.Setenv(cookiecodec.EnvKeys, "")
		runCmd(t, `{}`, "encode").want(t, exitUsage, "cookiecodec: error: no keys")
	})
	t.Run("garbage is rejected before keys are needed", func(t *testing.T) {
		t.Setenv(cookiecodec.EnvKeys, "")
		runCmd(t, "", "decode", "AAAA").want(t, exitRejected, "too short for a token")
	})
	t.Run("just fits 32 levels", func(t *testing.T) {
		nested := strings.Repeat("[", cookiecodec.MaxSessionDepth-1) + strings.Repeat("]", cookiecodec.MaxSessionDepth-1)
		encodeOK(t, `{"a":`+nested+`}`)
	})
}

// TestEditEveryCharacter changes each character of a cookie value in turn
// and expects every edit to be rejected.
func TestEditEveryCharacter(t *testing.T) {
	envKeys(t)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	t.Setenv(envFlaskSecret, "dev")
	session := `{"user":"ada","admin":false,"text":"` + strings.Repeat("ab", 40) + `"}`
	for _, mode := range [][]string{nil, {"--encrypt"}, {"--compress"}, {"--format", "flask"}, {"--format", "flask", "compressed"}} {
		var value string
		if len(mode) == 3 {
			value = encodeOK(t, `{"text":"`+strings.Repeat("ab", 200)+`"}`, mode[:2]...)
			if value[0] != '.' {
				t.Fatalf("Flask cookie %q is not compressed", value)
			}
		} else {
			value = encodeOK(t, session, mode...)
		}
		t.Run(strings.Join(append([]string{"mode"}, mode...), " "), func(t *testing.T) {
			for i := range len(value) {
				for _, edit := range []string{
					value[:i] + string(alphabet[(strings.IndexByte(alphabet, value[i])+1)%64]) + value[i+1:],
					value[:i] + value[i+1:],
				} {
					r := runCmd(t, "", "decode", edit)
					if r.code != exitRejected {
						t.Fatalf("decode of the value edited at %d: exit %d, want 1\n%s", i, r.code, r.stderr)
					}
				}
			}
		})
	}
}

// endless is a reader that never ends.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'A'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestOversizeInput(t *testing.T) {
	secret := envKeys(t)
	big := strings.Repeat("A", maxInput+1)
	for _, cmd := range []string{"decode", "inspect"} {
		t.Run(cmd+" stdin", func(t *testing.T) {
			r := runCmd(t, big, cmd)
			r.want(t, exitRejected, "input on stdin is more than the 1048576 bytes a cookie input may be")
			wantRejection(t, r, big, secret)
		})
		t.Run(cmd+" argument", func(t *testing.T) {
			r := runCmd(t, "", cmd, big)
			r.want(t, exitRejected, "input is 1048577 bytes, more than the 1048576 a cookie input may be")
		})
		t.Run(cmd+" endless stdin", func(t *testing.T) {
			e := &endless{}
			r := runIn(t, e, cmd, "-")
			r.want(t, exitRejected, "more than the 1048576 bytes")
			if e.n > 2*maxInput {
				t.Errorf("read %d bytes of an endless stdin, want at most about %d", e.n, maxInput)
			}
		})
		t.Run(cmd+" 1 MiB of garbage", func(t *testing.T) {
			r := runCmd(t, big[:maxInput], cmd)
			r.want(t, exitRejected)
			wantRejection(t, r, big[:maxInput], secret)
		})
	}
	t.Run("encode endless stdin", func(t *testing.T) {
		e := &endless{}
		runIn(t, e, "encode").want(t, exitUsage, "JSON input is more than")
		if e.n > 2*maxJSONInput {
			t.Errorf("read %d bytes of an endless stdin", e.n)
		}
	})
}

// errReader fails every read.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestReadErrors(t *testing.T) {
	envKeys(t)
	runIn(t, errReader{}, "decode").want(t, exitRejected, "reading stdin: io: read/write on closed pipe")
	runIn(t, errReader{}, "encode").want(t, exitUsage, "reading stdin: io: read/write on closed pipe")
}

func TestGarbageArguments(t *testing.T) {
	secret := envKeys(t)
	for _, arg := range []string{
		"x", "-", "--", "=", ";", "==;;", "a=b", "session", "session=x", "Cookie: session=%%%",
		"AQ", strings.Repeat("A", 200), "\x00", "\xff\xfe", "日本語", "Set-Cookie:", "\"\"",
		strings.Repeat("_-", 3000), "eyJ1Ijoi.", "..", "a.b.c",
	} {
		for _, cmd := range []string{"decode", "inspect"} {
			t.Run(cmd+" "+shorten(arg), func(t *testing.T) {
				var r result
				if arg == "-" || arg == "--" {
					// Stdin, which is empty.
					r = runCmd(t, "", cmd, arg)
				} else {
					r = runCmd(t, "", cmd, "--", arg)
				}
				r.want(t, exitRejected)
				wantRejection(t, r, arg, secret)
			})
		}
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDecodeLongCookie(t *testing.T) {
	secret := envKeys(t)
	ring, err := cookiecodec.ParseKeyring(secret)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cookiecodec.New(ring, cookiecodec.Options{MaxLength: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	value, err := c.Encode("session", cookiecodec.Session{"text": strings.Repeat("x", 5000)})
	if err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, value, "decode")
	r.want(t, exitOK, "cookiecodec: hint: the cookie is "+itoa(len(value))+" bytes, longer than the 4096 a codec accepts by default\n")
}
