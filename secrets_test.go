package cookiecodec_test

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
	"github.com/cookiecodec/cookiecodec/gorilla"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// secretPackages are the directories, relative to the module root, of the
// packages whose exported types TestSecretsNeverPrinted covers, with the
// name their types print under. Add a package here and its types must
// join secretRows.
var secretPackages = map[string]string{
	".":           "cookiecodec",
	"flask":       "flask",
	"gorilla":     "gorilla",
	"httpsession": "httpsession",
}

// secretPlaintext is the session value the fixtures carry: plaintext that
// only the session data types themselves may print.
const secretPlaintext = "plaintext-Vq3xR8mZ"

// A secretRow is a value that TestSecretsNeverPrinted prints every way it
// knows. types names the exported types the row covers beyond the value's
// own type (interfaces the value implements, say); plaintext marks a value
// that is session data itself, which may print the plaintext but no secret.
// exported marks a type that holds secrets in exported fields, which its
// methods hide everywhere but where fmt calls no method: %p, %w and
// inside an unexported field.
type secretRow struct {
	name      string
	v         any
	types     []string
	plaintext bool
	exported  bool
}

// methodless reports whether fmt prints v without calling its methods
// when v is printed as how (a key of printings) wrapped as wrap (a key of
// secretWrappings).
func methodless(how, wrap string) bool {
	return wrap == "unexported field" || strings.HasPrefix(how, "%") && strings.ContainsAny(how[len(how)-1:], "pw")
}

