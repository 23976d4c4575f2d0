package cookiecodec

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var kfCreated = time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)

func kfNew(tb testing.TB, entries ...KeyEntry) *KeyFile {
	tb.Helper()
	f, err := NewKeyFile(entries...)
	if err != nil {
		tb.Fatalf("NewKeyFile: %v", err)
	}
	return f
}

// kfEntries lists f as "id status" strings.
func kfEntries(f *KeyFile) []string {
	var s []string
	for _, e := range f.Entries() {
		s = append(s, e.Key.ID().String()+" "+string(e.Status))
	}
	return s
}

func TestKeyFileRoundTrip(t *testing.T) {
	a, b, c := rotKey(t, 1), rotKey(t, 2), rotKey(t, 3)
	f := kfNew(t,
		KeyEntry{Key: a, Status: StatusDecodeOnly, Created: kfCreated},
		KeyEntry{Key: b, Status: StatusPrimary, Created: kfCreated.Add(time.Hour + 500*time.Millisecond)},
		KeyEntry{Key: c, Status: StatusDecodeOnly, Created: kfCreated.Add(2 * time.Hour).In(time.FixedZone("X", 3600))},
	)
	data := f.Marshal()
	g, err := ParseKeyFile(data)
	if err != nil {
		t.Fatalf("ParseKeyFile(Marshal()) err = %v\n%s", err, data)
	}
	want := f.Entries()
	got := g.Entries()
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if !got[i].Key.Equal(want[i].Key) || got[i].Status != want[i].Status || !got[i].Created.Equal(want[i].Created) {
			t.Errorf("entry %d = %v %s %v, want %v %s %v", i, got[i].Key, got[i].Status, got[i].Created, want[i].Key, want[i].Status, want[i].Created)
		}
		if got[i].Created.Location() != time.UTC || got[i].Created.Nanosecond() != 0 {
			t.Errorf("entry %d created = %v, want whole seconds in UTC", i, got[i].Created)
		}
	}
	if again := g.Marshal(); string(again) != string(data) {
		t.Errorf("Marshal after a round trip:\n%s\nwant\n%s", again, data)
	}
	if ids := rotIDs(g.Keyring()); !slices.Equal(ids, idsOf(b, a, c)) {
		t.Errorf("Keyring() = %v, want %v", ids, idsOf(b, a, c))
	}
	if g.Keyring() != g.Keyring() {
		t.Error("Keyring() returns a new keyring on each call")
	}
	wantText := fmt.Sprintf(`{
  "version": 2,
  "keys": [
    {
      "id": "%s",
      "status": "decode-only",
      "created": "2026-11-28T01:00:00Z",
      "secret": "%s"
    },`, a.ID(), a.ExportSecret())
	if !strings.HasPrefix(string(data), wantText) {
		t.Errorf("Marshal() =\n%s\nwant it to begin\n%s", data, wantText)
	}
	for _, s := range []string{fmt.Sprint(f), fmt.Sprintf("%+v", f), fmt.Sprintf("%#v", f.Entries())} {
		if strings.Contains(s, a.ExportSecret()) {
			t.Errorf("fmt output %q contains a secret", s)
		}
	}
}

func TestNewKeyFile(t *testing.T) {
	a, b := rotKey(t, 1), rotKey(t, 2)
	p := func(k Key) KeyEntry { return KeyEntry{Key: k, Status: StatusPrimary, Created: kfCreated} }
	d := func(k Key) KeyEntry { return KeyEntry{Key: k, Status: StatusDecodeOnly, Created: kfCreated} }
	for _, tc := range []struct {
		name    string
		entries []KeyEntry
		wantErr string
	}{
		{"one primary", []KeyEntry{p(a)}, ""},
		{"no keys", nil, "key file: no keys"},
		{"no primary", []KeyEntry{d(a), d(b)}, "key file: no primary key"},
		{"two primaries", []KeyEntry{p(a), p(b)}, "key 2 (id " + b.ID().String() + "): second primary key, after key 1"},
		{"duplicate", []KeyEntry{p(a), d(b), d(a)}, "key file: key 3 (id " + a.ID().String() + "): duplicate id, also key 1"},
		{"zero key", []KeyEntry{p(a), {Status: StatusDecodeOnly, Created: kfCreated}}, "key 2: the zero Key"},
		{"bad status", []KeyEntry{p(a), {Key: b, Status: "retired", Created: kfCreated}}, `key 2 (id ` + b.ID().String() + `): status is neither "primary" nor "decode-only"`},
		{"no creation time", []KeyEntry{p(a), {Key: b, Status: StatusDecodeOnly}}, "no creation time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewKeyFile(tc.entries...)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("NewKeyFile err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("NewKeyFile err = %v, want one containing %q", err, tc.wantErr)
			}
			if strings.Contains(tc.wantErr, "duplicate") != errors.Is(err, ErrDuplicateKeyID) {
				t.Errorf("errors.Is(%v, ErrDuplicateKeyID) = %v", err, !strings.Contains(tc.wantErr, "duplicate"))
			}
		})
	}
}

