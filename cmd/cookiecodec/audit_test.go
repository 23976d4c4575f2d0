package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
)

// saltedFlaskCookie signs a session with secret and salt, as itsdangerous
// would.
func saltedFlaskCookie(t testing.TB, secret, salt string) string {
	t.Helper()
	c, err := flask.New(flask.Options{SecretKeys: [][]byte{[]byte(secret)}, Salt: salt})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Encode("session", cookiecodec.Session{"user": "ada", "_permanent": true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// wordlistFile writes a wordlist and returns its path.
func wordlistFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fillerWords returns n lines that are not the secrets of the tests.
func fillerWords(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "filler%d\n", i)
	}
	return b.String()
}

func TestAuditFinds(t *testing.T) {
	cleanEnv(t)
	long := strings.Repeat("k", 65) // hashed by HMAC: longer than a block
	block := strings.Repeat("b", 64)
	for _, tc := range []struct {
		name, secret, salt string
		list               string
		args               []string
		input              func(cookie string) string // the cookie as given
		wantLine           int
	}{
		{"at the end", "mrexamples", "", fillerWords(1000) + "mrexamples\n", nil, nil, 1001},
		{"first line", "dev", "", "dev\nx\n", nil, nil, 1},
		{"last line without newline", "secret", "", "a\nb\nsecret", nil, nil, 3},
		{"CRLF lines", "changeme", "", "a\r\nchangeme\r\nb\r\n", nil, nil, 2},
		{"empty lines are counted, not tried", "x", "", "\n\r\n\nx\n", nil, nil, 4},
		{"one byte", "z", "", "zz\nz\n", nil, nil, 2},
		{"a key block long", block, "", "a\n" + block + "\n", nil, nil, 2},
		{"longer than a key block", long, "", long[:64] + "\n" + long + "\n", nil, nil, 2},
		{"after a line over 64 KiB", "s3cret", "", strings.Repeat("L", 70000) + "\ns3cret\n", nil, nil, 2},
		{"after a line over a batch", "s3cret", "", strings.Repeat("L", auditBatchSize+1000) + "\ns3cret\n", nil, nil, 2},
		{"non-ASCII", "clé secrète", "", "cle\nclé secrète\n", nil, nil, 2},
		{"--salt", "mrexamples", "my-salt", "a\nmrexamples\n", []string{"--salt", "my-salt"}, nil, 2},
		{"from stdin", "mrexamples", "", "mrexamples\n", nil, func(c string) string { return "Cookie: a=b; session=" + c }, 1},
		{"Set-Cookie line", "mrexamples", "", "mrexamples\n", nil, func(c string) string {
			return "Set-Cookie: session=" + c + "; HttpOnly; Path=/"
		}, 1},
		{"--name", "mrexamples", "", "mrexamples\n", []string{"--name", "sid"}, func(c string) string { return "session=x.y.z; sid=" + c }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cookie := saltedFlaskCookie(t, tc.secret, tc.salt)
			path := wordlistFile(t, tc.list)
			args := append([]string{"audit", "--wordlist", path}, tc.args...)
			stdin := ""
			if tc.input != nil {
				stdin = tc.input(cookie)
			} else {
				args = append(args, cookie)
			}
			r := runCmd(t, stdin, args...)
			r.want(t, exitOK, fmt.Sprintf("hint: line %d of %s verifies the cookie", tc.wantLine, path))
			if r.stdout != tc.secret+"\n" {
				t.Errorf("audit printed %q, want %q", r.stdout, tc.secret+"\n")
			}
			if len(tc.secret) >= 8 && strings.Contains(r.stderr, tc.secret) {
				t.Errorf("stderr shows the secret: %q", r.stderr)
			}
		})
	}
}

func TestAuditWordlistFromStdin(t *testing.T) {
	cookie := saltedFlaskCookie(t, "hunter2", "")
	r := runCmd(t, fillerWords(10)+"hunter2\n", "audit", "--wordlist", "-", cookie)
	r.want(t, exitOK, "line 11 of stdin verifies")
	if r.stdout != "hunter2\n" {
		t.Errorf("audit printed %q, want %q", r.stdout, "hunter2\n")
	}
}

