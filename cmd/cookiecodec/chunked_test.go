package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// TestDecodeChunked decodes a session that httpsession wrote as several
// cookies, given as the Set-Cookie lines of its response and as the
// Cookie header a browser sends back, and checks what a missing or extra
// chunk does.
func TestDecodeChunked(t *testing.T) {
	cleanEnv(t)
	secret := cookiecodec.GenerateKey().ExportSecret()
	t.Setenv(cookiecodec.EnvKeys, secret)
	ring, err := cookiecodec.ParseKeyring(secret)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{MaxLength: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	m, err := httpsession.New(codec, httpsession.Options{Chunked: true, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	note := strings.Repeat("n", 4000)
	h := m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpsession.From(r).Set("note", note)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	setCookies := rec.Result().Header["Set-Cookie"]
	if len(setCookies) < 2 {
		t.Fatalf("httpsession wrote %d cookies, want a chunked session", len(setCookies))
	}
	var pairs []string
	for _, c := range rec.Result().Cookies() {
		pairs = append(pairs, c.Name+"="+c.Value)
	}
	lines := "Set-Cookie: " + strings.Join(setCookies, "\r\nSet-Cookie: ") + "\r\n"
	header := "Cookie: theme=dark; " + strings.Join(pairs, "; ")
	n := itoa(len(setCookies))
	for _, tc := range []struct{ name, input string }{
		{"Set-Cookie lines", lines},
		{"Cookie header", header},
		{"Cookie header, chunks first", "Cookie: " + strings.Join(append(pairs[1:], pairs[0]), "; ")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.input, "decode")
			r.want(t, exitOK, "chunks:    "+n+" cookies joined\n")
			if !strings.Contains(r.stdout, `"note": "`+note+`"`) {
				t.Errorf("decode printed %.200q, want the note", r.stdout)
			}
			r = runCmd(t, tc.input, "inspect", "--json")
			r.want(t, exitOK)
			if !strings.Contains(r.stdout, `"chunks": `+n+",") {
				t.Errorf("inspect --json printed %.300q, want chunks %s", r.stdout, n)
			}
		})
	}
	last := len(pairs) - 1
	lastName, _, _ := strings.Cut(pairs[last], "=")
	for _, tc := range []struct{ name, input, wantErr string }{
		{"missing chunk", "Cookie: " + strings.Join(pairs[:last], "; "), "chunk " + lastName + " of the " + n + " that cookie \"session\" says it has is missing"},
		{"extra chunk", header + "; session." + n + "=AAAA", "chunk session." + n + " is extra"},
		{"without the first", "Cookie: " + strings.Join(pairs[1:], "; "), "without its first cookie"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.input, "decode")
			r.want(t, exitRejected, tc.wantErr)
			wantRejection(t, r, tc.input, secret)
		})
	}
}