func TestKeyFileLifecycle(t *testing.T) {
	a, b, c := rotKey(t, 1), rotKey(t, 2), rotKey(t, 3)
	f := kfNew(t,
		KeyEntry{Key: a, Status: StatusPrimary, Created: kfCreated},
		KeyEntry{Key: b, Status: StatusDecodeOnly, Created: kfCreated},
	)
	ia, ib, ic := a.ID().String(), b.ID().String(), c.ID().String()
	for _, tc := range []struct {
		name    string
		step    func(*KeyFile) (*KeyFile, error)
		want    []string
		wantErr string
	}{
		{"add", func(f *KeyFile) (*KeyFile, error) { return f.Add(c, kfCreated) }, []string{ia + " primary", ib + " decode-only", ic + " decode-only"}, ""},
		{"add a duplicate", func(f *KeyFile) (*KeyFile, error) { return f.Add(b, kfCreated) }, nil, "duplicate key id " + ib},
		{"add the zero key", func(f *KeyFile) (*KeyFile, error) { return f.Add(Key{}, kfCreated) }, nil, "zero Key"},
		{"add without a time", func(f *KeyFile) (*KeyFile, error) { return f.Add(c, time.Time{}) }, nil, "no creation time"},
		{"promote", func(f *KeyFile) (*KeyFile, error) { return f.Promote(b.ID(), testDemoted) }, []string{ia + " decode-only", ib + " primary"}, ""},
		{"promote the primary", func(f *KeyFile) (*KeyFile, error) { return f.Promote(a.ID(), testDemoted) }, nil, "already the primary"},
		{"promote an unknown id", func(f *KeyFile) (*KeyFile, error) { return f.Promote(c.ID(), testDemoted) }, nil, "no key with id " + ic},
		{"remove", func(f *KeyFile) (*KeyFile, error) { return f.Remove(b.ID()) }, []string{ia + " primary"}, ""},
		{"remove the primary", func(f *KeyFile) (*KeyFile, error) { return f.Remove(a.ID()) }, nil, "is the primary and cannot be removed"},
		{"remove an unknown id", func(f *KeyFile) (*KeyFile, error) { return f.Remove(c.ID()) }, nil, "no key with id " + ic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := tc.step(f)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got := kfEntries(g); !slices.Equal(got, tc.want) {
				t.Errorf("entries = %q, want %q", got, tc.want)
			}
			if got := kfEntries(f); !slices.Equal(got, []string{ia + " primary", ib + " decode-only"}) {
				t.Errorf("the step changed its receiver: %q", got)
			}
			if p := g.Keyring().Primary().ID().String() + " primary"; !slices.Contains(tc.want, p) {
				t.Errorf("Keyring().Primary() = %v, want the primary entry of %q", g.Keyring().Primary(), tc.want)
			}
		})
	}
}

func TestKeyringFromEnv(t *testing.T) {
	a, b := rotKey(t, 1), rotKey(t, 2)
	path := filepath.Join(t.TempDir(), "keys.json")
	f, err := NewKeyFile(
		KeyEntry{Key: b, Status: StatusPrimary, Created: time.Now()},
		KeyEntry{Key: a, Status: StatusDecodeOnly, Created: time.Now()},
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := CreateKeyFile(path, f); err != nil {
		t.Fatal(err)
	}
	bad := a.ExportSecret()[:30]
	for _, tc := range []struct {
		name, keys, file string
		want             []KeyID
		wantErr          string
	}{
		{"keys", a.ExportSecret() + "," + b.ExportSecret(), "", idsOf(a, b), ""},
		{"file", "", path, idsOf(b, a), ""},
		{"neither", "", "", nil, "no keys configured: set COOKIECODEC_KEYS or COOKIECODEC_KEY_FILE"},
		{"both", a.ExportSecret(), path, nil, "both COOKIECODEC_KEYS and COOKIECODEC_KEY_FILE are set"},
		{"bad keys", bad, "", nil, "COOKIECODEC_KEYS: key 1 of 1: key is 22 bytes, want at least 32"},
		{"missing file", "", path + ".missing", nil, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvKeys, tc.keys)
			t.Setenv(EnvKeyFile, tc.file)
			r, err := KeyringFromEnv()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("KeyringFromEnv err = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), bad) || strings.Contains(err.Error(), a.ExportSecret()) {
					t.Errorf("error %q contains key text", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("KeyringFromEnv err = %v", err)
			}
			if ids := rotIDs(r); !slices.Equal(ids, tc.want) {
				t.Errorf("keyring = %v, want %v", ids, tc.want)
			}
		})
	}
}