func TestAuditNotFound(t *testing.T) {
	cookie := saltedFlaskCookie(t, "not in the list", "")
	for _, tc := range []struct {
		name    string
		list    string
		args    []string
		wantErr []string
	}{
		{"none verifies", fillerWords(100), nil, []string{`error: none of the 100 secrets in `, ` verifies the cookie (salt "cookie-session")`}},
		{"empty list", "", nil, []string{"none of the 0 secrets"}},
		{"only empty lines", "\n\r\n\n", nil, []string{"none of the 0 secrets"}},
		{"a secret of one line", "not in the list\n", []string{"--salt", "other"}, []string{`none of the 1 secret in `, `(salt "other")`}},
		{"long lines counted", strings.Repeat("x", maxAuditLine+1) + "\n" + strings.Repeat("y", 3*auditBatchSize) + "\nshort\n", nil,
			[]string{"hint: 2 lines of ", " longer than 65536 bytes not tried", "none of the 1 secret in"}},
		{"the secret with a stray space", "not in the list \n", nil, []string{"none of the 1 secret"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := wordlistFile(t, tc.list)
			r := runCmd(t, "", append(append([]string{"audit", "--wordlist", path}, tc.args...), cookie)...)
			r.want(t, exitRejected, tc.wantErr...)
			if r.stdout != "" {
				t.Errorf("audit printed %q, want nothing", r.stdout)
			}
			for _, l := range strings.Split(tc.list, "\n") {
				if len(l) > 3 && strings.Contains(r.stderr, l) {
					t.Errorf("stderr shows the line %q: %q", l, r.stderr)
				}
			}
		})
	}
}

func TestAuditUsageErrors(t *testing.T) {
	cleanEnv(t)
	cookie := saltedFlaskCookie(t, "mrexamples", "")
	list := wordlistFile(t, "mrexamples\n")
	native := encodeOK(t, `{"a":1}`, "--keys", mustInitKeys(t))
	for _, tc := range []struct {
		name    string
		stdin   string
		args    []string
		wantErr []string
	}{
		{"no wordlist", "", []string{"audit", cookie}, []string{"error: audit needs --wordlist FILE", "hint: run 'cookiecodec audit -h' for usage"}},
		{"two cookies", "", []string{"audit", "--wordlist", list, cookie, cookie}, []string{"audit takes one cookie, got 2 arguments"}},
		{"both on stdin", "", []string{"audit", "--wordlist", "-"}, []string{"--wordlist - reads stdin, so give the cookie as an argument"}},
		{"both on stdin with -", "", []string{"audit", "--wordlist", "-", "-"}, []string{"--wordlist - reads stdin"}},
		{"missing wordlist", "", []string{"audit", "--wordlist", "/nonexistent/words.txt", cookie}, []string{"error: wordlist /nonexistent/words.txt: no such file or directory"}},
		{"directory", "", []string{"audit", "--wordlist", t.TempDir(), cookie}, []string{"is a directory"}},
		{"no cookie", "", []string{"audit", "--wordlist", list}, []string{"error: no cookie value in the input"}},
		{"not a cookie", "", []string{"audit", "--wordlist", list, "hello.world"}, []string{"error: 11 bytes, too short for a Flask cookie"}},
		{"native cookie", "", []string{"audit", "--wordlist", list, native}, []string{"not a Flask cookie", "hint: this looks like a native cookiecodec cookie"}},
		{"tampered signature", "", []string{"audit", "--wordlist", list, cookie[:len(cookie)-1] + "B"}, []string{"error: the signature is not canonical base64url"}},
		{"bad name", "", []string{"audit", "--wordlist", list, "--name", "a b", cookie}, []string{"is not a valid cookie name"}},
		{"unknown flag", "", []string{"audit", "--wordlsit", list, cookie}, []string{"unknown flag"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, tc.stdin, tc.args...)
			r.want(t, exitUsage, tc.wantErr...)
			if r.stdout != "" {
				t.Errorf("audit printed %q, want nothing", r.stdout)
			}
		})
	}
}

// mustInitKeys makes a key file and returns its path.
func mustInitKeys(t *testing.T) string {
	t.Helper()
	path, _ := initKeys(t)
	return path
}

