// Command gorillagen writes the golden cookies of package gorilla
// (gorilla/testdata/cookies), one case per file, made by the real
// gorilla/securecookie and gorilla/sessions. The keys are fixed; the
// timestamps are the time of the run and the IVs random, as securecookie
// offers no way to fix them, so each file records the time it was made and
// a run rewrites every cookie. Package gorilla runs it with go generate.
//
// Usage:
//
//	gorillagen DIR
package main

import (
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// A golden is one file of gorilla/testdata/cookies; package gorilla's
// golden_test.go reads the same fields.
type golden struct {
	Comment    string      `json:"comment"`
	CookieName string      `json:"cookie_name"`
	Keys       [][2]string `json:"keys"` // the decoder's pairs: hash key, block key, in hex
	Serializer string      `json:"serializer"`
	MaxAge     int64       `json:"max_age,omitempty"`
	Now        int64       `json:"now"` // the time to decode at, in Unix seconds
	Cookie     string      `json:"cookie"`
	Error      string      `json:"error,omitempty"` // "invalid" or "expired", or empty if it decodes
}

// User is a struct an application registers with gob, which a session
// cannot hold.
type User struct{ Name string }

func init() {
	gob.Register(map[string]interface{}{})
	gob.Register([]interface{}{})
	gob.Register(time.Time{})
	gob.Register(User{})
}

var (
	hash1  = []byte("hash key one: 32 bytes long ....")
	hash2  = []byte("hash key two: 32 bytes long ....")
	block1 = []byte("block key 16 B!!")
	block2 = []byte("block key of 24 bytes!!!")
	block3 = []byte("block key of thirty-two bytes!!!")
)

// values is what the value cases store: every type gorilla users keep in
// a session. golden_test.go expects it, converted.
func values() map[interface{}]interface{} {
	return map[interface{}]interface{}{
		"user":    "Harry",
		"id":      42,
		"admin":   true,
		"ratio":   0.25,
		"raw":     []byte{0, 1, 2, 0xff},
		"login":   time.Date(2026, 11, 30, 8, 15, 0, 123456789, time.FixedZone("CET", 3600)),
		"roles":   []interface{}{"staff", 7, false},
		"profile": map[string]interface{}{"lang": "en", "tz": map[string]interface{}{"offset": -5}},
		"_flash":  []interface{}{"Welcome back"},
		"empty":   "",
		"nothing": nil,
	}
}

// jsonValues is the JSON cases' value: gob's minus what JSON cannot carry.
func jsonValues() map[string]interface{} {
	return map[string]interface{}{
		"user":    "Harry",
		"id":      42,
		"admin":   true,
		"ratio":   0.25,
		"roles":   []interface{}{"staff", 7, false},
		"profile": map[string]interface{}{"lang": "en", "tz": map[string]interface{}{"offset": -5}},
		"nothing": nil,
		"big":     uint64(18446744073709551615),
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gorillagen DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gorillagen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	now := time.Now().Unix()
	pairs := func(ps ...[]byte) [][2]string {
		var out [][2]string
		for i := 0; i < len(ps); i += 2 {
			var p [2]string
			p[0] = hex.EncodeToString(ps[i])
			if i+1 < len(ps) {
				p[1] = hex.EncodeToString(ps[i+1])
			}
			out = append(out, p)
		}
		return out
	}
	type tc struct {
		file string
		g    golden
		make func() (string, error)
	}
	store := func(keyPairs ...[]byte) func() (string, error) {
		return func() (string, error) {
			return sessionsCookie(sessions.NewCookieStore(keyPairs...), "session", values())
		}
	}
	jsonCookie := func(hashKey, blockKey []byte) func() (string, error) {
		return func() (string, error) {
			return securecookie.New(hashKey, blockKey).SetSerializer(securecookie.JSONEncoder{}).Encode("session", jsonValues())
		}
	}
	cases := []tc{
		{"sessions_gob", golden{Comment: "sessions.CookieStore with a hash key only", Keys: pairs(hash1)}, store(hash1)},
		{"sessions_gob_aes128", golden{Comment: "sessions.CookieStore with a 16-byte block key", Keys: pairs(hash1, block1)}, store(hash1, block1)},
		{"sessions_gob_aes256", golden{Comment: "sessions.CookieStore with a 32-byte block key", Keys: pairs(hash1, block3)}, store(hash1, block3)},
		{"sessions_rotated", golden{Comment: "made by the second of two pairs: opens, Stale", Keys: pairs(hash2, block2, hash1, block1)}, store(hash1, block1)},
		{"sessions_wrong_key", golden{Comment: "made under another hash key", Keys: pairs(hash2), Error: "invalid"}, store(hash1)},
		{"sessions_wrong_block_key", golden{Comment: "right hash key, wrong block key: the gob does not decode", Keys: pairs(hash1, block3), Error: "invalid"}, store(hash1, block1)},
		{"sessions_expired", golden{Comment: "decoded a second past MaxAge", Keys: pairs(hash1), MaxAge: 3600, Error: "expired"}, store(hash1)},
		{"json", golden{Comment: "securecookie with JSONEncoder, hash key only", Keys: pairs(hash1), Serializer: "json"}, jsonCookie(hash1, nil)},
		{"json_aes192", golden{Comment: "securecookie with JSONEncoder and a 24-byte block key", Keys: pairs(hash1, block2), Serializer: "json"}, jsonCookie(hash1, block2)},
		{"gob_int_key", golden{Comment: "a session with an int key", Keys: pairs(hash1), Error: "invalid"}, func() (string, error) {
			return securecookie.New(hash1, nil).Encode("session", map[interface{}]interface{}{"user": "Harry", 7: "seven"})
		}},
		{"gob_struct", golden{Comment: "a session holding a registered struct", Keys: pairs(hash1), Error: "invalid"}, func() (string, error) {
			return securecookie.New(hash1, nil).Encode("session", map[interface{}]interface{}{"user": User{Name: "Harry"}})
		}},
		{"gob_string_map", golden{Comment: "securecookie.Encode of a map[string]interface{} with gob", Keys: pairs(hash1)}, func() (string, error) {
			return securecookie.New(hash1, nil).Encode("session", map[string]interface{}{"user": "Harry", "id": 42})
		}},
	}
	for _, c := range cases {
		g := c.g
		g.CookieName = "session"
		if g.Serializer == "" {
			g.Serializer = "gob"
		}
		g.Now = now
		if g.Error == "expired" {
			g.Now = now + g.MaxAge + 1
		}
		v, err := c.make()
		if err != nil {
			return fmt.Errorf("%s: %v", c.file, err)
		}
		g.Cookie = v
		b, err := json.MarshalIndent(g, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, c.file+".json"), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// sessionsCookie runs a gorilla/sessions handler that stores values and
// returns the cookie it sets.
func sessionsCookie(store *sessions.CookieStore, name string, values map[interface{}]interface{}) (string, error) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s, err := store.Get(req, name)
	if err != nil {
		return "", err
	}
	for k, v := range values {
		s.Values[k] = v
	}
	if err := s.Save(req, rec); err != nil {
		return "", err
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("no %s cookie in %s", name, strings.Join(rec.Result().Header.Values("Set-Cookie"), "; "))
}