// kfJSON returns a key file with one JSON object per entry, each given as
// its members.
func kfJSON(entries ...string) string {
	return `{"version": 1, "keys": [` + strings.Join(entries, ", ") + `]}`
}

func kfMember(k Key, status string) string {
	return fmt.Sprintf(`{"id": %q, "status": %q, "created": "2026-11-28T01:00:00Z", "secret": %q}`, k.ID(), status, k.ExportSecret())
}

func TestParseKeyFileMalformed(t *testing.T) {
	a, b := rotKey(t, 1), rotKey(t, 2)
	ia, ib := a.ID().String(), b.ID().String()
	sa := a.ExportSecret()
	short := strings.Repeat("Q", 22) // 16 bytes
	good := kfMember(a, "primary")
	member := func(id, status, created, secret string) string {
		return fmt.Sprintf(`{"id": %q, "status": %q, "created": %q, "secret": %q}`, id, status, created, secret)
	}
	for _, tc := range []struct {
		name, in, wantErr string
	}{
		{"empty", "", "invalid JSON: unexpected end"},
		{"not JSON", "version = 1", "invalid JSON at byte 1"},
		{"truncated", kfJSON(good)[:60], "invalid JSON: unexpected end"},
		{"missing colon", `{"version" 1, "keys": [` + good + `]}`, "invalid JSON at byte 11"},
		{"trailing comma", `{"version": 1, "keys": [` + good + `],}`, "invalid JSON at byte"},
		{"byte order mark", "\xef\xbb\xbf" + kfJSON(good), "invalid JSON at byte 1"},
		{"array", "[" + good + "]", "the file is not a JSON object"},
		{"unknown field", `{"version": 1, "keys": [` + good + `], "comment": "x"}`, `the file has an unknown field "comment"`},
		{"field in another case", `{"Version": 1, "keys": [` + good + `]}`, `the file has an unknown field "Version"`},
		{"long unknown field", `{"` + sa + `": 1}`, "the file has an unknown field of 43 bytes"},
		{"repeated field", `{"version": 1, "version": 1, "keys": [` + good + `]}`, `the file has the field "version" twice`},
		{"no version", `{"keys": [` + good + `]}`, `the file has no field "version"`},
		{"no keys field", `{"version": 1}`, `the file has no field "keys"`},
		{"version 3", `{"version": 3, "keys": [` + good + `]}`, "unsupported version 3, want 1 to 2"},
		{"version 1.0", `{"version": 1.0, "keys": [` + good + `]}`, "unsupported version 1.0, want 1 to 2"},
		{"version as a string", `{"version": "1", "keys": [` + good + `]}`, "version is not a number"},
		{"keys not an array", `{"version": 1, "keys": {}}`, "keys is not an array"},
		{"no keys", kfJSON(), "key file: no keys"},
		{"key not an object", kfJSON(good, `"`+sa+`"`), "key 2 is not a JSON object"},
		{"null key", kfJSON(good, "null"), "key 2 is not a JSON object"},
		{"null version", `{"version": null, "keys": [` + good + `]}`, "version is not a number"},
		{"unknown key field", kfJSON(`{"id": "` + ia + `", "status": "primary", "created": "2026-11-28T01:00:00Z", "secret": "` + sa + `", "note": ""}`), `key 1 has an unknown field "note"`},
		{"repeated secret", kfJSON(`{"id": "` + ia + `", "status": "primary", "created": "2026-11-28T01:00:00Z", "secret": "` + sa + `", "secret": "` + sa + `"}`), `key 1 has the field "secret" twice`},
		{"no secret", kfJSON(`{"id": "` + ia + `", "status": "primary", "created": "2026-11-28T01:00:00Z"}`), `key 1 has no field "secret"`},
		{"no created", kfJSON(`{"id": "` + ia + `", "status": "primary", "secret": "` + sa + `"}`), `key 1 has no field "created"`},
		{"secret not a string", kfJSON(`{"id": "` + ia + `", "status": "primary", "created": "2026-11-28T01:00:00Z", "secret": 7}`), "key 1: secret is not a string"},
		{"bad id", kfJSON(member("1a2b3c4g", "primary", "2026-11-28T01:00:00Z", sa)), "key 1: id is not 8 lowercase hexadecimal digits"},
		{"short id", kfJSON(member(ia[:6], "primary", "2026-11-28T01:00:00Z", sa)), "key 1: id is not 8 lowercase hexadecimal digits"},
		{"uppercase id", kfJSON(member(strings.ToUpper("abcdef01"), "primary", "2026-11-28T01:00:00Z", sa)), "key 1: id is not 8 lowercase hexadecimal digits"},
		{"secret in the id", kfJSON(member(sa, "primary", "2026-11-28T01:00:00Z", sa)), "key 1: id is not 8 lowercase hexadecimal digits"},
		{"id of another key", kfJSON(member(ib, "primary", "2026-11-28T01:00:00Z", sa)), "key 1 (id " + ib + "): id does not match the secret, whose id is " + ia},
		{"short secret", kfJSON(good, member("00000000", "decode-only", "2026-11-28T01:00:00Z", short)), "key 2 (id 00000000): secret: key is 16 bytes, want at least 32"},
		{"padded secret", kfJSON(member(ia, "primary", "2026-11-28T01:00:00Z", sa+"=")), "key 1 (id " + ia + "): secret: key is not unpadded base64url text"},
		{"secret with a final newline", kfJSON(member(ia, "primary", "2026-11-28T01:00:00Z", sa+"\n")), "key 1 (id " + ia + "): secret: key is not unpadded base64url text"},
		{"secret with a leading space", kfJSON(member(ia, "primary", "2026-11-28T01:00:00Z", " "+sa)), "key 1 (id " + ia + "): secret: key is not unpadded base64url text"},
		{"standard base64 secret", kfJSON(member("00000000", "primary", "2026-11-28T01:00:00Z", strings.Repeat("+", 43))), "secret: key is not unpadded base64url text"},
		{"bad escape in secret", `{"version": 1, "keys": [{"id": "` + ia + `", "status": "primary", "created": "2026-11-28T01:00:00Z", "secret": "` + sa[:20] + `\q` + sa[20:] + `"}]}`, "invalid JSON at byte"},
		{"bad status", kfJSON(member(ia, "active", "2026-11-28T01:00:00Z", sa)), `key 1 (id ` + ia + `): status is neither "primary" nor "decode-only"`},
		{"bad created", kfJSON(member(ia, "primary", "28 Nov 2026", sa)), "key 1 (id " + ia + "): created is not an RFC 3339 time"},
		{"no primary", kfJSON(kfMember(a, "decode-only"), kfMember(b, "decode-only")), "key file: no primary key"},
		{"second primary", kfJSON(kfMember(a, "primary"), kfMember(b, "primary")), "key 2 (id " + ib + "): second primary key, after key 1"},
		{"duplicate id", kfJSON(kfMember(a, "primary"), kfMember(b, "decode-only"), kfMember(a, "decode-only")), "key file: key 3 (id " + ia + "): duplicate id, also key 1"},
		{"trailing object", kfJSON(good) + "{}", "trailing data after the JSON object"},
		{"trailing garbage", kfJSON(good) + "x", "trailing data after the JSON object"},
		{"too large", kfJSON(good) + strings.Repeat(" ", 1<<20), "more than the 1048576 allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseKeyFile([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ParseKeyFile err = %v, want one containing %q", err, tc.wantErr)
			}
			if strings.Contains(tc.wantErr, "duplicate") != errors.Is(err, ErrDuplicateKeyID) {
				t.Errorf("errors.Is(%v, ErrDuplicateKeyID) = %v", err, !strings.Contains(tc.wantErr, "duplicate"))
			}
			if f != nil {
				t.Errorf("ParseKeyFile returned %v with an error", f)
			}
			for _, s := range []string{sa, sa[:20], sa[20:], short, b.ExportSecret()} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q contains secret text", err)
				}
			}
		})
	}
	// The cases above differ from a valid file only where they say.
	if _, err := ParseKeyFile([]byte(kfJSON(good, kfMember(b, "decode-only")))); err != nil {
		t.Fatalf("ParseKeyFile(valid) err = %v", err)
	}
}