func TestAuditHelp(t *testing.T) {
	for _, args := range [][]string{{"audit", "-h"}, {"help", "audit"}} {
		r := runCmd(t, "", args...)
		r.want(t, exitOK)
		for _, w := range []string{"usage: cookiecodec audit --wordlist FILE", "Exit status:\n  0  a line of FILE verifies the cookie", "  1  no line verifies"} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%q printed %q, want it to contain %q", args, r.stdout, w)
			}
		}
	}
	if r := runCmd(t, "", "help"); !strings.Contains(r.stdout, "  audit --wordlist FILE [VALUE|-]") {
		t.Errorf("the main usage does not list audit:\n%s", r.stdout)
	}
}

// forceTerminal makes isTerminal report true for the test's length.
func forceTerminal(t *testing.T) {
	t.Helper()
	old := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { isTerminal = old })
}

func TestAuditProgress(t *testing.T) {
	cookie := saltedFlaskCookie(t, "absent", "")
	path := wordlistFile(t, fillerWords(2000))
	r := runCmd(t, "", "audit", "--wordlist", path, cookie)
	r.want(t, exitRejected)
	if strings.Contains(r.stderr, "secrets tried") {
		t.Errorf("audit showed progress on a stderr that is not a terminal: %q", r.stderr)
	}

	forceTerminal(t)
	r = runCmd(t, "", "audit", "--wordlist", path, cookie)
	r.want(t, exitRejected, "\rcookiecodec: audit: 2000 secrets tried (100% of the list), ", " a second\x1b[K\ncookiecodec: error: none of the 2000 secrets")
	r = runCmd(t, fillerWords(5), "audit", "--wordlist", "-", cookie)
	r.want(t, exitRejected, "\rcookiecodec: audit: 5 secrets tried")
	if strings.Contains(r.stderr, "% of the list") {
		t.Errorf("audit showed a share of a list of unknown length: %q", r.stderr)
	}
}

// slowReader returns its lines one read at a time, pausing before each.
type slowReader struct {
	lines []string
	pause time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	if len(s.lines) == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	n := copy(p, s.lines[0])
	s.lines = s.lines[1:]
	return n, nil
}

