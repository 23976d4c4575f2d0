package flask

//go:generate python3 testdata/gen.py

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// A golden is one case of testdata/cookies, written by real Flask (see
// testdata/gen.py).
type golden struct {
	name       string
	SecretKeys []string `json:"secret_keys"`
	Salt       string   `json:"salt"`
	MaxAge     int64    `json:"max_age"`
	Now        int64    `json:"now"`
	IssuedAt   int64    `json:"issued_at"`
	Cookie     string   `json:"cookie"`
	Compressed bool     `json:"compressed"`
	FlaskLoads bool     `json:"flask_loads"`
	Want       string   `json:"want"`
	Tagged     string   `json:"tagged"`
	Resigns    bool     `json:"resigns"`
	Error      string   `json:"error"`
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

func (g golden) codec(t testing.TB) *Codec {
	t.Helper()
	opts := Options{Salt: g.Salt, MaxAge: time.Duration(g.MaxAge) * time.Second}
	for _, k := range g.SecretKeys {
		b, err := hex.DecodeString(k)
		if err != nil {
			t.Fatal(err)
		}
		opts.SecretKeys = append(opts.SecretKeys, b)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return time.Unix(g.Now, 0) }
	return c
}

func TestGoldenCookies(t *testing.T) {
	for _, g := range loadGoldens(t) {
		t.Run(g.name, func(t *testing.T) {
			c := g.codec(t)
			s, info, err := c.Decode("session", g.Cookie)
			if g.Error != "" && (err == nil || !strings.Contains(err.Error(), g.Error)) {
				t.Errorf("Decode(%q) err = %v, want one that says %q", g.Cookie, err, g.Error)
			}
			switch g.Want {
			case "invalid":
				if !errors.Is(err, cookiecodec.ErrInvalid) || s != nil {
					t.Fatalf("Decode(%q) = %v, %v, want ErrInvalid", g.Cookie, s, err)
				}
				return
			case "expired":
				if !errors.Is(err, cookiecodec.ErrExpired) || s != nil {
					t.Fatalf("Decode(%q) = %v, %v, want ErrExpired", g.Cookie, s, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode(%q) err = %v", g.Cookie, err)
			}
			if !g.FlaskLoads {
				t.Fatalf("Decode(%q) accepted a cookie Flask rejects", g.Cookie)
			}
			wantInfo := cookiecodec.Info{
				KeyID:      c.keys[0].id,
				IssuedAt:   time.Unix(g.IssuedAt, 0).UTC(),
				Compressed: g.Compressed,
			}
			if g.Want == "stale" {
				wantInfo.KeyID, wantInfo.Stale = c.keys[1].id, true
			}
			if info != wantInfo {
				t.Errorf("Decode(%q) info = %+v, want %+v", g.Cookie, info, wantInfo)
			}
			tagged, err := MarshalTagged(s)
			if err != nil {
				t.Fatalf("MarshalTagged(decoded) err = %v", err)
			}
			if string(tagged) != g.Tagged {
				t.Errorf("MarshalTagged(decoded) =\n%s\nwant Flask's\n%s", tagged, g.Tagged)
			}

			again, err := c.encode(s, time.Unix(g.IssuedAt, 0))
			if err != nil {
				t.Fatalf("encode(decoded) err = %v", err)
			}
			if g.Resigns && !g.Compressed && again != g.Cookie {
				t.Errorf("encode(decoded) =\n%s\nwant Flask's\n%s", again, g.Cookie)
			}
			s2, _, err := c.Decode("session", again)
			if err != nil {
				t.Fatalf("Decode(encode(decoded)) err = %v", err)
			}
			if tagged2, _ := MarshalTagged(s2); string(tagged2) != g.Tagged {
				t.Errorf("Decode(encode(decoded)) =\n%s\nwant\n%s", tagged2, g.Tagged)
			}
		})
	}
}