func TestKeyFileWrite(t *testing.T) {
	a, b := rotKey(t, 1), rotKey(t, 2)
	f := kfNew(t, KeyEntry{Key: a, Status: StatusPrimary, Created: kfCreated})
	g, err := f.Add(b, kfCreated)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")

	if err := CreateKeyFile(path, f); err != nil {
		t.Fatalf("CreateKeyFile: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("after CreateKeyFile: %v, %v; want mode 0600", fi.Mode(), err)
	}
	err = CreateKeyFile(path, g)
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("CreateKeyFile over a file: err = %v, want %v naming the path", err, fs.ErrExist)
	}
	if h, err := LoadKeyFile(path); err != nil || !slices.Equal(kfEntries(h), kfEntries(f)) {
		t.Errorf("after a refused CreateKeyFile: %v, %v; want the first file", h, err)
	}

	// Loosen the mode: SaveKeyFile writes 0600 whatever was there.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SaveKeyFile(path, g); err != nil {
		t.Fatalf("SaveKeyFile: %v", err)
	}
	h, err := LoadKeyFile(path)
	if err != nil || !slices.Equal(kfEntries(h), kfEntries(g)) {
		t.Errorf("LoadKeyFile after SaveKeyFile = %v, %v; want %v", h, err, g)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("after SaveKeyFile: %v, %v; want mode 0600", fi.Mode(), err)
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 {
		t.Errorf("directory holds %v, want only keys.json: a temporary file was left", names)
	}

	// Saving into a missing directory fails and creates nothing.
	if err := SaveKeyFile(filepath.Join(dir, "missing", "keys.json"), g); err == nil {
		t.Error("SaveKeyFile into a missing directory succeeded")
	}

	for _, tc := range []struct {
		name, path, wantErr string
		wantIs              error
	}{
		{"missing", filepath.Join(dir, "nothing.json"), "no such file", fs.ErrNotExist},
		{"directory", dir, "is not a regular file", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadKeyFile(tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || (tc.wantIs != nil && !errors.Is(err, tc.wantIs)) {
				t.Errorf("LoadKeyFile err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(kfJSON()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyFile(broken); err == nil || !strings.Contains(err.Error(), "key file "+broken+": no keys") {
		t.Errorf("LoadKeyFile(broken) err = %v, want one naming the path", err)
	}
}

// base64Runs returns the runs of base64url characters in data at least minLen
// bytes long: what could be a secret.
func base64Runs(data []byte, minLen int) []string {
	var runs []string
	start := -1
	for i := 0; i <= len(data); i++ {
		c := byte(0)
		if i < len(data) {
			c = data[i]
		}
		in := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			if i-start >= minLen {
				runs = append(runs, string(data[start:i]))
			}
			start = -1
		}
	}
	return runs
}

// FuzzParseKeyFile checks that ParseKeyFile never panics, never quotes a
// secret-like part of its input in an error, and that what it accepts
// marshals to a canonical form that parses back to the same keys.
func FuzzParseKeyFile(f *testing.F) {
	a, b, c := rotKey(f, 1), rotKey(f, 2), rotKey(f, 3)
	seeds := []string{
		kfJSON(kfMember(a, "primary")),
		kfJSON(kfMember(a, "decode-only"), kfMember(b, "primary"), kfMember(c, "decode-only")),
		kfJSON(kfMember(a, "primary"), kfMember(a, "decode-only")),
		kfJSON(kfMember(a, "primary"), kfMember(b, "primary")),
		kfJSON(),
		`{"version": 2, "keys": []}`,
		`{"version": 1, "keys": [{"id": "00000000", "status": "primary", "created": "2026-11-28T01:00:00+01:00", "secret": "` + strings.Repeat("A", 22) + `"}]}`,
		`{"Version": 1}`,
		"{",
	}
	seeds = append(seeds, string(rlFile(f, b, a, c).Marshal()))
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kf, err := ParseKeyFile(data)
		if err != nil {
			if kf != nil {
				t.Fatalf("ParseKeyFile returned %v with error %v", kf, err)
			}
			for _, run := range base64Runs(data, 17) {
				if strings.Contains(err.Error(), run) {
					t.Fatalf("error %q quotes %q from the input", err, run)
				}
			}
			return
		}
		out := kf.Marshal()
		again, err := ParseKeyFile(out)
		if err != nil {
			t.Fatalf("ParseKeyFile(Marshal()) err = %v\n%s", err, out)
		}
		if !bytes.Equal(again.Marshal(), out) {
			t.Fatalf("Marshal is not stable:\n%s\n%s", out, again.Marshal())
		}
		if !slices.Equal(kfEntries(again), kfEntries(kf)) || again.Keyring().String() != kf.Keyring().String() {
			t.Fatalf("round trip changed the keys: %v, want %v", again, kf)
		}
	})
}