// TestAuditProgressTicks checks that the progress line is rewritten while
// the list is read, not only at its end.
func TestAuditProgressTicks(t *testing.T) {
	forceTerminal(t)
	old := progressEvery
	progressEvery = time.Millisecond
	t.Cleanup(func() { progressEvery = old })
	cookie := saltedFlaskCookie(t, "absent", "")
	r := runIn(t, &slowReader{lines: []string{"a\n", "b\n", "c\n", "d\n"}, pause: 50 * time.Millisecond}, "audit", "--wordlist", "-", cookie)
	r.want(t, exitRejected, "none of the 4 secrets")
	if n := strings.Count(r.stderr, "\rcookiecodec: audit: "); n < 3 {
		t.Errorf("progress line written %d times, want at least 3 (ticks and the end):\n%q", n, r.stderr)
	}
	lines := strings.Split(strings.SplitAfter(r.stderr, "\x1b[K\n")[0], "\r")
	if !strings.Contains(lines[len(lines)-1], "audit: 4 secrets tried") || !slices.ContainsFunc(lines, func(l string) bool {
		return strings.Contains(l, "audit: 1 secret tried") || strings.Contains(l, "audit: 2 secrets tried") || strings.Contains(l, "audit: 3 secrets tried")
	}) {
		t.Errorf("the progress lines do not count the secrets while the list is read: %q", r.stderr)
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for _, tc := range []struct {
		name string
		w    io.Writer
	}{
		{"a buffer", &bytes.Buffer{}},
		{"a regular file", f},
		{os.DevNull, null},
	} {
		if isTerminal(tc.w) {
			t.Errorf("isTerminal(%s) = true, want false", tc.name)
		}
	}
}

func TestRateText(t *testing.T) {
	for _, tc := range []struct {
		r    float64
		want string
	}{{850, "850"}, {9999, "9999"}, {12345, "12.3k"}, {999000, "999k"}, {1.45e6, "1.45M"}, {12.5e6, "12.5M"}} {
		if got := rateText(tc.r); got != tc.want {
			t.Errorf("rateText(%v) = %q, want %q", tc.r, got, tc.want)
		}
	}
}

// TestAuditorLines checks the splitting of random wordlists, with batches
// and a line limit small enough that every boundary case occurs: each line
// of at most maxLine bytes is tried once, with its number, and the others
// are counted.
func TestAuditorLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		var b strings.Builder
		n := rng.IntN(60)
		for i := range n {
			l := rng.IntN(40)
			if rng.IntN(4) == 0 {
				l = rng.IntN(4)
			}
			for range l {
				b.WriteByte("ab\rc"[rng.IntN(4)])
			}
			if i < n-1 || rng.IntN(2) == 0 {
				b.WriteString([]string{"\n", "\r\n"}[rng.IntN(2)])
			}
		}
		list := b.String()
		maxLine := 1 + rng.IntN(12)
		batch := maxLine + 2 + rng.IntN(30)

		type hit struct {
			line   int64
			secret string
		}
		var want []hit
		var wantSkipped int64
		lines := strings.Split(list, "\n")
		if strings.HasSuffix(list, "\n") {
			lines = lines[:len(lines)-1]
		}
		for i, l := range lines {
			l = strings.TrimSuffix(l, "\r")
			switch {
			case l == "":
			case len(l) > maxLine:
				wantSkipped++
			default:
				want = append(want, hit{int64(i + 1), l})
			}
		}

		// Each test function records what it is given, and matches none.
		var mu sync.Mutex
		var gotSecrets []string
		a := newAuditor(nil)
		a.batchSize, a.maxLine, a.workers = batch, maxLine, 1+iter%3
		a.newTest = func() func([]byte) bool {
			return func(s []byte) bool {
				mu.Lock()
				gotSecrets = append(gotSecrets, string(s))
				mu.Unlock()
				return false
			}
		}
		res, err := a.run(iotestOneByte(strings.NewReader(list), iter))
		if err != nil {
			t.Fatal(err)
		}
		wantSecrets := make([]string, len(want))
		for i, h := range want {
			wantSecrets[i] = h.secret
		}
		slices.Sort(wantSecrets)
		slices.Sort(gotSecrets)
		if !slices.Equal(gotSecrets, wantSecrets) || res.tried != int64(len(want)) || res.skipped != wantSkipped || res.found {
			t.Fatalf("list %q, batch %d, max line %d: tried %q (%d), skipped %d; want %q (%d), skipped %d",
				list, batch, maxLine, gotSecrets, res.tried, res.skipped, wantSecrets, len(want), wantSkipped)
		}

		// Each line in turn as the secret: found, with its number.
		for _, h := range want {
			a := newAuditor(nil)
			a.batchSize, a.maxLine, a.workers = batch, maxLine, 1+iter%3
			a.newTest = func() func([]byte) bool {
				return func(s []byte) bool { return string(s) == h.secret }
			}
			res, err := a.run(strings.NewReader(list))
			if err != nil {
				t.Fatal(err)
			}
			if !res.found || string(res.secret) != h.secret {
				t.Fatalf("list %q, batch %d, max line %d: secret %q not found: %+v", list, batch, maxLine, h.secret, res)
			}
			// The same line may occur earlier: the number is one of its lines.
			if l := strings.TrimSuffix(lines[res.line-1], "\r"); l != h.secret {
				t.Fatalf("list %q: secret %q found on line %d, which is %q", list, h.secret, res.line, l)
			}
		}
	}
}

// iotestOneByte returns r, or for odd iter a reader that returns one byte
// at a time, so that reads end anywhere.
func iotestOneByte(r io.Reader, iter int) io.Reader {
	if iter%2 == 1 {
		return &oneByteReader{r}
	}
	return r
}