// secretFixtures builds the values of every exported type of
// secretPackages, each holding the secrets, the plaintext and the cookies
// where its type can, and returns with them the secrets (keys and derived
// keys) and the raw cookies that must never be printed.
func secretFixtures(t *testing.T) (rows []secretRow, secrets map[string][]byte, cookies map[string]string) {
	t.Helper()
	secrets = map[string][]byte{}
	native := bytes.Repeat([]byte("N\x91\xe3k\x07\xfa2\xc8"), 4) // 32 bytes
	fallback := bytes.Repeat([]byte("\xd4F\x1b\x8ey!\x05\xa7"), 4)
	flaskSecret := []byte("flask secret \x9c\x11\xee\x40 not shown")
	secrets["native secret"] = native
	secrets["native fallback secret"] = fallback
	secrets["flask secret"] = flaskSecret
	for _, s := range [][]byte{native, fallback} {
		for _, info := range []string{"cookiecodec v1 hmac-sha256 key", "cookiecodec v1 xchacha20poly1305 key"} {
			k, err := hkdf.Key(sha256.New, s, nil, info, 32)
			if err != nil {
				t.Fatal(err)
			}
			secrets[fmt.Sprintf("%s of %x", info, s[:4])] = k
		}
	}
	m := hmac.New(sha1.New, flaskSecret)
	m.Write([]byte(flask.DefaultSalt))
	secrets["flask derived key"] = m.Sum(nil)

	key, err := cookiecodec.NewKey(native)
	if err != nil {
		t.Fatal(err)
	}
	old, err := cookiecodec.NewKey(fallback)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := cookiecodec.NewKeyring(key, old)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: true, AcceptAnyMode: true})
	if err != nil {
		t.Fatal(err)
	}
	entry := cookiecodec.KeyEntry{Key: key, Status: cookiecodec.StatusPrimary, Created: time.Unix(1764547200, 0).UTC()}
	keyFile, err := cookiecodec.NewKeyFile(entry, cookiecodec.KeyEntry{Key: old, Status: cookiecodec.StatusDecodeOnly, Created: entry.Created})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := cookiecodec.CreateKeyFile(path, keyFile); err != nil {
		t.Fatal(err)
	}
	srcOpts := cookiecodec.FileKeySourceOptions{Interval: -1, OnError: func(error) {}, OnReload: func(*cookiecodec.Keyring) {}}
	src, err := cookiecodec.NewFileKeySource(path, srcOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	fileCodec, err := cookiecodec.New(src, cookiecodec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	session := cookiecodec.Session{"user": secretPlaintext}
	signed, err := fileCodec.Encode("session", session)
	if err != nil {
		t.Fatal(err)
	}
	unverified, err := cookiecodec.InspectUnverified(signed)
	if err != nil {
		t.Fatal(err)
	}
	_, info, err := fileCodec.Decode("session", signed)
	if err != nil {
		t.Fatal(err)
	}

	flaskOpts := flask.Options{SecretKeys: [][]byte{flaskSecret}, MaxAge: time.Hour}
	flaskCodec, err := flask.New(flaskOpts)
	if err != nil {
		t.Fatal(err)
	}
	flaskCookie, err := flaskCodec.Encode("session", cookiecodec.Session{"user": secretPlaintext, "t": flask.Tuple{secretPlaintext}})
	if err != nil {
		t.Fatal(err)
	}
	flaskUnverified, err := flask.InspectUnverified(flaskCookie)
	if err != nil {
		t.Fatal(err)
	}
	uuid, err := flask.ParseUUID("6f1d3c2a-8b4e-4f1a-9c2d-7e5b3a1f0d9c")
	if err != nil {
		t.Fatal(err)
	}

	httpOpts := httpsession.Options{
		Logger:        slog.New(slog.DiscardHandler),
		ErrorHandler:  func(http.ResponseWriter, *http.Request, error) {},
		OnDecodeError: func(*http.Request, error) {},
	}
	mw, err := httpsession.New(codec, httpOpts)
	if err != nil {
		t.Fatal(err)
	}
	flaskMW, err := httpsession.New(flaskCodec, httpsession.Options{})
	if err != nil {
		t.Fatal(err)
	}
	encrypted, err := codec.Encode(mw.CookieName(), session)
	if err != nil {
		t.Fatal(err)
	}
	// loaded returns the session of a request carrying cookie, read.
	loaded := func(m *httpsession.Middleware, cookie string) *httpsession.Session {
		var s *httpsession.Session
		h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s = httpsession.From(r)
			if v, _ := httpsession.Get[string](s, "user"); v != secretPlaintext {
				t.Fatalf("session user = %q, want %q", v, secretPlaintext)
			}
		}))
		req := httptest.NewRequest("GET", "https://example.com/", nil)
		req.AddCookie(&http.Cookie{Name: m.CookieName(), Value: cookie})
		h.ServeHTTP(httptest.NewRecorder(), req)
		return s
	}
	httpSession := loaded(mw, encrypted)
	flaskSession := loaded(flaskMW, flaskCookie)
	view, _, err := fileCodec.DecodeView("session", signed)
	if err != nil {
		t.Fatal(err)
	}

	hashKey := bytes.Repeat([]byte("H\x83\x1f\xc2\x9a\x05"), 6)[:32]
	blockKey := bytes.Repeat([]byte("B\xe7\x11\x6d\x90"), 4)[:16]
	secrets["gorilla hash key"] = hashKey
	secrets["gorilla block key"] = blockKey
	gorillaOpts := gorilla.Options{Keys: []gorilla.KeyPair{{HashKey: hashKey, BlockKey: blockKey}}, Serializer: gorilla.JSON}
	gorillaDec, err := gorilla.New(gorillaOpts)
	if err != nil {
		t.Fatal(err)
	}
	gorillaCookie := gorillaSigned(t, hashKey, "session", []byte(`{"who":"`+secretPlaintext+`"}`))
	gorillaUnverified, err := gorilla.InspectUnverified(gorillaCookie)
	if err != nil {
		t.Fatal(err)
	}
	store := httpsession.NewMemoryStore()
	revokerOpts := httpsession.RevokerOptions{FailOpen: true}
	revoker, err := httpsession.NewRevoker(store, revokerOpts)
	if err != nil {
		t.Fatal(err)
	}
	legacy := httpsession.Legacy{Decoder: gorillaDec, CookieName: "gorilla"}
	cookies = map[string]string{"native cookie": encrypted, "signed native cookie": signed, "flask cookie": flaskCookie, "gorilla cookie": gorillaCookie}

	rows = []secretRow{
		{name: "Key", v: key},
		{name: "KeyID", v: key.ID()},
		{name: "*Keyring", v: ring},
		{name: "Keyring", v: *ring},
		{name: "*Codec", v: codec, types: []string{"cookiecodec.KeySource"}},
		{name: "Codec", v: *codec},
		{name: "Codec of a FileKeySource", v: fileCodec},
		{name: "Options", v: cookiecodec.Options{Encrypt: true}},
		{name: "Info", v: info},
		{name: "Session", v: session, plaintext: true},
		{name: "Unverified", v: unverified, plaintext: true},
		{name: "KeyEntry", v: entry},
		{name: "KeyStatus", v: entry.Status},
		{name: "*KeyFile", v: keyFile},
		{name: "KeyFile", v: *keyFile},
		{name: "*FileKeySource", v: src},
		{name: "FileKeySource", v: reflect.ValueOf(src).Elem().Interface()},
		{name: "FileKeySourceOptions", v: srcOpts},
		{name: "flask *Codec", v: flaskCodec},
		{name: "flask Codec", v: *flaskCodec},
		// Options.SecretKeys is the caller's [][]byte: fmt prints it where
		// it calls no method, and the doc comment says so.
		{name: "flask Options", v: flaskOpts, exported: true},
		{name: "flask Unverified", v: flaskUnverified, plaintext: true},
		{name: "flask Tuple", v: flask.Tuple{secretPlaintext}, plaintext: true},
		{name: "flask Markup", v: flask.Markup(secretPlaintext), plaintext: true},
		{name: "flask UUID", v: uuid},
		{name: "httpsession *Middleware", v: mw, types: []string{"httpsession.Codec"}},
		{name: "httpsession Middleware", v: *mw},
		{name: "httpsession *Middleware of a flask Codec", v: flaskMW},
		{name: "httpsession Options", v: httpOpts},
		{name: "httpsession *Session", v: httpSession},
		{name: "httpsession *Session of a flask cookie", v: flaskSession},
		{name: "View", v: view, plaintext: true},
		{name: "httpsession Flash", v: httpsession.Flash{Category: "message", Message: secretPlaintext}, plaintext: true},
		{name: "httpsession LoadState", v: httpsession.RejectedCookie},
		{name: "httpsession *MemoryStore", v: store, types: []string{"httpsession.RevocationStore"}},
		{name: "httpsession MemoryStore", v: reflect.ValueOf(store).Elem().Interface()},
		{name: "httpsession *Revoker", v: revoker},
		{name: "httpsession Revoker", v: reflect.ValueOf(revoker).Elem().Interface()},
		{name: "httpsession RevokerOptions", v: revokerOpts},
		{name: "httpsession Legacy", v: legacy, types: []string{"httpsession.Decoder"}},
		{name: "gorilla *Decoder", v: gorillaDec},
		{name: "gorilla Decoder", v: reflect.ValueOf(gorillaDec).Elem().Interface()},
		// Key is the caller's []byte, and KeyPair and Options hold it in
		// exported fields, as flask.Options does: the doc comments say so.
		{name: "gorilla Options", v: gorillaOpts, types: []string{"gorilla.Serializer"}, exported: true},
		{name: "gorilla KeyPair", v: gorillaOpts.Keys[0], exported: true},
		{name: "gorilla Key", v: gorilla.Key(hashKey), exported: true},
		{name: "gorilla Unverified", v: gorillaUnverified, plaintext: true},
	}
	return rows, secrets, cookies
}

