package cookiecodec

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// rotKey returns a key whose secret is 32 copies of seed.
func rotKey(tb testing.TB, seed byte) Key {
	tb.Helper()
	k, err := NewKey(bytes.Repeat([]byte{seed}, 32))
	if err != nil {
		tb.Fatalf("NewKey: %v", err)
	}
	return k
}

func rotRing(tb testing.TB, primary Key, others ...Key) *Keyring {
	tb.Helper()
	r, err := NewKeyring(primary, others...)
	if err != nil {
		tb.Fatalf("NewKeyring: %v", err)
	}
	return r
}

// rotIDs lists the ids of r, the primary first.
func rotIDs(r *Keyring) []KeyID {
	ids := []KeyID{r.Primary().ID()}
	for _, k := range r.DecodeOnly() {
		ids = append(ids, k.ID())
	}
	return ids
}

func idsOf(keys ...Key) []KeyID {
	ids := make([]KeyID, len(keys))
	for i, k := range keys {
		ids[i] = k.ID()
	}
	return ids
}

func TestKeyringLifecycle(t *testing.T) {
	a, b, c, d := rotKey(t, 1), rotKey(t, 2), rotKey(t, 3), rotKey(t, 4)
	ring := rotRing(t, a, b, c)
	for _, tc := range []struct {
		name    string
		step    func(*Keyring) (*Keyring, error)
		want    []KeyID // primary first; nil when the step is refused
		wantErr string
		wantIs  error
	}{
		{"add", func(r *Keyring) (*Keyring, error) { return r.Add(d) }, idsOf(a, b, c, d), "", nil},
		{"add the primary again", func(r *Keyring) (*Keyring, error) { return r.Add(a) }, nil, "duplicate key id " + a.ID().String(), ErrDuplicateKeyID},
		{"add a decode-only key again", func(r *Keyring) (*Keyring, error) { return r.Add(c) }, nil, "duplicate key id " + c.ID().String(), ErrDuplicateKeyID},
		{"add the zero key", func(r *Keyring) (*Keyring, error) { return r.Add(Key{}) }, nil, "zero Key", nil},
		{"promote", func(r *Keyring) (*Keyring, error) { return r.Promote(c.ID()) }, idsOf(c, b, a), "", nil},
		{"promote the first decode-only key", func(r *Keyring) (*Keyring, error) { return r.Promote(b.ID()) }, idsOf(b, a, c), "", nil},
		{"promote the primary", func(r *Keyring) (*Keyring, error) { return r.Promote(a.ID()) }, nil, "key " + a.ID().String() + " is already the primary", nil},
		{"promote an unknown id", func(r *Keyring) (*Keyring, error) { return r.Promote(d.ID()) }, nil, "no key with id " + d.ID().String(), nil},
		{"remove", func(r *Keyring) (*Keyring, error) { return r.Remove(b.ID()) }, idsOf(a, c), "", nil},
		{"remove the last decode-only key", func(r *Keyring) (*Keyring, error) { return r.Remove(c.ID()) }, idsOf(a, b), "", nil},
		{"remove the primary", func(r *Keyring) (*Keyring, error) { return r.Remove(a.ID()) }, nil, "is the primary and cannot be removed", nil},
		{"remove an unknown id", func(r *Keyring) (*Keyring, error) { return r.Remove(d.ID()) }, nil, "no key with id " + d.ID().String(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.step(ring)
			if tc.want == nil {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
					t.Errorf("err = %v, want one wrapping %v", err, tc.wantIs)
				}
				if got != nil {
					t.Errorf("refused step returned keyring %v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if ids := rotIDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("keyring = %v, want ids %v", ids, tc.want)
			}
			for _, id := range tc.want {
				if k, ok := got.Lookup(id); !ok || k.ID() != id {
					t.Errorf("Lookup(%s) = %v, %v", id, k, ok)
				}
			}
			if got.Len() != len(tc.want) {
				t.Errorf("Len() = %d, want %d", got.Len(), len(tc.want))
			}
			if ids := rotIDs(ring); !slices.Equal(ids, idsOf(a, b, c)) {
				t.Errorf("the step changed its receiver: %v", ids)
			}
		})
	}
}

// TestKeyringLifecycleTokens follows tokens through the three steps of the
// rotation procedure on one codec's keyring.
func TestKeyringLifecycleTokens(t *testing.T) {
	old, next := rotKey(t, 1), rotKey(t, 2)
	now := time.Unix(1_800_000_000, 0)
	codecOf := func(r *Keyring) *Codec {
		c, err := New(r, Options{})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		c.now = func() time.Time { return now }
		return c
	}
	seal := func(c *Codec) string {
		v, err := c.Seal("session", []byte("payload"))
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		return v
	}

	r0 := rotRing(t, old)
	r1, err := r0.Add(next)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := r1.Promote(next.ID())
	if err != nil {
		t.Fatal(err)
	}
	r3, err := r2.Remove(old.ID())
	if err != nil {
		t.Fatal(err)
	}
	byOld, byNext := seal(codecOf(r1)), seal(codecOf(r2))

	for _, tc := range []struct {
		name      string
		ring      *Keyring
		value     string
		wantErr   error
		wantKey   KeyID
		wantStale bool
	}{
		{"added key opens old tokens", r1, byOld, nil, old.ID(), false},
		{"added key opens new tokens", r1, byNext, nil, next.ID(), true},
		{"promoted ring opens new tokens", r2, byNext, nil, next.ID(), false},
		{"promoted ring opens old tokens as stale", r2, byOld, nil, old.ID(), true},
		{"removed key no longer opens", r3, byOld, ErrInvalid, 0, false},
		{"ring after removal opens new tokens", r3, byNext, nil, next.ID(), false},
		{"ring before rollout rejects new tokens", r0, byNext, ErrInvalid, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, info, err := codecOf(tc.ring).Open("session", tc.value)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), "unknown key") {
					t.Fatalf("Open err = %v, want %v for an unknown key", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(p) != "payload" {
				t.Fatalf("Open = %q, %v", p, err)
			}
			if info.KeyID != tc.wantKey || info.Stale != tc.wantStale {
				t.Errorf("Info = key %s stale %v, want key %s stale %v", info.KeyID, info.Stale, tc.wantKey, tc.wantStale)
			}
		})
	}
}