type oneByteReader struct{ r io.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func TestAuditReadError(t *testing.T) {
	cookie := saltedFlaskCookie(t, "absent", "")
	r := runIn(t, errReader{}, "audit", "--wordlist", "-", cookie)
	r.want(t, exitUsage, "error: reading wordlist stdin: io: read/write on closed pipe")
}

// TestSecretTester checks the derivation against package flask for
// secrets around HMAC's block size, salts, and payload lengths.
func TestSecretTester(t *testing.T) {
	for _, n := range []int{1, 2, 19, 20, 55, 56, 63, 64, 65, 100, 1000} {
		for _, salt := range []string{"", "x", strings.Repeat("s", 70)} {
			secret := strings.Repeat("k", n-1) + "!"
			c, err := flask.New(flask.Options{SecretKeys: [][]byte{[]byte(secret)}, Salt: salt})
			if err != nil {
				t.Fatal(err)
			}
			value, err := c.Encode("session", cookiecodec.Session{"pad": strings.Repeat("p", n)})
			if err != nil {
				t.Fatal(err)
			}
			if salt == "" {
				salt = flask.DefaultSalt
			}
			target, err := newAuditTarget(value, salt)
			if err != nil {
				t.Fatal(err)
			}
			x := newSecretTester(target)
			// Longer and shorter wrong secrets first, so that the key
			// blocks are dirty when the right one comes.
			for _, wrong := range []string{secret + "x", strings.Repeat("k", 200), "k", secret[:n-1]} {
				if x.try([]byte(wrong)) {
					t.Errorf("secret of %d bytes, salt %q: try(wrong %d bytes) = true", n, salt, len(wrong))
				}
			}
			if !x.try([]byte(secret)) {
				t.Errorf("secret of %d bytes, salt %q: try(secret) = false", n, salt)
			}
			if x.try([]byte(secret[:n-1] + "?")) {
				t.Errorf("secret of %d bytes, salt %q: try(last byte changed) = true", n, salt)
			}
		}
	}
}

func TestSecretTesterAllocs(t *testing.T) {
	target, err := newAuditTarget(saltedFlaskCookie(t, "absent", ""), flask.DefaultSalt)
	if err != nil {
		t.Fatal(err)
	}
	x := newSecretTester(target)
	short, long := []byte("password1"), bytes.Repeat([]byte("p"), 100)
	if n := testing.AllocsPerRun(100, func() { x.try(short); x.try(long) }); n != 0 {
		t.Errorf("try allocates %v times, want 0", n)
	}
}

// BenchmarkAudit measures audit's rate on a list of a million short
// secrets, none of them right, with GOMAXPROCS workers: the whole pipeline
// of reading, splitting and trying. The target is a million candidates a
// second on two cores.
func BenchmarkAudit(b *testing.B) {
	target, err := newAuditTarget(saltedFlaskCookie(b, "absent", ""), flask.DefaultSalt)
	if err != nil {
		b.Fatal(err)
	}
	const lines = 1 << 20
	var list bytes.Buffer
	rng := rand.New(rand.NewPCG(3, 4))
	for range lines {
		for range 6 + rng.IntN(8) {
			list.WriteByte(byte('a' + rng.IntN(26)))
		}
		list.WriteByte('\n')
	}
	b.SetBytes(int64(list.Len()))
	b.ReportAllocs()
	defer reportCandidateRates(b, lines, runtime.GOMAXPROCS(0))()
	for b.Loop() {
		a := newAuditor(func() func([]byte) bool { return newSecretTester(target).try })
		res, err := a.run(bytes.NewReader(list.Bytes()))
		if err != nil || res.found || res.tried != lines {
			b.Fatalf("run = %+v, %v", res, err)
		}
	}
}

// reportCandidateRates starts measuring and returns the function, to be
// deferred, that reports the rates of a benchmark that tries perOp
// candidates an operation on workers goroutines: candidates/s of wall
// time, and, where the process's CPU time is known, candidates per
// CPU-second and what that rate makes on as many cores as workers that do
// nothing else (cpu-candidates/s).
// On a shared, loaded machine the wall rate counts the time other
// processes held the cores; the CPU rates do not.
func reportCandidateRates(b *testing.B, perOp, workers int) func() {
	start := time.Now()
	cpu0, ok := processCPU()
	return func() {
		n := float64(perOp) * float64(b.N)
		b.ReportMetric(n/time.Since(start).Seconds(), "candidates/s")
		if cpu1, ok1 := processCPU(); ok && ok1 && cpu1 > cpu0 {
			perCPU := n / (float64(cpu1-cpu0) / 1e9)
			b.ReportMetric(perCPU, "candidates/cpu-s")
			b.ReportMetric(perCPU*float64(workers), "cpu-candidates/s")
		}
	}
}

// BenchmarkSecretTester measures one worker trying one secret.
func BenchmarkSecretTester(b *testing.B) {
	target, err := newAuditTarget(saltedFlaskCookie(b, "absent", ""), flask.DefaultSalt)
	if err != nil {
		b.Fatal(err)
	}
	x := newSecretTester(target)
	secret := []byte("password1")
	b.ReportAllocs()
	defer reportCandidateRates(b, 1, 1)()
	for b.Loop() {
		x.try(secret)
	}
}