// secretForms returns the texts that would show secret printed: the
// bytes themselves and their hex, base64 and fmt forms, whole and in
// pieces of 6 bytes, so that a part of a secret shows too.
func secretForms(secret []byte) []string {
	var forms []string
	for off := 0; off < len(secret); off += 3 {
		piece := secret[off:min(off+6, len(secret))]
		if len(piece) < 6 {
			break
		}
		forms = append(forms,
			string(piece),
			hex.EncodeToString(piece),
			strings.ToUpper(hex.EncodeToString(piece)),
			strings.Trim(fmt.Sprint(piece), "[]"),               // %v and %d: "78 145 227"
			strings.Trim(fmt.Sprintf("%#v", piece), "[]byte{}"), // "0x4e, 0x91"
			strings.Trim(fmt.Sprintf("%q", piece), `"`),
			strings.Trim(fmt.Sprintf("%+q", piece), `"`),
		)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		// A piece of the encoding of the whole, at a multiple of 4
		// characters, is the encoding of 3 bytes at a multiple of 3.
		e := strings.TrimRight(enc.EncodeToString(secret), "=")
		for off := 0; off+8 <= len(e); off += 4 {
			forms = append(forms, e[off:off+8])
		}
	}
	return forms
}

// cookieForms returns the pieces of a raw cookie that would show it
// printed: 12 characters at every sixth, after the first 24, which encode
// a header that other cookies of the same key and second share.
func cookieForms(cookie string) []string {
	var forms []string
	for off := 24; off+12 <= len(cookie); off += 6 {
		forms = append(forms, cookie[off:off+12])
	}
	return forms
}