func TestParseKeyring(t *testing.T) {
	a, b, c := rotKey(t, 1), rotKey(t, 2), rotKey(t, 3)
	sa, sb, sc := a.ExportSecret(), b.ExportSecret(), c.ExportSecret()
	short := strings.Repeat("A", 22) // 16 bytes
	for _, tc := range []struct {
		name    string
		in      string
		want    []KeyID
		wantErr string
	}{
		{"one key", sa, idsOf(a), ""},
		{"three keys", sa + "," + sb + "," + sc, idsOf(a, b, c), ""},
		{"spaces and a final newline", " " + sb + " ,\t" + sa + "\n", idsOf(b, a), ""},
		{"CR LF around keys", "\r\n" + sa + "\r\n,\r\n" + sb + "\r\n", idsOf(a, b), ""},
		{"space within a key", sa[:20] + " " + sa[20:], nil, "key 1 of 1: key is not unpadded base64url text"},
		{"vertical tab", sa + "\v", nil, "key 1 of 1: key is not unpadded base64url text"},
		{"form feed", "\f" + sa, nil, "key 1 of 1: key is not unpadded base64url text"},
		{"no-break space", sa + "\u00a0", nil, "key 1 of 1: key is not unpadded base64url text"},
		{"next line", sa + "," + sb + "\u0085", nil, "key 2 of 2: key is not unpadded base64url text"},
		{"empty", "", nil, "key list: no keys"},
		{"blanks", "  \n", nil, "key list: no keys"},
		{"empty element", sa + ",," + sb, nil, "key 2 of 3 is empty"},
		{"trailing comma", sa + ",", nil, "key 2 of 2 is empty"},
		{"not base64url", sa + "," + strings.Replace(sb, sb[:1], "+", 1), nil, "key 2 of 2: key is not unpadded base64url text"},
		{"padded", sa + "=", nil, "key 1 of 1: key is not unpadded base64url text"},
		{"short key", sa + "," + short, nil, "key 2 of 2: key is 16 bytes, want at least 32"},
		{"duplicate", sa + "," + sb + "," + sa, nil, "key list: key 3 of 3: duplicate key id " + a.ID().String() + ", also key 1"},
		{"too long", strings.Repeat(sa+",", 2000), nil, "more than the 65536 allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseKeyring(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseKeyring err = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(tc.wantErr, "duplicate") != errors.Is(err, ErrDuplicateKeyID) {
					t.Errorf("errors.Is(%v, ErrDuplicateKeyID) = %v", err, !strings.Contains(tc.wantErr, "duplicate"))
				}
				for _, s := range []string{sa, sb, sc, short, sb[1:]} {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q contains key text", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKeyring err = %v", err)
			}
			if ids := rotIDs(r); !slices.Equal(ids, tc.want) {
				t.Errorf("keyring = %v, want %v", ids, tc.want)
			}
		})
	}
}

