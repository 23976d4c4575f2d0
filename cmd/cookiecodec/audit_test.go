package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// TestCrackWorker checks the hand-built HMAC-SHA1 pair against cookies
// signed with crypto/hmac, for secrets around the 64-byte block size.
func TestCrackWorker(t *testing.T) {
	for _, n := range []int{1, 10, 55, 63, 64, 65, 130} {
		secret := strings.Repeat("s", n-1) + "x"
		for _, salt := range []string{"cookie-session", "", strings.Repeat("y", 100)} {
			v := makeFlaskCookie(t, secret, salt, `{"user":"ada"}`, time.Unix(1764000000, 0))
			target, err := newFlaskTarget(v, salt)
			if err != nil {
				t.Fatal(err)
			}
			w := target.newWorker()
			// Longer and shorter candidates first, so the key block is reused.
			for _, wrong := range []string{strings.Repeat("z", 200), "a", secret + "!", secret[:n-1]} {
				if w.try([]byte(wrong)) {
					t.Errorf("secret of %d bytes, salt of %d: a wrong candidate of %d bytes verified", n, len(salt), len(wrong))
				}
			}
			if !w.try([]byte(secret)) {
				t.Errorf("secret of %d bytes, salt of %d: the right candidate did not verify", n, len(salt))
			}
		}
	}
}

func TestCrackWorkerAllocatesNothing(t *testing.T) {
	target, err := newFlaskTarget(makeFlaskCookie(t, "dev", "cookie-session", `{"a":1}`, time.Now()), "cookie-session")
	if err != nil {
		t.Fatal(err)
	}
	w := target.newWorker()
	long := []byte(strings.Repeat("k", 100))
	if n := testing.AllocsPerRun(100, func() { w.try([]byte("candidate")); w.try(long) }); n != 0 {
		t.Errorf("try allocates %v times a call, want 0", n)
	}
}

// writeWordlist writes lines to a file and returns its path.
func writeWordlist(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAudit(t *testing.T) {
	cleanEnv(t)
	const secret = "mrexamples"
	v := makeFlaskCookie(t, secret, "cookie-session", `{"user":"ada"}`, time.Now())
	salted := makeFlaskCookie(t, secret, "other-salt", `{"user":"ada"}`, time.Now())
	var many strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&many, "candidate%d\n", i)
	}
	long := strings.Repeat("L", maxCandidate+1)
	for _, tc := range []struct {
		name, words, input string
		args               []string
		code               int
		wantOut, wantErr   string
	}{
		{"found at the end", many.String() + secret + "\n", v, nil, exitOK, secret + "\n", "line 20001 of the wordlist signed this cookie"},
		{"found without final newline", many.String() + secret, v, nil, exitOK, secret + "\n", "line 20001"},
		{"CRLF lines", "a\r\nb\r\n" + secret + "\r\n", v, nil, exitOK, secret + "\n", "line 3"},
		{"empty lines skipped", "\n\n" + secret + "\n", v, nil, exitOK, secret + "\n", "line 3"},
		{"long lines skipped", long + "\n" + long + long + "\n" + secret + "\n", v, nil, exitOK, secret + "\n", "skipped 2 lines longer than 4096 bytes"},
		{"not found", many.String(), v, nil, exitRejected, "", `none of the 20000 candidates in the wordlist signed this cookie with salt "cookie-session"`},
		{"one candidate", "x\n", v, nil, exitRejected, "", "none of the 1 candidate in"},
		{"salt", secret + "\n", salted, []string{"--salt", "other-salt"}, exitOK, secret + "\n", ""},
		{"wrong salt", secret + "\n", salted, nil, exitRejected, "", "none of"},
		{"from a Cookie header", secret + "\n", "Cookie: a=b; session=" + v, nil, exitOK, secret + "\n", ""},
		{"native cookie", secret + "\n", forge(t, 0, 1, time.Now().Unix(), []byte{0xa0}), nil, exitUsage, "", "audit tries Flask secrets"},
		{"malformed", secret + "\n", "a.b.c", nil, exitRejected, "", "not a Flask cookie"},
		{"salt over 1 MiB", secret + "\n", v, []string{"--salt", strings.Repeat("s", maxSalt+1)}, exitUsage, "", "--salt is longer than 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeWordlist(t, tc.words)
			r := runCmd(t, "", append(append([]string{"audit", "--wordlist", path}, tc.args...), tc.input)...)
			r.want(t, tc.code, tc.wantErr)
			if r.stdout != tc.wantOut {
				t.Errorf("stdout = %q, want %q", r.stdout, tc.wantOut)
			}
			if strings.Contains(r.stderr, "tried") {
				t.Errorf("audit showed progress with stderr not a terminal: %q", r.stderr)
			}
		})
	}
	runCmd(t, "", "audit", v).want(t, exitUsage, "audit needs --wordlist FILE")
	r := runCmd(t, "", "audit", "--wordlist", "mrexamples", v)
	r.want(t, exitUsage, "wordlist (a 10-character text, not shown): no such file")
	if strings.Contains(r.stderr, "mrexamples") {
		t.Errorf("stderr quotes the path given: %q", r.stderr)
	}
}