// printings returns v printed under every fmt verb and flag, through
// encoding/json and through log/slog's text and JSON handlers, keyed by
// how it was printed.
func printings(v any) map[string]string {
	out := map[string]string{}
	for verb := 'A'; verb <= 'z'; verb++ {
		if verb > 'Z' && verb < 'a' {
			continue
		}
		for _, flags := range []string{"", "+", "#", " ", "-", "0", "+#"} {
			f := "%" + flags + string(verb)
			out[f] = fmt.Sprintf(f, v)
		}
	}
	out["Sprint"] = fmt.Sprint(v)
	out["Sprintln"] = fmt.Sprintln(v)
	j, err := json.Marshal(v)
	out["json"] = string(j) + fmt.Sprint(err)
	j, err = json.MarshalIndent(v, "", " ")
	out["json indent"] = string(j) + fmt.Sprint(err)
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("msg", "v", v, slog.Group("g", "v", v))
	slog.New(slog.NewJSONHandler(&js, nil)).Info("msg", "v", v, slog.Group("g", "v", v))
	out["slog text"] = text.String()
	out["slog json"] = js.String()
	return out
}

// secretWrappings returns v as fmt, JSON and slog meet it inside other
// values: alone, in an exported and an unexported struct field, behind a
// pointer, and in a slice and a map.
func secretWrappings(v any) map[string]any {
	type exported struct{ V any }
	type unexported struct{ v any }
	return map[string]any{
		"alone":              v,
		"exported field":     exported{v},
		"unexported field":   unexported{v},
		"pointer to a field": &exported{v},
		"slice":              []any{v},
		"map":                map[string]any{"k": v},
	}
}

// TestSecretsNeverPrinted prints every exported type of the library under
// every fmt verb, through encoding/json and through log/slog, and fails if
// a secret, a derived key, a raw cookie or (but for session data types)
// the plaintext of a session shows. A new exported type joins by adding a
// row to secretFixtures; the test fails until it does.
func TestSecretsNeverPrinted(t *testing.T) {
	rows, secrets, cookies := secretFixtures(t)
	forms := map[string][]string{}
	for name, s := range secrets {
		forms[name] = secretForms(s)
	}
	for name, c := range cookies {
		forms[name] = cookieForms(c)
	}

	covered := map[string]bool{}
	for _, r := range rows {
		typ := reflect.TypeOf(r.v)
		if typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		covered[typ.String()] = true
		for _, name := range r.types {
			covered[name] = true
		}
	}
	for _, name := range exportedTypes(t) {
		if !covered[name] {
			t.Errorf("exported type %s has no row in secretFixtures: add one holding what it can hold", name)
		}
	}

	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			for wrap, v := range secretWrappings(r.v) {
				for how, text := range printings(v) {
					if r.exported && methodless(how, wrap) {
						continue
					}
					for name, fs := range forms {
						if i := slices.IndexFunc(fs, func(f string) bool { return strings.Contains(text, f) }); i >= 0 {
							t.Errorf("%s %s printed with %s shows the %s (%q): %.300q", r.name, wrap, how, name, fs[i], text)
						}
					}
					if !r.plaintext && strings.Contains(text, secretPlaintext) {
						t.Errorf("%s %s printed with %s shows the session's plaintext: %.300q", r.name, wrap, how, text)
					}
				}
			}
		})
	}
}

// exportedTypes lists the exported types declared by the non-test files of
// secretPackages, as reflect names them ("flask.Codec").
func exportedTypes(t *testing.T) []string {
	t.Helper()
	var names []string
	for dir, pkg := range secretPackages {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkgs {
			for _, f := range p.Files {
				for _, decl := range f.Decls {
					gd, ok := decl.(*ast.GenDecl)
					if !ok || gd.Tok != token.TYPE {
						continue
					}
					for _, spec := range gd.Specs {
						if ts := spec.(*ast.TypeSpec); ts.Name.IsExported() {
							names = append(names, pkg+"."+ts.Name.Name)
						}
					}
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("found no exported types")
	}
	slices.Sort(names)
	return names
}

// gorillaSigned returns body as gorilla/securecookie encodes a value for
// the cookie called name with hashKey and no block key (see package
// gorilla's doc for the layout).
func gorillaSigned(t *testing.T, hashKey []byte, name string, body []byte) string {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	b := base64.URLEncoding.EncodeToString(body)
	m := hmac.New(sha256.New, hashKey)
	m.Write([]byte(name + "|" + ts + "|" + b))
	return base64.URLEncoding.EncodeToString([]byte(ts + "|" + b + "|" + string(m.Sum(nil))))
}
