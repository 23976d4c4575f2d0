package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

var keyIDLine = regexp.MustCompile(`^[0-9a-f]{8}\n$`)

// wantMode0600 checks that the file at path has mode 0600.
func wantMode0600(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, m)
	}
}

// loadKeys reads the key file at path through the library.
func loadKeys(t *testing.T, path string) *cookiecodec.KeyFile {
	t.Helper()
	f, err := cookiecodec.LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// initKeys makes a key file in a new directory and returns its path and
// the primary's id.
func initKeys(t *testing.T) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	r := runCmd(t, "", "keys", "init", path)
	r.want(t, exitOK)
	return path, strings.TrimSpace(r.stdout)
}

func TestKeygen(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		r := runCmd(t, "", "keygen")
		r.want(t, exitOK)
		if len(r.stdout) != 44 || !strings.HasSuffix(r.stdout, "\n") {
			t.Fatalf("keygen printed %d bytes, want 43 characters and a newline", len(r.stdout))
		}
		text := strings.TrimSuffix(r.stdout, "\n")
		if _, err := cookiecodec.ParseKey(text); err != nil {
			t.Errorf("ParseKey(keygen output) err = %v", err)
		}
		if seen[text] {
			t.Error("keygen printed the same key twice")
		}
		seen[text] = true
		if r.stderr != "" {
			t.Errorf("keygen wrote %q to stderr", r.stderr)
		}
	}
}

func TestKeysCommands(t *testing.T) {
	created := time.Date(2026, 11, 28, 1, 2, 3, 0, time.UTC)
	pinNow(t, created)
	path, first := initKeys(t)
	if !keyIDLine.MatchString(first + "\n") {
		t.Fatalf("keys init printed %q, want a key id", first)
	}
	wantMode0600(t, path)
	f := loadKeys(t, path)
	if got := f.Keyring().Primary().ID().String(); got != first {
		t.Errorf("key file primary = %s, keys init printed %s", got, first)
	}

	r := runCmd(t, "", "keys", "add", path)
	r.want(t, exitOK, "hint: roll "+path+" out to every server")
	if !keyIDLine.MatchString(r.stdout) {
		t.Fatalf("keys add printed %q, want a key id", r.stdout)
	}
	second := strings.TrimSpace(r.stdout)
	wantMode0600(t, path)

	r = runCmd(t, "", "keys", "list", path)
	r.want(t, exitOK)
	want := first + "  primary      2026-11-28T01:02:03Z\n" + second + "  decode-only  2026-11-28T01:02:03Z\n"
	if r.stdout != want {
		t.Errorf("keys list printed\n%s\nwant\n%s", r.stdout, want)
	}
	for _, e := range loadKeys(t, path).Entries() {
		if strings.Contains(r.stdout+r.stderr, e.Key.ExportSecret()) {
			t.Error("keys list printed a secret")
		}
	}

	r = runCmd(t, "", "keys", "promote", path, second)
	r.want(t, exitOK, "hint: retire "+first)
	if want := second + " is the primary; " + first + " is decode-only\n"; r.stdout != want {
		t.Errorf("keys promote printed %q, want %q", r.stdout, want)
	}
	wantMode0600(t, path)
	if got := loadKeys(t, path).Keyring().Primary().ID().String(); got != second {
		t.Errorf("after promote, primary = %s, want %s", got, second)
	}

	pinNow(t, created.Add(cookiecodec.DefaultMaxAge+time.Second))
	r = runCmd(t, "", "keys", "retire", path, first)
	r.want(t, exitOK)
	if want := first + " is retired: cookies it sealed are now rejected\n"; r.stdout != want {
		t.Errorf("keys retire printed %q, want %q", r.stdout, want)
	}
	wantMode0600(t, path)
	if n := len(loadKeys(t, path).Entries()); n != 1 {
		t.Errorf("after retire, %d keys, want 1", n)
	}
}