// TestRollingRotation runs the rotation procedure across a fleet of
// servers, each with its own key file, updated one after the other in a
// different order at each step, while clients carry their cookies from
// one server to the next. No cookie younger than MaxAge may be rejected at
// any point, stale cookies must move to the new key, and once the old key
// is removed its cookies must be rejected.
func TestRollingRotation(t *testing.T) {
	const (
		nServers = 4
		nClients = 24
		maxAge   = time.Hour
		tick     = 5 * time.Minute // clock advance per round of requests
		name     = "session"
	)
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	k0, k1 := rotKey(t, 10), rotKey(t, 11)

	type server struct {
		path  string
		src   *FileKeySource
		codec *Codec
	}
	type client struct {
		cookie  string
		issued  time.Time
		payload []byte
	}

	f0, err := NewKeyFile(KeyEntry{Key: k0, Status: StatusPrimary, Created: now})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	servers := make([]*server, nServers)
	for i := range servers {
		s := &server{path: filepath.Join(dir, fmt.Sprintf("server%d.json", i))}
		if err := CreateKeyFile(s.path, f0); err != nil {
			t.Fatal(err)
		}
		if s.src, err = NewFileKeySource(s.path, FileKeySourceOptions{Interval: -1}); err != nil {
			t.Fatal(err)
		}
		if s.codec, err = New(s.src, Options{MaxAge: maxAge, Encrypt: true}); err != nil {
			t.Fatal(err)
		}
		s.codec.now = clock
		servers[i] = s
	}
	deploy := func(i int, f *KeyFile) {
		t.Helper()
		if err := SaveKeyFile(servers[i].path, f); err != nil {
			t.Fatal(err)
		}
		if err := servers[i].src.Reload(); err != nil {
			t.Fatal(err)
		}
	}

	var logins, reissued, rejected int
	clients := make([]*client, nClients)
	login := func(s *server, c *client) {
		t.Helper()
		v, err := s.codec.Seal(name, c.payload)
		if err != nil {
			t.Fatal(err)
		}
		c.cookie, c.issued = v, now
	}
	for i := range clients {
		clients[i] = &client{payload: fmt.Appendf(nil, "user %d", i)}
		login(servers[i%nServers], clients[i])
	}

	// checkAll opens every client's cookie on every server.
	checkAll := func(step string) {
		t.Helper()
		for ci, c := range clients {
			for si, s := range servers {
				p, _, err := s.codec.Open(name, c.cookie)
				if err == nil && !bytes.Equal(p, c.payload) {
					t.Errorf("%s: server %d opened client %d's cookie as %q", step, si, ci, p)
				}
				if err != nil && now.Sub(c.issued) <= maxAge {
					t.Errorf("%s: server %d rejected client %d's valid cookie: %v", step, si, ci, err)
					rejected++
				}
			}
		}
	}
	// round sends each client to a server, moving on by one each round.
	round := 0
	requests := func(step string) {
		t.Helper()
		for ci, c := range clients {
			s := servers[(ci+round)%nServers]
			p, info, err := s.codec.Open(name, c.cookie)
			switch {
			case err != nil && now.Sub(c.issued) <= maxAge:
				t.Errorf("%s: request of client %d rejected: %v", step, ci, err)
				rejected++
				login(s, c)
				logins++
			case err != nil:
				login(s, c)
				logins++
			case !bytes.Equal(p, c.payload):
				t.Errorf("%s: client %d's payload = %q", step, ci, p)
			case info.Stale:
				login(s, c)
				reissued++
			}
		}
		round++
		now = now.Add(tick)
	}

	requests("start")
	f1, err := f0.Add(k1, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{2, 0, 3, 1} {
		deploy(i, f1)
		checkAll(fmt.Sprintf("step 1, server %d", i))
		requests(fmt.Sprintf("step 1, server %d", i))
	}
	if reissued != 0 {
		t.Errorf("%d cookies re-issued before the new key was promoted", reissued)
	}

	f2, err := f1.Promote(k1.ID(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{1, 3, 0, 2} {
		deploy(i, f2)
		checkAll(fmt.Sprintf("step 2, server %d", i))
		requests(fmt.Sprintf("step 2, server %d", i))
	}
	// A client who does not come back keeps a cookie of the old key.
	straggler := clients[0].cookie
	if _, info, err := servers[0].codec.Open(name, straggler); err != nil || info.KeyID != k1.ID() {
		// Every server is promoted, so the last request re-issued it.
		t.Fatalf("client 0's cookie after step 2: key %s, %v", info.KeyID, err)
	}
	oldCodec, err := New(rotRing(t, k0), Options{MaxAge: maxAge, Encrypt: true})
	if err != nil {
		t.Fatal(err)
	}
	oldCodec.now = clock
	if straggler, err = oldCodec.Seal(name, []byte("straggler")); err != nil {
		t.Fatal(err)
	}
	requests("after step 2")
	for ci, c := range clients {
		if _, info, err := servers[ci%nServers].codec.Open(name, c.cookie); err != nil || info.KeyID != k1.ID() || info.Stale {
			t.Errorf("after step 2: client %d's cookie: key %s, stale %v, %v; want key %s", ci, info.KeyID, info.Stale, err, k1.ID())
		}
	}
	if reissued == 0 {
		t.Error("no stale cookie was re-issued")
	}

	// Step 3 waits MaxAge after the promotion.
	for now.Sub(clients[0].issued) <= maxAge {
		requests("waiting for MaxAge")
	}
	f3, err := f2.Remove(k0.ID())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{3, 2, 1, 0} {
		deploy(i, f3)
		checkAll(fmt.Sprintf("step 3, server %d", i))
		requests(fmt.Sprintf("step 3, server %d", i))
	}

	fresh, err := oldCodec.Seal(name, []byte("sealed by the removed key"))
	if err != nil {
		t.Fatal(err)
	}
	for si, s := range servers {
		for _, v := range []string{straggler, fresh} {
			if _, _, err := s.codec.Open(name, v); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "unknown key "+k0.ID().String()) {
				t.Errorf("server %d opened a cookie of the removed key: err = %v, want %v", si, err, ErrInvalid)
			}
		}
	}
	if rejected != 0 {
		t.Errorf("%d valid cookies rejected", rejected)
	}
	t.Logf("%d rounds: %d cookies re-issued under the new primary, %d new logins after MaxAge", round, reissued, logins)
}

// TestRollingRotationOutOfOrder shows what the procedure prevents:
// promoting a key on one server before every server holds it makes the
// others reject the cookies it seals.
func TestRollingRotationOutOfOrder(t *testing.T) {
	k0, k1 := rotKey(t, 10), rotKey(t, 11)
	early, err := New(rotRing(t, k1, k0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	late, err := New(rotRing(t, k0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := early.Seal("session", []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := late.Open("session", v); !errors.Is(err, ErrInvalid) {
		t.Errorf("Open on a server without the new key: err = %v, want %v", err, ErrInvalid)
	}
}

func BenchmarkOpenKeyring(b *testing.B) {
	for _, n := range []int{1, 64} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			keys := make([]Key, n)
			for i := range keys {
				keys[i] = rotKey(b, byte(i+1))
			}
			c, err := New(rotRing(b, keys[0], keys[1:]...), Options{})
			if err != nil {
				b.Fatal(err)
			}
			// The token is sealed with the last key: the worst case for a
			// codec that tries keys in order.
			sealer, err := New(rotRing(b, keys[n-1]), Options{})
			if err != nil {
				b.Fatal(err)
			}
			v, err := sealer.Seal("session", bytes.Repeat([]byte("x"), 256))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(v)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.Open("session", v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
