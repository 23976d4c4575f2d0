package gorilla

//go:generate sh -c "cd ../interop && go run ./cmd/gorillagen ../gorilla/testdata/cookies"

import (
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/google/go-cmp/cmp"
)

// A golden is one case of testdata/cookies, made by the real
// gorilla/securecookie and gorilla/sessions (see interop/cmd/gorillagen).
type golden struct {
	name       string
	Comment    string      `json:"comment"`
	CookieName string      `json:"cookie_name"`
	Keys       [][2]string `json:"keys"`
	Serializer string      `json:"serializer"`
	MaxAge     int64       `json:"max_age"`
	Now        int64       `json:"now"`
	Cookie     string      `json:"cookie"`
	Error      string      `json:"error"`
}

func loadGoldens(t testing.TB) []golden {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "cookies", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	var gs []golden
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		g := golden{name: strings.TrimSuffix(filepath.Base(f), ".json")}
		if err := json.Unmarshal(b, &g); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		gs = append(gs, g)
	}
	if len(gs) == 0 {
		t.Fatal("no golden cookies in testdata/cookies: run go generate")
	}
	return gs
}

func (g golden) options(t testing.TB) Options {
	t.Helper()
	opts := Options{MaxAge: time.Duration(g.MaxAge) * time.Second}
	switch g.Serializer {
	case "gob":
		opts.Serializer = Gob
	case "json":
		opts.Serializer = JSON
	default:
		t.Fatalf("%s: serializer %q", g.name, g.Serializer)
	}
	for _, p := range g.Keys {
		h, err1 := hex.DecodeString(p[0])
		b, err2 := hex.DecodeString(p[1])
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		opts.Keys = append(opts.Keys, KeyPair{HashKey: h, BlockKey: b})
	}
	return opts
}

func (g golden) decoder(t testing.TB) *Decoder {
	t.Helper()
	d, err := New(g.options(t))
	if err != nil {
		t.Fatal(err)
	}
	d.now = func() time.Time { return time.Unix(g.Now, 0) }
	return d
}

// wantValues is gorillagen's values() as Decode converts them.
var wantValues = cookiecodec.Session{
	"user":    "Harry",
	"id":      int64(42),
	"admin":   true,
	"ratio":   0.25,
	"raw":     []byte{0, 1, 2, 0xff},
	"login":   time.Date(2026, 11, 30, 7, 15, 0, 123456789, time.UTC),
	"roles":   []any{"staff", int64(7), false},
	"profile": map[string]any{"lang": "en", "tz": map[string]any{"offset": int64(-5)}},
	"_flash":  []any{"Welcome back"},
	"empty":   "",
	"nothing": nil,
}

// wantJSON is gorillagen's jsonValues() as Decode converts them.
var wantJSON = cookiecodec.Session{
	"user":    "Harry",
	"id":      int64(42),
	"admin":   true,
	"ratio":   0.25,
	"roles":   []any{"staff", int64(7), false},
	"profile": map[string]any{"lang": "en", "tz": map[string]any{"offset": int64(-5)}},
	"nothing": nil,
	"big":     uint64(math.MaxUint64),
}

// goldenWant holds what each golden that decodes decodes to, and the
// error text of some that do not.
var goldenWant = map[string]struct {
	session cookiecodec.Session
	stale   bool
	err     string
}{
	"sessions_gob":             {session: wantValues},
	"sessions_gob_aes128":      {session: wantValues},
	"sessions_gob_aes256":      {session: wantValues},
	"sessions_rotated":         {session: wantValues, stale: true},
	"json":                     {session: wantJSON},
	"json_aes192":              {session: wantJSON},
	"gob_string_map":           {session: cookiecodec.Session{"user": "Harry", "id": int64(42)}},
	"gob_int_key":              {err: "the session has a key of type int; a session's keys are strings"},
	"gob_struct":               {err: `the value at "user" has type gorilla.User, which a session cannot hold`},
	"sessions_wrong_key":       {err: "MAC does not match"},
	"sessions_wrong_block_key": {err: "gob body"},
	"sessions_expired":         {err: "expired timestamp: 1s ago (max age 1h0m0s)"},
}

// User has the name and shape of the struct gorillagen stores, so that
// gob decodes it to a type that a session cannot hold.
type User struct{ Name string }

func TestGoldenCookies(t *testing.T) {
	registerTestUser()
	for _, g := range loadGoldens(t) {
		t.Run(g.name, func(t *testing.T) {
			want, ok := goldenWant[g.name]
			if !ok {
				t.Fatalf("no expectation for golden %s", g.name)
			}
			d := g.decoder(t)
			s, info, err := d.Decode(g.CookieName, g.Cookie)
			switch g.Error {
			case "":
				if err != nil {
					t.Fatalf("Decode(%q) err = %v", g.Cookie, err)
				}
				if diff := cmp.Diff(want.session, s); diff != "" {
					t.Errorf("Decode(%q) session (-want +got):\n%s", g.Cookie, diff)
				}
				if !info.IssuedAt.Equal(time.Unix(g.Now, 0)) || info.IssuedAt.Location() != time.UTC {
					t.Errorf("Info.IssuedAt = %v, want %v in UTC", info.IssuedAt, time.Unix(g.Now, 0))
				}
				if info.Stale != want.stale {
					t.Errorf("Info.Stale = %v, want %v", info.Stale, want.stale)
				}
				if info.Encrypted != (g.Keys[len(g.Keys)-1][1] != "") {
					t.Errorf("Info.Encrypted = %v for keys %v", info.Encrypted, g.Keys)
				}
				wantID := d.KeyIDs()[0]
				if want.stale {
					wantID = d.KeyIDs()[1]
				}
				if info.KeyID != wantID {
					t.Errorf("Info.KeyID = %v, want %v", info.KeyID, wantID)
				}
				// What decodes re-encodes natively.
				if _, err := cookiecodec.MarshalSession(s); err != nil {
					t.Errorf("MarshalSession(Decode(%q)) err = %v", g.Cookie, err)
				}
			case "invalid", "expired":
				sentinel := cookiecodec.ErrInvalid
				if g.Error == "expired" {
					sentinel = cookiecodec.ErrExpired
				}
				if s != nil || !errors.Is(err, sentinel) {
					t.Fatalf("Decode(%q) = %v, %v; want nil, %v", g.Cookie, s, err, sentinel)
				}
				if !strings.Contains(err.Error(), want.err) {
					t.Errorf("Decode(%q) err = %v, want it to say %q", g.Cookie, err, want.err)
				}
			default:
				t.Fatalf("error %q", g.Error)
			}
		})
	}
}

// registerTestUser registers User under the name gorillagen's type has, so
// that gob decodes the gob_struct golden to a struct.
var registerTestUser = sync.OnceFunc(func() { gob.RegisterName("main.User", User{}) })
