package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec/gorilla"
)

// gorillaGolden is a golden cookie of package gorilla, made by the real
// gorilla/securecookie (see interop/cmd/gorillagen).
type gorillaGolden struct {
	Keys       [][2]string `json:"keys"`
	Serializer string      `json:"serializer"`
	Cookie     string      `json:"cookie"`
}

// gorillaGoldens is their directory, found before TestMain leaves the
// package's.
var gorillaGoldens = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Join(wd, "..", "..", "gorilla", "testdata", "cookies")
}()

func loadGorillaGolden(t *testing.T, name string) gorillaGolden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(gorillaGoldens, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var g gorillaGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// keyFile writes the hex key as raw bytes, followed by suffix, and
// returns its path.
func keyFile(t *testing.T, hexKey, suffix string) string {
	t.Helper()
	k, err := hex.DecodeString(hexKey)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(path, append(k, suffix...), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The golden cookies were made when they were generated: --max-age
// 36500d keeps them valid, and 1s expires them.
const oldEnough = "36500d"

func TestGorillaDecode(t *testing.T) {
	cleanEnv(t)
	gobG := loadGorillaGolden(t, "gob_string_map")
	jsonG := loadGorillaGolden(t, "json_aes192")
	encG := loadGorillaGolden(t, "sessions_gob_aes128")
	hashFile := keyFile(t, gobG.Keys[0][0], "\n")
	rot := loadGorillaGolden(t, "sessions_rotated") // made by the second of its two pairs
	rotArgs := []string{"--hash-key-file", keyFile(t, rot.Keys[0][0], ""), "--block-key-file", keyFile(t, rot.Keys[0][1], ""),
		"--hash-key-file", keyFile(t, rot.Keys[1][0], ""), "--block-key-file", keyFile(t, rot.Keys[1][1], ""), "--max-age", oldEnough}
	for _, tc := range []struct {
		name    string
		value   string
		args    []string
		code    int
		stdout  string
		wantErr []string
	}{
		{"gob, auto-detected", gobG.Cookie, []string{"--hash-key-file", hashFile, "--max-age", oldEnough}, exitOK,
			"{\n  \"id\": 42,\n  \"user\": \"Harry\"\n}\n", []string{"format:    gorilla\nmode:      signed\nkey id:    " + gorilla.KeyID(mustHex(t, gobG.Keys[0][0])).String()}},
		{"--format gorilla, key without newline", gobG.Cookie, []string{"--format", "gorilla", "--hash-key-file", keyFile(t, gobG.Keys[0][0], ""), "--max-age", oldEnough}, exitOK,
			"{\n  \"id\": 42,\n  \"user\": \"Harry\"\n}\n", nil},
		{"key with CRLF", gobG.Cookie, []string{"--hash-key-file", keyFile(t, gobG.Keys[0][0], "\r\n"), "--max-age", oldEnough}, exitOK, "", nil},
		{"json with block key", jsonG.Cookie, []string{"--hash-key-file", keyFile(t, jsonG.Keys[0][0], "\n"), "--block-key-file", keyFile(t, jsonG.Keys[0][1], "\n"), "--serializer", "json", "--max-age", oldEnough}, exitOK,
			"", []string{"mode:      encrypted\n"}},
		{"gob with block key, from a Cookie header", "Cookie: a=1; session=" + encG.Cookie, []string{"--hash-key-file", hashFile, "--block-key-file", keyFile(t, encG.Keys[0][1], "\n"), "--max-age", oldEnough}, exitOK,
			"", nil},
		{"two key pairs", rot.Cookie, rotArgs, exitOK, "",
			[]string{"key id:    " + gorilla.KeyID(mustHex(t, rot.Keys[1][0])).String() + "\n", "hint: opened by a later key pair (key id " + gorilla.KeyID(mustHex(t, rot.Keys[1][0])).String()}},
		{"first pair only", rot.Cookie, rotArgs[:4], exitRejected, "", []string{"MAC does not match"}},
		{"block keys not paired", rot.Cookie, append(rotArgs[:6:6], "--max-age", oldEnough), exitUsage, "",
			[]string{"1 block key for 2 hash keys: give one --block-key-file per --hash-key-file, in the same order, or none"}},
		{"expired", gobG.Cookie, []string{"--hash-key-file", hashFile, "--max-age", "1s"}, exitRejected, "", []string{"cookiecodec: error: cookie expired: expired timestamp: "}},
		{"default max age is securecookie's", gobG.Cookie, []string{"--hash-key-file", hashFile}, exitOK, "", nil},
		{"wrong name", gobG.Cookie, []string{"--hash-key-file", hashFile, "--name", "other", "--max-age", oldEnough}, exitRejected, "",
			[]string{"error: MAC does not match", `hint: gorilla binds the cookie's name into its MAC: check --name (now "other")`}},
		{"wrong key", gobG.Cookie, []string{"--hash-key-file", keyFile(t, "00112233", ""), "--max-age", oldEnough}, exitRejected, "", []string{"MAC does not match"}},
		{"wrong serializer", gobG.Cookie, []string{"--hash-key-file", hashFile, "--serializer", "json", "--max-age", oldEnough}, exitRejected, "",
			[]string{"error: json body: ", "hint: the MAC matched but the body is not json: try --serializer gob"}},
		{"tampered", gobG.Cookie[:10] + "A" + gobG.Cookie[11:], []string{"--hash-key-file", hashFile, "--max-age", oldEnough}, exitRejected, "", nil},
		{"no hash key", gobG.Cookie, nil, exitUsage, "", []string{"a gorilla cookie needs --hash-key-file FILE"}},
		{"missing key file", gobG.Cookie, []string{"--hash-key-file", "/nonexistent/key"}, exitUsage, "", []string{"hash key file /nonexistent/key: no such file or directory"}},
		{"empty key file", gobG.Cookie, []string{"--hash-key-file", keyFile(t, "", "\n")}, exitUsage, "", []string{"is empty"}},
		{"bad block key", gobG.Cookie, []string{"--hash-key-file", hashFile, "--block-key-file", keyFile(t, "0011", "")}, exitUsage, "", []string{"AES takes 16, 24 or 32"}},
		{"bad serializer", gobG.Cookie, []string{"--hash-key-file", hashFile, "--serializer", "xml"}, exitUsage, "", []string{"--serializer"}},
		{"native keys", gobG.Cookie, []string{"--hash-key-file", hashFile, "--keys", "k.json"}, exitUsage, "", []string{"--keys and --secret-file do not apply to gorilla cookies"}},
		{"gorilla flags on a native cookie", "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", []string{"--hash-key-file", hashFile}, exitUsage, "", []string{"apply to gorilla cookies only, and this is a native cookie"}},
		{"--tagged", gobG.Cookie, []string{"--hash-key-file", hashFile, "--tagged"}, exitUsage, "", []string{"--tagged applies to Flask cookies only"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.value, append([]string{"decode"}, tc.args...)...)
			r.want(t, tc.code, tc.wantErr...)
			if tc.stdout != "" && r.stdout != tc.stdout {
				t.Errorf("decode printed\n%s\nwant\n%s", r.stdout, tc.stdout)
			}
			for _, k := range []string{"hash key one", "block key 16 B", "of 24 bytes!!!"} {
				if strings.Contains(r.stdout+r.stderr, k) {
					t.Errorf("output shows a key: %q", r.stdout+r.stderr)
				}
			}
		})
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGorillaInspect(t *testing.T) {
	cleanEnv(t)
	g := loadGorillaGolden(t, "sessions_gob_aes256")
	u, err := gorilla.InspectUnverified(g.Cookie)
	if err != nil {
		t.Fatal(err)
	}
	pinNow(t, u.IssuedAt.Add(90*time.Minute))
	r := runCmd(t, "", "inspect", g.Cookie)
	r.want(t, exitOK)
	want := unverifiedBanner + "\nformat:    gorilla\nmode:      unknown\nissued at: " + u.IssuedAt.Format(time.RFC3339) + " ("
	if !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, "mac:       32 bytes\n") || !strings.Contains(r.stdout, "body:      "+itoa(len(u.Body))+" bytes") {
		t.Errorf("inspect printed\n%s\nwant it to start with\n%s", r.stdout, want)
	}
	r = runCmd(t, "", "inspect", "--json", g.Cookie)
	r.want(t, exitOK)
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("inspect --json printed invalid JSON: %v", err)
	}
	if got["verified"] != false || got["format"] != "gorilla" || got["issued_at"] != u.IssuedAt.Format(time.RFC3339) || got["age_seconds"] != 5400.0 {
		t.Errorf("inspect --json = %v", got)
	}
}
