package cookiecodec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rlFile returns a key file whose first key is the primary.
func rlFile(tb testing.TB, primary Key, others ...Key) *KeyFile {
	tb.Helper()
	entries := []KeyEntry{{Key: primary, Status: StatusPrimary, Created: kfCreated}}
	for _, k := range others {
		entries = append(entries, KeyEntry{Key: k, Status: StatusDecodeOnly, Created: kfCreated})
	}
	return kfNew(tb, entries...)
}

func rlSave(tb testing.TB, path string, f *KeyFile) {
	tb.Helper()
	if err := SaveKeyFile(path, f); err != nil {
		tb.Fatal(err)
	}
}

func rlSource(tb testing.TB, path string, opts FileKeySourceOptions) *FileKeySource {
	tb.Helper()
	s, err := NewFileKeySource(path, opts)
	if err != nil {
		tb.Fatalf("NewFileKeySource: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// TestFileKeySourceReload drives a source through file changes with
// explicit reloads, one step after the other.
func TestFileKeySourceReload(t *testing.T) {
	a, b, c := rotKey(t, 1), rotKey(t, 2), rotKey(t, 3)
	path := filepath.Join(t.TempDir(), "keys.json")
	rlSave(t, path, rlFile(t, a))
	var reloads []*Keyring
	s := rlSource(t, path, FileKeySourceOptions{
		Interval: -1,
		OnReload: func(r *Keyring) { reloads = append(reloads, r) },
		OnError:  func(err error) { t.Errorf("OnError(%v) called for an explicit Reload", err) },
	})
	first := s.Keyring()
	for _, tc := range []struct {
		name       string
		change     func(t *testing.T)
		want       []KeyID
		wantErr    string
		wantIs     error
		wantReload bool
	}{
		{"unchanged", func(t *testing.T) {}, idsOf(a), "", nil, false},
		{"new key added", func(t *testing.T) { rlSave(t, path, rlFile(t, a, b)) }, idsOf(a, b), "", nil, true},
		{"same content rewritten", func(t *testing.T) { rlSave(t, path, rlFile(t, a, b)) }, idsOf(a, b), "", nil, false},
		{"promoted", func(t *testing.T) { rlSave(t, path, rlFile(t, b, a)) }, idsOf(b, a), "", nil, true},
		{"broken file keeps the keyring", func(t *testing.T) {
			if err := os.WriteFile(path, []byte(kfJSON()), 0o600); err != nil {
				t.Fatal(err)
			}
		}, idsOf(b, a), "key file " + path + ": no keys", nil, false},
		{"truncated file keeps the keyring", func(t *testing.T) {
			if err := os.WriteFile(path, rlFile(t, c).Marshal()[:50], 0o600); err != nil {
				t.Fatal(err)
			}
		}, idsOf(b, a), "invalid JSON: unexpected end", nil, false},
		{"fixed file", func(t *testing.T) { rlSave(t, path, rlFile(t, b)) }, idsOf(b), "", nil, true},
		{"removed file keeps the keyring", func(t *testing.T) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, idsOf(b), "no such file", fs.ErrNotExist, false},
		{"file back", func(t *testing.T) { rlSave(t, path, rlFile(t, c, b)) }, idsOf(c, b), "", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			n := len(reloads)
			err := s.Reload()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || (tc.wantIs != nil && !errors.Is(err, tc.wantIs)) {
					t.Fatalf("Reload err = %v, want one containing %q", err, tc.wantErr)
				}
				if s.Err() != err {
					t.Errorf("Err() = %v, want %v", s.Err(), err)
				}
			} else {
				if err != nil {
					t.Fatalf("Reload err = %v", err)
				}
				if s.Err() != nil {
					t.Errorf("Err() = %v after a good reload", s.Err())
				}
			}
			if ids := rotIDs(s.Keyring()); !slices.Equal(ids, tc.want) {
				t.Errorf("Keyring() = %v, want %v", ids, tc.want)
			}
			if got := len(reloads) > n; got != tc.wantReload {
				t.Errorf("OnReload called: %v, want %v", got, tc.wantReload)
			}
			if tc.wantReload && reloads[len(reloads)-1] != s.Keyring() {
				t.Error("OnReload got another keyring than Keyring() returns")
			}
		})
	}
	if ids := rotIDs(first); !slices.Equal(ids, idsOf(a)) {
		t.Errorf("a reload changed the first keyring: %v", ids)
	}
}

// TestFileKeySourcePoll runs the polling step directly: it reads the file
// only when its identity changed, and reports each distinct failure once.
func TestFileKeySourcePoll(t *testing.T) {
	a, b, c := rotKey(t, 1), rotKey(t, 2), rotKey(t, 3)
	path := filepath.Join(t.TempDir(), "keys.json")
	rlSave(t, path, rlFile(t, a))
	var errs []error
	reloads := 0
	s := rlSource(t, path, FileKeySourceOptions{
		Interval: -1,
		OnReload: func(*Keyring) { reloads++ },
		OnError:  func(err error) { errs = append(errs, err) },
	})
	step := func(name string, change func(), want []KeyID, wantErrs, wantReloads int) {
		t.Helper()
		change()
		for range 3 {
			s.check()
		}
		if ids := rotIDs(s.Keyring()); !slices.Equal(ids, want) {
			t.Errorf("%s: Keyring() = %v, want %v", name, ids, want)
		}
		if len(errs) != wantErrs || reloads != wantReloads {
			t.Errorf("%s: %d errors %v and %d reloads, want %d and %d", name, len(errs), errs, reloads, wantErrs, wantReloads)
		}
	}
	write := func(data []byte) func() {
		return func() {
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	step("unchanged", func() {}, idsOf(a), 0, 0)
	step("replaced", func() { rlSave(t, path, rlFile(t, a, b)) }, idsOf(a, b), 0, 1)
	step("broken", write([]byte("{")), idsOf(a, b), 1, 1)
	step("broken differently", write([]byte("[]")), idsOf(a, b), 2, 1)
	step("removed", func() { os.Remove(path) }, idsOf(a, b), 3, 1)
	if !errors.Is(errs[2], fs.ErrNotExist) {
		t.Errorf("error for a removed file = %v, want %v", errs[2], fs.ErrNotExist)
	}
	step("back with the same keys", func() { rlSave(t, path, rlFile(t, a, b)) }, idsOf(a, b), 3, 1)
	if s.Err() != nil {
		t.Errorf("Err() = %v after the file came back", s.Err())
	}
	step("broken again", write([]byte("{")), idsOf(a, b), 4, 1)

	// An edit in place that keeps the size and the modification time goes
	// unnoticed by polling; Reload reads the content whatever the metadata.
	step("fixed", func() { rlSave(t, path, rlFile(t, b)) }, idsOf(b), 4, 2)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	step("edited in place, metadata kept", func() {
		write(rlFile(t, c).Marshal())()
		if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}, idsOf(b), 4, 2)
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if ids := rotIDs(s.Keyring()); !slices.Equal(ids, idsOf(c)) {
		t.Errorf("after Reload: Keyring() = %v, want %v", ids, idsOf(c))
	}
}

// TestFileKeySourceKubernetes follows a key file mounted the way the
// kubelet mounts a secret volume, and updated the way it updates one.
func TestFileKeySourceKubernetes(t *testing.T) {
	a, b := rotKey(t, 1), rotKey(t, 2)
	dir := t.TempDir()
	mount := func(i int, f *KeyFile, data []byte) string {
		t.Helper()
		ts := fmt.Sprintf("..2026_11_28_01_%02d_00.%d", i, 123+i)
		if err := os.Mkdir(filepath.Join(dir, ts), 0o755); err != nil {
			t.Fatal(err)
		}
		if f != nil {
			data = f.Marshal()
		}
		if err := os.WriteFile(filepath.Join(dir, ts, "keys.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return ts
	}
	// swap points ..data at ts the kubelet's way: a new link, renamed over.
	swap := func(ts string) {
		t.Helper()
		if err := os.Symlink(ts, filepath.Join(dir, "..data_tmp")); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
			t.Fatal(err)
		}
	}
	first := mount(0, rlFile(t, a), nil)
	if err := os.Symlink(first, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("..data", "keys.json"), filepath.Join(dir, "keys.json")); err != nil {
		t.Fatal(err)
	}

	reloaded := make(chan *Keyring, 10)
	failed := make(chan error, 10)
	s := rlSource(t, filepath.Join(dir, "keys.json"), FileKeySourceOptions{
		Interval: time.Millisecond,
		OnReload: func(r *Keyring) { reloaded <- r },
		OnError:  func(err error) { failed <- err },
	})
	wait := func(what string) {
		t.Helper()
		select {
		case r := <-reloaded:
			t.Logf("%s: reloaded %v", what, r)
		case err := <-failed:
			t.Logf("%s: failed: %v", what, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no reload and no error within 10s", what)
		}
	}
	if ids := rotIDs(s.Keyring()); !slices.Equal(ids, idsOf(a)) {
		t.Fatalf("Keyring() = %v, want %v", ids, idsOf(a))
	}

	// Step 1: the new key, added in a new directory.
	second := mount(1, rlFile(t, a, b), nil)
	if ids := rotIDs(s.Keyring()); !slices.Equal(ids, idsOf(a)) {
		t.Errorf("before the swap: Keyring() = %v, want %v", ids, idsOf(a))
	}
	swap(second)
	wait("step 1")
	if err := os.RemoveAll(filepath.Join(dir, first)); err != nil {
		t.Fatal(err)
	}
	if ids := rotIDs(s.Keyring()); !slices.Equal(ids, idsOf(a, b)) {
		t.Errorf("after step 1: Keyring() = %v, want %v", ids, idsOf(a, b))
	}

	// A broken update keeps the keyring and reports the error.
	third := mount(2, nil, []byte(`{"version": 1, "keys": []}`))
	swap(third)
	wait("broken update")
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "no keys") {
		t.Errorf("after a broken update: Err() = %v, want one containing %q", err, "no keys")
	}
	if ids := rotIDs(s.Keyring()); !slices.Equal(ids, idsOf(a, b)) {
		t.Errorf("after a broken update: Keyring() = %v, want %v", ids, idsOf(a, b))
	}

	// Step 2: promotion.
	fourth := mount(3, rlFile(t, b, a), nil)
	swap(fourth)
	for !slices.Equal(rotIDs(s.Keyring()), idsOf(b, a)) {
		wait("step 2")
	}
	if err := os.RemoveAll(filepath.Join(dir, second)); err != nil {
		t.Fatal(err)
	}
	if err := s.Err(); err != nil {
		t.Errorf("after step 2: Err() = %v", err)
	}
	if err := s.Reload(); err != nil || !slices.Equal(rotIDs(s.Keyring()), idsOf(b, a)) {
		t.Errorf("Reload after step 2 = %v, keyring %v", err, s.Keyring())
	}
}

func TestNewFileKeySourceErrors(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, wantErr string
	}{
		{"missing", filepath.Join(dir, "missing.json"), "no such file"},
		{"broken", broken, "key file " + broken + ": the file has no field"},
		{"directory", dir, "is not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewFileKeySource(tc.path, FileKeySourceOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("NewFileKeySource err = %v, want one containing %q", err, tc.wantErr)
			}
			if s != nil {
				t.Errorf("NewFileKeySource returned a source with an error")
			}
		})
	}
}

// TestFileKeySourceClose checks that Close stops the polling goroutine and
// waits for it: the goroutine closes done as it returns. Counting goroutines
// instead would race with those other tests leave behind as they exit.
func TestFileKeySourceClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	rlSave(t, path, rlFile(t, rotKey(t, 1)))
	var sources []*FileKeySource
	for range 20 {
		s, err := NewFileKeySource(path, FileKeySourceOptions{Interval: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, s)
	}
	for _, s := range sources {
		select {
		case <-s.done:
			t.Fatal("polling goroutine exited before Close")
		default:
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		select {
		case <-s.done:
		default:
			t.Error("Close returned before the polling goroutine exited")
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if s.Keyring() == nil {
			t.Error("Keyring() = nil after Close")
		}
	}
	s := rlSource(t, path, FileKeySourceOptions{Interval: -1})
	if s.done != nil {
		t.Error("a source that does not poll started a polling goroutine")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close of a source that does not poll: %v", err)
	}
}

// TestFileKeySourceConcurrent seals and opens from many goroutines while
// the source swaps keyrings, by polling and by Reload. Every keyring holds
// both keys that ever seal, so every open must succeed.
func TestFileKeySourceConcurrent(t *testing.T) {
	k0, k1, k2 := rotKey(t, 1), rotKey(t, 2), rotKey(t, 3)
	files := []*KeyFile{
		rlFile(t, k0, k1),
		rlFile(t, k1, k0),
		rlFile(t, k0, k2, k1),
		rlFile(t, k1, k0, k2),
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	rlSave(t, path, files[0])
	var swaps atomic.Int64
	s := rlSource(t, path, FileKeySourceOptions{
		Interval: time.Millisecond,
		OnReload: func(*Keyring) { swaps.Add(1) },
		OnError:  func(err error) { t.Errorf("OnError: %v", err) },
	})
	var codecs []*Codec
	for _, opts := range []Options{{}, {Encrypt: true}} {
		c, err := New(s, opts)
		if err != nil {
			t.Fatal(err)
		}
		codecs = append(codecs, c)
	}
	// Cookies sealed before the swaps start, by each key that seals.
	var old []string
	for _, k := range []Key{k0, k1} {
		c, err := New(rotRing(t, k), Options{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := c.Seal("session", []byte("old"))
		if err != nil {
			t.Fatal(err)
		}
		old = append(old, v)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var opens, failures atomic.Int64
	for g := range 4 {
		wg.Go(func() {
			c := codecs[g%len(codecs)]
			payload := fmt.Appendf(nil, "goroutine %d", g)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				v, err := c.Seal("session", payload)
				if err != nil {
					t.Errorf("Seal: %v", err)
					failures.Add(1)
					return
				}
				if p, _, err := c.Open("session", v); err != nil || string(p) != string(payload) {
					t.Errorf("Open of a fresh cookie = %q, %v", p, err)
					failures.Add(1)
				}
				if g%len(codecs) == 0 {
					if p, _, err := c.Open("session", old[i%len(old)]); err != nil || string(p) != "old" {
						t.Errorf("Open of an old cookie = %q, %v", p, err)
						failures.Add(1)
					}
				}
				opens.Add(1)
			}
		})
	}
	for i := range 40 {
		rlSave(t, path, files[(i+1)%len(files)])
		if i%2 == 0 {
			if err := s.Reload(); err != nil {
				t.Errorf("Reload: %v", err)
			}
		}
	}
	close(stop)
	wg.Wait()
	if failures.Load() != 0 || swaps.Load() < 20 {
		t.Errorf("%d failed of %d seal-and-opens, %d keyring swaps (want 0 failures, at least 20 swaps)", failures.Load(), opens.Load(), swaps.Load())
	}
	t.Logf("%d seal-and-opens during %d keyring swaps", opens.Load(), swaps.Load())
}
