package cookiecodec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testDemoted is a demotion time with a fraction of a second, which key
// files round up.
var testDemoted = time.Date(2026, 11, 29, 3, 4, 5, 600, time.UTC)

func TestKeyFileDemotion(t *testing.T) {
	a, b := rotKey(t, 1), rotKey(t, 2)
	f := kfNew(t,
		KeyEntry{Key: a, Status: StatusPrimary, Created: kfCreated},
		KeyEntry{Key: b, Status: StatusDecodeOnly, Created: kfCreated},
	)
	if bytes.Contains(f.Marshal(), []byte("demoted")) || !bytes.Contains(f.Marshal(), []byte(`"version": 2`)) {
		t.Errorf("a file without demotions marshals as\n%s\nwant version 2 without demoted", f.Marshal())
	}
	g, err := f.Promote(b.ID(), testDemoted)
	if err != nil {
		t.Fatal(err)
	}
	e := g.Entries()
	want := time.Date(2026, 11, 29, 3, 4, 6, 0, time.UTC)
	if !e[0].Demoted.Equal(want) || !e[1].Demoted.IsZero() {
		t.Errorf("after Promote: demoted %v and %v, want %v and zero", e[0].Demoted, e[1].Demoted, want)
	}
	m := g.Marshal()
	if !bytes.Contains(m, []byte(`"version": 2`)) || !bytes.Contains(m, []byte(`"demoted": "2026-11-29T03:04:06Z"`)) {
		t.Errorf("after Promote, Marshal =\n%s\nwant version 2 with the demotion time", m)
	}
	back, err := ParseKeyFile(m)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Entries()[0].Demoted.Equal(want) {
		t.Errorf("parsed demotion %v, want %v", back.Entries()[0].Demoted, want)
	}
	// Promoting the old key back clears its demotion and records the other's.
	h, err := g.Promote(a.ID(), testDemoted.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if e := h.Entries(); !e[0].Demoted.IsZero() || e[1].Demoted.IsZero() {
		t.Errorf("after promoting back: demoted %v and %v, want zero and set", e[0].Demoted, e[1].Demoted)
	}
	if _, err := f.Promote(b.ID(), time.Time{}); err == nil {
		t.Error("Promote without a time succeeded")
	}
	if _, err := NewKeyFile(KeyEntry{Key: a, Status: StatusPrimary, Created: kfCreated, Demoted: testDemoted}); err == nil ||
		!strings.Contains(err.Error(), "the primary has a demotion time") {
		t.Errorf("NewKeyFile with a demoted primary: err = %v", err)
	}

	demoted := func(k Key, status, when string) string {
		return fmt.Sprintf(`{"id": %q, "status": %q, "created": "2026-11-28T01:00:00Z", "demoted": %q, "secret": %q}`, k.ID(), status, when, k.ExportSecret())
	}
	for _, tc := range []struct{ name, in, wantErr string }{
		{"demoted in version 1", kfJSON(kfMember(a, "primary"), demoted(b, "decode-only", "2026-11-29T00:00:00Z")), "demoted is a field of version 2"},
		{"demoted primary", `{"version": 2, "keys": [` + demoted(a, "primary", "2026-11-29T00:00:00Z") + `]}`, "the primary has a demotion time"},
		{"bad time", `{"version": 2, "keys": [` + kfMember(a, "primary") + ", " + demoted(b, "decode-only", "yesterday") + `]}`, "demoted is not an RFC 3339 time"},
	} {
		if _, err := ParseKeyFile([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: ParseKeyFile err = %v, want %q", tc.name, err, tc.wantErr)
		}
	}
	// Version 2 without any demotion is read too.
	if _, err := ParseKeyFile([]byte(`{"version": 2, "keys": [` + kfMember(a, "primary") + `]}`)); err != nil {
		t.Errorf("version 2 without demotions: %v", err)
	}
}

// TestLoadKeyFileVersion1 checks that the decode-only keys of a version 1
// file, which may have been the primary until the file was last written,
// count as demoted at its modification time, and that the primary does not.
func TestLoadKeyFileVersion1(t *testing.T) {
	a, b := rotKey(t, 1), rotKey(t, 2)
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(path, []byte(kfJSON(kfMember(a, "primary"), kfMember(b, "decode-only"))), 0o600); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	f, err := LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e := f.Entries()
	if !e[0].Demoted.IsZero() || !e[1].Demoted.Equal(mtime) {
		t.Errorf("version 1 file: demoted %v and %v, want zero and %v", e[0].Demoted, e[1].Demoted, mtime)
	}
}

// helperEnv tells the test binary, run again by
// TestUpdateKeyFileConcurrent, to add keys to a key file and exit.
const helperEnv = "COOKIECODEC_TEST_ADD_KEYS"

// TestUpdateKeyFileConcurrent runs eight processes that each add keys to
// one key file through UpdateKeyFile at the same time, and checks that
// every key they reported added is in the file.
func TestUpdateKeyFileConcurrent(t *testing.T) {
	if spec := os.Getenv(helperEnv); spec != "" {
		addKeysHelper(t, spec)
		return
	}
	if testing.Short() {
		t.Skip("runs processes")
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	f := kfNew(t, KeyEntry{Key: GenerateKey(), Status: StatusPrimary, Created: kfCreated})
	if err := CreateKeyFile(path, f); err != nil {
		t.Fatal(err)
	}
	const procs, each = 8, 5
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		outs []string
	)
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestUpdateKeyFileConcurrent$")
			cmd.Env = append(os.Environ(), helperEnv+"="+strconv.Itoa(each)+":"+path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("helper: %v\n%s", err, out)
			}
			mu.Lock()
			outs = append(outs, string(out))
			mu.Unlock()
		}()
	}
	wg.Wait()
	g, err := LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range g.Entries() {
		have[e.Key.ID().String()] = true
	}
	added := 0
	for _, out := range outs {
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "added "); ok {
				added++
				if !have[id] {
					t.Errorf("key %s was reported added but is not in the file", id)
				}
			}
		}
	}
	if added != procs*each || len(have) != 1+procs*each {
		t.Errorf("%d keys reported added, file has %d keys; want %d and %d", added, len(have), procs*each, 1+procs*each)
	}
}

func addKeysHelper(t *testing.T, spec string) {
	n, path, _ := strings.Cut(spec, ":")
	count, _ := strconv.Atoi(n)
	for range count {
		k := GenerateKey()
		_, err := UpdateKeyFile(path, func(f *KeyFile) (*KeyFile, error) { return f.Add(k, time.Now()) })
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("added %s\n", k.ID())
	}
}

func TestUpdateKeyFileError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	f := kfNew(t, KeyEntry{Key: GenerateKey(), Status: StatusPrimary, Created: kfCreated})
	if err := CreateKeyFile(path, f); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	boom := errors.New("boom")
	if _, err := UpdateKeyFile(path, func(*KeyFile) (*KeyFile, error) { return nil, boom }); err != boom {
		t.Errorf("UpdateKeyFile err = %v, want the update's error", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a failed update changed the file")
	}
	if _, err := UpdateKeyFile(filepath.Join(t.TempDir(), "none.json"), func(f *KeyFile) (*KeyFile, error) { return f, nil }); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("UpdateKeyFile of a missing file: err = %v, want fs.ErrNotExist", err)
	}
}