func TestKeysErrors(t *testing.T) {
	path, primary := initKeys(t)
	r := runCmd(t, "", "keys", "add", path)
	r.want(t, exitOK)
	other := strings.TrimSpace(r.stdout)

	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	malformed := filepath.Join(dir, "malformed.json")
	if err := os.WriteFile(malformed, []byte(`{"version": 1, "keys": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"init over an existing file", []string{"keys", "init", path}, "exists: keys init never overwrites a key file"},
		{"init without file", []string{"keys", "init"}, "want FILE, got 0 arguments"},
		{"init with two files", []string{"keys", "init", "a", "b"}, "want FILE, got 2 arguments"},
		{"init into a missing directory", []string{"keys", "init", filepath.Join(dir, "no", "keys.json")}, "no such file or directory"},
		{"add to a missing file", []string{"keys", "add", missing}, "no such file or directory\ncookiecodec: hint: create it with 'cookiecodec keys init " + missing + "'"},
		{"list a missing file", []string{"keys", "list", missing}, "no such file or directory"},
		{"list a malformed file", []string{"keys", "list", malformed}, "no keys"},
		{"empty file name", []string{"keys", "list", ""}, "empty FILE"},
		{"promote without id", []string{"keys", "promote", path}, "want FILE and ID, got 1 arguments"},
		{"promote a bad id", []string{"keys", "promote", path, "xyz"}, `ID (a 3-character text) is not 8 hexadecimal digits`},
		{"promote an unknown id", []string{"keys", "promote", path, "00000000"}, "no key with id 00000000"},
		{"promote the primary", []string{"keys", "promote", path, primary}, "is already the primary"},
		{"promote in a missing file", []string{"keys", "promote", missing, other}, "no such file or directory"},
		{"retire the primary", []string{"keys", "retire", path, primary}, "is the primary and cannot be removed"},
		{"retire an unknown id", []string{"keys", "retire", path, "00000000"}, "no key with id 00000000"},
		{"retire a bad id", []string{"keys", "retire", path, "1a2b3c4"}, "is not 8 hexadecimal digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", tc.args...)
			r.want(t, exitUsage, tc.wantErr)
			if !strings.HasPrefix(r.stderr, "cookiecodec: error: ") {
				t.Errorf("stderr = %q, want a line starting \"cookiecodec: error: \"", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(before) {
				t.Error("a refused command changed the key file")
			}
		})
	}
}

// TestRotationProcedure runs the key rotation procedure of the package
// documentation through the commands.
func TestRotationProcedure(t *testing.T) {
	cleanEnv(t)
	path, oldID := initKeys(t)
	session := `{"user":"ada"}`

	oldCookie := runCmd(t, session, "encode", "--keys", path)
	oldCookie.want(t, exitOK)

	r := runCmd(t, "", "keys", "add", path)
	r.want(t, exitOK)
	newID := strings.TrimSpace(r.stdout)

	// Before promotion, the old primary still seals.
	r = runCmd(t, oldCookie.stdout, "decode", "--keys", path)
	r.want(t, exitOK, "key id:    "+oldID+" (primary)")

	runCmd(t, "", "keys", "promote", path, newID).want(t, exitOK)
	newCookie := runCmd(t, session, "encode", "--keys", path)
	newCookie.want(t, exitOK)
	if u, err := cookiecodec.InspectUnverified(strings.TrimSpace(newCookie.stdout)); err != nil || u.KeyID.String() != newID {
		t.Fatalf("cookie sealed after promote has key %v (%v), want %s", u.KeyID, err, newID)
	}

	r = runCmd(t, newCookie.stdout, "decode", "--keys", path)
	r.want(t, exitOK, "key id:    "+newID+" (primary)")
	if strings.Contains(r.stderr, "hint:") {
		t.Errorf("decoding a cookie of the primary printed a hint: %q", r.stderr)
	}
	if r.stdout != "{\n  \"user\": \"ada\"\n}\n" {
		t.Errorf("decode printed %q", r.stdout)
	}

	r = runCmd(t, oldCookie.stdout, "decode", "--keys", path)
	r.want(t, exitOK, "key id:    "+oldID+" (decode-only: would be re-issued)",
		"cookiecodec: hint: opened with decode-only key "+oldID+": a server would re-issue this cookie under the primary "+newID)
	if r.stdout != "{\n  \"user\": \"ada\"\n}\n" {
		t.Errorf("decode printed %q", r.stdout)
	}
	r = runCmd(t, oldCookie.stdout, "decode", "--json", "--keys", path)
	r.want(t, exitOK, "hint: opened with decode-only key")
	if !strings.Contains(r.stdout, `"primary": false`) {
		t.Errorf("decode --json printed %q, want \"primary\": false", r.stdout)
	}

	runCmd(t, "", "keys", "retire", "--force", path, oldID).want(t, exitOK)
	r = runCmd(t, oldCookie.stdout, "decode", "--keys", path)
	r.want(t, exitRejected, "cookiecodec: error: signed by unknown key "+oldID+"\n")
	if r.stdout != "" {
		t.Errorf("rejected decode printed %q", r.stdout)
	}
	runCmd(t, newCookie.stdout, "decode", "--keys", path).want(t, exitOK)

	r = runCmd(t, "", "keys", "retire", path, newID)
	r.want(t, exitUsage, "is the primary and cannot be removed")
	runCmd(t, newCookie.stdout, "decode", "--keys", path).want(t, exitOK)
}

// TestRetireGuard checks that keys retire refuses a key demoted less than
// --max-age ago, says when it will be safe, and gives way to --force or
// to time.
func TestRetireGuard(t *testing.T) {
	start := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	pinNow(t, start)
	path, first := initKeys(t)
	r := runCmd(t, "", "keys", "add", path)
	r.want(t, exitOK)
	second := strings.TrimSpace(r.stdout)
	third := strings.TrimSpace(runCmd(t, "", "keys", "add", path).stdout)

	// A key that never was the primary sealed nothing: it retires at once.
	runCmd(t, "", "keys", "retire", path, third).want(t, exitOK)

	promoted := start.Add(time.Hour)
	pinNow(t, promoted)
	runCmd(t, "", "keys", "promote", path, second).want(t, exitOK)
	r = runCmd(t, "", "keys", "list", path)
	if want := "demoted 2026-11-28T02:00:00Z"; !strings.Contains(r.stdout, want) {
		t.Errorf("keys list printed %q, want it to contain %q", r.stdout, want)
	}

	pinNow(t, promoted.Add(10*24*time.Hour))
	before, _ := os.ReadFile(path)
	r = runCmd(t, "", "keys", "retire", path, first)
	r.want(t, exitUsage,
		"error: key "+first+" was demoted 10d ago, less than --max-age 31d: cookies it sealed stay valid until 2026-12-29T02:00:00Z",
		"hint: retire it in 21d, or pass --force")
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a refused retire changed the key file")
	}
	// A shorter MaxAge, as the app has configured, is safe sooner.
	r = runCmd(t, "", "keys", "retire", "--max-age", "12d", path, first)
	r.want(t, exitUsage, "was demoted 10d ago, less than --max-age 12d", "retire it in 2d,")
	r = runCmd(t, "", "keys", "retire", "--max-age", "soon", path, first)
	r.want(t, exitUsage, "--max-age (a 4-character text) is not a duration")

	pinNow(t, promoted.Add(cookiecodec.DefaultMaxAge))
	runCmd(t, "", "keys", "retire", path, first).want(t, exitOK)

	// --force retires at once.
	pinNow(t, promoted.Add(40*24*time.Hour))
	runCmd(t, "", "keys", "add", path).want(t, exitOK)
	fourth := loadKeys(t, path).Entries()[1].Key.ID().String()
	runCmd(t, "", "keys", "promote", path, fourth).want(t, exitOK)
	runCmd(t, "", "keys", "retire", path, second).want(t, exitUsage, "was demoted 0s ago")
	runCmd(t, "", "keys", "retire", path, "--force", second).want(t, exitOK)
	if n := len(loadKeys(t, path).Entries()); n != 1 {
		t.Errorf("after the forced retire, %d keys, want 1", n)
	}
}

// TestRetireVersion1File checks the guard on a key file written by an
// older release, which does not record demotions: its decode-only keys
// count as demoted when the file was last written.
func TestRetireVersion1File(t *testing.T) {
	a, b := cookiecodec.GenerateKey(), cookiecodec.GenerateKey()
	member := func(k cookiecodec.Key, status string) string {
		return fmt.Sprintf(`{"id": %q, "status": %q, "created": "2026-11-01T00:00:00Z", "secret": %q}`, k.ID(), status, k.ExportSecret())
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	v1 := `{"version": 1, "keys": [` + member(a, "primary") + ", " + member(b, "decode-only") + `]}`
	if err := os.WriteFile(path, []byte(v1), 0o600); err != nil {
		t.Fatal(err)
	}
	written := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, written, written); err != nil {
		t.Fatal(err)
	}
	pinNow(t, written.Add(24*time.Hour))
	runCmd(t, "", "keys", "retire", path, b.ID().String()).want(t, exitUsage, "was demoted 1d ago")
	pinNow(t, written.Add(cookiecodec.DefaultMaxAge))
	runCmd(t, "", "keys", "retire", path, b.ID().String()).want(t, exitOK)
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte(`"version": 2`)) {
		t.Errorf("after an update, the key file is\n%s\nwant version 2", data)
	}
}