func TestAuditProgressOnTerminal(t *testing.T) {
	old := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { isTerminal = old })
	v := makeFlaskCookie(t, "dev", "cookie-session", `{}`, time.Now())
	r := runCmd(t, "", "audit", "--wordlist", writeWordlist(t, "a\nb\nc\n"), v)
	r.want(t, exitRejected, "\rcookiecodec: tried 3 candidates, ")
}

// TestCrackBoundedMemory runs crack over a generated stream of a million
// lines and checks that the heap it leaves in use does not grow with it.
func TestCrackBoundedMemory(t *testing.T) {
	target, err := newFlaskTarget(makeFlaskCookie(t, "not in the list", "cookie-session", `{}`, time.Now()), "cookie-session")
	if err != nil {
		t.Fatal(err)
	}
	var peak uint64
	res, err := crack(&lineStream{n: 1 << 20, onRead: func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapInuse)
	}}, target, 2, nil)
	if err != nil || res.found || res.tried != 1<<20 {
		t.Fatalf("crack = %+v, %v; want 1048576 tried, none found", res, err)
	}
	if peak > 64<<20 {
		t.Errorf("heap in use reached %d bytes over a 14 MB stream, want under 64 MiB", peak)
	}
}

// lineStream reads as n lines "candidateN\n", generated as they are read.
type lineStream struct {
	n, i   int
	buf    bytes.Buffer
	onRead func()
	reads  int
}

func (s *lineStream) Read(p []byte) (int, error) {
	if s.reads++; s.reads%256 == 0 && s.onRead != nil {
		s.onRead()
	}
	for s.buf.Len() < len(p) && s.i < s.n {
		fmt.Fprintf(&s.buf, "candidate%d\n", s.i)
		s.i++
	}
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	return s.buf.Read(p)
}

// BenchmarkAudit measures how many candidates a second crack tries on
// all cores, on a wordlist in memory that does not hold the secret.
func BenchmarkAudit(b *testing.B) {
	v := makeFlaskCookie(b, "not in the list", "cookie-session", `{"_fresh":true,"_id":"9e4b","_user_id":"1","csrf_token":"ab12"}`, time.Now())
	target, err := newFlaskTarget(v, "cookie-session")
	if err != nil {
		b.Fatal(err)
	}
	var words bytes.Buffer
	const lines = 200000
	for i := range lines {
		fmt.Fprintf(&words, "password%d\n", i)
	}
	b.ReportAllocs()
	start := time.Now()
	cpu0, haveCPU := processCPU()
	n := 0
	for b.Loop() {
		res, err := crack(bytes.NewReader(words.Bytes()), target, runtime.GOMAXPROCS(0), nil)
		if err != nil || res.tried != lines {
			b.Fatal(res, err)
		}
		n++
	}
	b.ReportMetric(float64(n*lines)/time.Since(start).Seconds(), "candidates/s")
	// On a machine shared with other work, wall time says little: CPU
	// time per candidate, and what it makes on GOMAXPROCS idle cores, do.
	if cpu1, ok := processCPU(); ok && haveCPU {
		perCandidate := float64(cpu1-cpu0) / float64(n*lines)
		b.ReportMetric(perCandidate, "cpu-ns/candidate")
		b.ReportMetric(float64(runtime.GOMAXPROCS(0))*1e9/perCandidate, "idle-candidates/s")
	}
}

// BenchmarkCrackWorker measures one core trying one candidate.
func BenchmarkCrackWorker(b *testing.B) {
	v := makeFlaskCookie(b, "not in the list", "cookie-session", `{"_fresh":true,"_id":"9e4b","_user_id":"1","csrf_token":"ab12"}`, time.Now())
	target, _ := newFlaskTarget(v, "cookie-session")
	w := target.newWorker()
	cand := []byte("password123")
	b.ReportAllocs()
	for b.Loop() {
		w.try(cand)
	}
}

