package httpsession

import (
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

func newFlaskCodec(t *testing.T, secrets ...string) *flask.Codec {
	t.Helper()
	var keys [][]byte
	for _, s := range secrets {
		keys = append(keys, []byte(s))
	}
	c, err := flask.New(flask.Options{SecretKeys: keys, MaxLength: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFlaskCodec runs the middleware over Flask's cookie format: what it
// saves is a Flask session (permanent as Flask marks it), what Flask would
// set it reads, and a cookie signed with a fallback secret is re-issued.
func TestFlaskCodec(t *testing.T) {
	const secret, old = "a Flask SECRET_KEY of some length", "the SECRET_KEY before it"
	codec := newFlaskCodec(t, secret)
	m, _ := newMiddleware(t, codec, Options{})
	if m.maxAge != flask.DefaultMaxAge {
		t.Errorf("maxAge = %v, want the Flask codec's %v", m.maxAge, flask.DefaultMaxAge)
	}

	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		s.Set("username", "Harry")
		s.SetPermanent(true)
	})
	cs := resp.Cookies()
	if len(cs) != 1 || cs[0].MaxAge != int(flask.DefaultMaxAge.Seconds()) {
		t.Fatalf("Set-Cookie = %q, want one permanent cookie", setCookies(resp))
	}
	if !flask.LooksLikeFlask(cs[0].Value) {
		t.Errorf("cookie %q does not look like a Flask cookie", cs[0].Value)
	}
	s, _, err := codec.Decode("session", cs[0].Value)
	if err != nil || s["username"] != "Harry" || s["_permanent"] != true {
		t.Errorf("Flask Decode = %v, %v, want username Harry and _permanent true", s, err)
	}

	// A cookie Flask signed with the secret that is now a fallback.
	fromFlask, err := newFlaskCodec(t, old).Encode("session", cookiecodec.Session{"username": "Harry", "_permanent": true})
	if err != nil {
		t.Fatal(err)
	}
	rotated, _ := newMiddleware(t, newFlaskCodec(t, secret, old), Options{})
	resp = serve(t, rotated, func(w http.ResponseWriter, r *http.Request) {
		s := From(r)
		if user, _ := Get[string](s, "username"); user != "Harry" || !s.Permanent() {
			t.Errorf("session from a Flask cookie: user %q, permanent %v, want Harry, true", user, s.Permanent())
		}
	}, &http.Cookie{Name: "session", Value: fromFlask})
	cs = resp.Cookies()
	if len(cs) != 1 {
		t.Fatalf("Set-Cookie = %q, want the session re-issued under the current secret", setCookies(resp))
	}
	if _, _, err := codec.Decode("session", cs[0].Value); err != nil {
		t.Errorf("re-issued cookie does not verify with the current secret alone: %v", err)
	}
}

func TestFlaskCodecChunked(t *testing.T) {
	codec := newFlaskCodec(t, "a Flask SECRET_KEY of some length")
	m, _ := newMiddleware(t, codec, Options{Chunked: true, CookieBudget: bigBudget})
	// Random text, so that zlib cannot shrink it below one cookie.
	raw := make([]byte, 4000)
	rand.NewChaCha8([32]byte{1}).Read(raw)
	note := base64.StdEncoding.EncodeToString(raw)
	j := jar{}
	resp := serve(t, m, func(w http.ResponseWriter, r *http.Request) { From(r).Set("note", note) })
	j.update(resp)
	if len(j) < 2 {
		t.Fatalf("got %d cookies, want the Flask session in chunks", len(j))
	}
	serve(t, m, func(w http.ResponseWriter, r *http.Request) {
		if got, _ := Get[string](From(r), "note"); got != note {
			t.Errorf("note read back from %d chunks is %d bytes, want %d", len(j), len(got), len(note))
		}
	}, j.list()...)
}