// TestRandomSecretsPass checks that secrets made as the warnings advise
// draw none: random bytes, and their hexadecimal and base64url forms.
func TestRandomSecretsPass(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		b := make([]byte, 16+rng.IntN(33))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		for _, s := range []string{string(b), hex.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b)} {
			if why := flaskSecretWeakness([]byte(s)); why != "" {
				t.Errorf("flaskSecretWeakness(%q) = %q, want nothing", s, why)
			}
		}
	}
}

func TestWeakSecretWarnings(t *testing.T) {
	for _, tc := range []struct {
		secret, want string
	}{
		{"dev", "it is 3 bytes, shorter than 16"},
		{"mrexamples", "shorter than 16"},
		{"aaaaaaaaaaaaaaaaaaaaaaaa", "it repeats 1 characters"},
		{"abcdefghijklmnop", "about 75 bits of entropy, fewer than 80"},
		{"dev-secret-change-me-now", "it reads as words"},
		{"you-will-never-guess", "it reads as words"},
		{"SuperSecretKey123!", "it reads as words"},
		{"correct horse battery staple", "it reads as words"},
		{"IRGpOjulsAViEyIJIqwhqYVjag", ""},                // mixed case inside words
		{"correcthorsebatterystaplexyzzyqwrtplmnbvc", ""}, // runs of consonants
		{"Qm8bT3xKp_7vZ2wYn-LcR5dHs1gFj9eAuXo4iNtEkMy", ""},
		{"8f2a1c9e4b7d3f60a5e1c2b9d8f7a6e5", ""},
	} {
		if got := flaskSecretWeakness([]byte(tc.secret)); !strings.Contains(got, tc.want) || (tc.want == "") != (got == "") {
			t.Errorf("flaskSecretWeakness(%q) = %q, want %q", tc.secret, got, tc.want)
		}
	}
	cleanEnv(t)
	v := makeFlaskCookie(t, "mrexamples", "cookie-session", `{}`, time.Now())
	t.Setenv(envFlaskSecret, "mrexamples")
	r := runCmd(t, "", "decode", v)
	r.want(t, exitOK, "hint: warning: the Flask secret in FLASK_SECRET_KEY is guessable (it is 10 bytes, shorter than 16)")
	if strings.Contains(r.stderr, "mrexamples") {
		t.Errorf("the warning quotes the secret: %q", r.stderr)
	}
	t.Setenv(envFlaskSecret, "")
	path := secretFile(t, "8f2a1c9e4b7d3f60a5e1c2b9d8f7a6e5\nmrexamples\n")
	r = runCmd(t, "", "decode", "--secret-file", path, v)
	r.want(t, exitOK, "warning: the Flask secret on line 2 of "+path+" is guessable")
	if strings.Contains(r.stderr, "line 1 of") {
		t.Errorf("a strong secret was warned of: %q", r.stderr)
	}

	// A native key written by hand, not made by keygen.
	weak := strings.Repeat("A", 42) + "E"
	t.Setenv("COOKIECODEC_KEYS", weak)
	r = runCmd(t, `{"a":1}`, "encode")
	r.want(t, exitOK, "does not look random (its 32 bytes hold 2 distinct values)")
	if strings.Contains(r.stderr, weak) {
		t.Errorf("the warning quotes the key: %q", r.stderr)
	}
	// A passphrase as a key: distinct enough, but all printable text.
	phrase, err := cookiecodec.NewKey([]byte("correct horse battery staple 123"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("COOKIECODEC_KEYS", phrase.ExportSecret())
	r = runCmd(t, `{"a":1}`, "encode")
	r.want(t, exitOK, "warning: key "+phrase.ID().String()+" does not look random (its 32 bytes are printable text, as a password is)")
	if strings.Contains(r.stderr, "correct horse") || strings.Contains(r.stderr, phrase.ExportSecret()) {
		t.Errorf("the warning quotes the key: %q", r.stderr)
	}
	t.Setenv("COOKIECODEC_KEYS", "")
	path, _ = initKeys(t)
	if r := runCmd(t, "", "keys", "list", path); strings.Contains(r.stderr, "warning") {
		t.Errorf("keys list warned of a key made by keys init: %q", r.stderr)
	}
	// A key file with a hand-written key: every keys command that reads it warns.
	k, err := cookiecodec.ParseKey(weak)
	if err != nil {
		t.Fatal(err)
	}
	f, err := cookiecodec.NewKeyFile(cookiecodec.KeyEntry{Key: k, Status: cookiecodec.StatusPrimary, Created: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := cookiecodec.SaveKeyFile(path, f); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"keys", "list", path}, {"keys", "add", path}} {
		runCmd(t, "", args...).want(t, exitOK, "warning: key "+k.ID().String()+" does not look random")
	}
}
