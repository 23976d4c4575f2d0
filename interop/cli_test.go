package interop_test

// The CLI against real peers: audit finds the secret of a cookie that a
// real Flask app set, and decode reads the chunked cookie that the Go
// login example (examples/login) sets for a long note.

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/examples/login/loginapp"
	"github.com/cookiecodec/cookiecodec/httpsession"
)

// buildCLI builds cmd/cookiecodec into a temporary directory and returns
// the path of the binary.
func buildCLI(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "cookiecodec")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/cookiecodec/cookiecodec/cmd/cookiecodec").CombinedOutput()
	if err != nil {
		t.Fatalf("building the CLI: %v\n%s", err, out)
	}
	return bin
}

// runCLI runs the CLI binary with stdin and env added, and returns its
// exit status and output.
func runCLI(t *testing.T, bin, stdin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running the CLI: %v", err)
	}
	return code, stdout.String(), stderr.String()
}

// TestCLIAuditRealFlask logs in to a real Flask app whose secret is the
// last line of a 300,000-line wordlist, and has the CLI find it in the
// session cookie Flask set.
func TestCLIAuditRealFlask(t *testing.T) {
	bin := buildCLI(t)
	for _, py := range flaskPythons {
		t.Run(py.name, func(t *testing.T) {
			requireFlaskPeer(t, py.path)
			secret := "guessable-" + rand.Text()[:8]
			base := startFlaskLogin(t, py.path, secret)
			jar, err := cookiejar.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			c := &sharedClient{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
			c.do("POST", base+"/login", url.Values{"client_name": {"Harry"}, "pwd": {"12345678"}})
			u, _ := url.Parse(base)
			var cookie string
			for _, ck := range jar.Cookies(u) {
				if ck.Name == "session" {
					cookie = ck.Value
				}
			}
			if cookie == "" {
				t.Fatal("Flask set no session cookie")
			}

			var words bytes.Buffer
			for i := range 300000 {
				fmt.Fprintf(&words, "secret%d\n", i)
			}
			list := filepath.Join(t.TempDir(), "words.txt")
			if err := os.WriteFile(list, append(words.Bytes(), secret+"\n"...), 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, bin, "Cookie: session="+cookie, nil, "audit", "--wordlist", list)
			if code != 0 || stdout != secret+"\n" {
				t.Fatalf("audit: exit %d, stdout %q, want 0 and the secret\nstderr: %s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, "line 300001 of the wordlist") {
				t.Errorf("audit stderr = %q, want the line number", stderr)
			}
			// Without the secret in the list, audit says so and exits 1.
			if err := os.WriteFile(list, words.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr = runCLI(t, bin, cookie, nil, "audit", "--wordlist", list)
			if code != 1 || stdout != "" || !strings.Contains(stderr, "none of the 300000 candidates") {
				t.Errorf("audit without the secret: exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			// And the secret found decodes the cookie.
			code, stdout, stderr = runCLI(t, bin, cookie, []string{"FLASK_SECRET_KEY=" + secret}, "decode")
			if code != 0 || !strings.Contains(stdout, `"username": "Harry"`) {
				t.Errorf("decode with the secret found: exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
		})
	}
}

// TestCLIDecodeExampleChunked saves a long note in the Go login example,
// which splits its session cookie into chunks, and decodes the cookies the
// browser would send, and the Set-Cookie lines the example wrote, with the
// CLI.
func TestCLIDecodeExampleChunked(t *testing.T) {
	bin := buildCLI(t)
	key := cookiecodec.GenerateKey()
	ring, err := cookiecodec.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{MaxLength: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	h, err := loginapp.New(codec, httpsession.Options{Insecure: true, Chunked: true})
	if err != nil {
		t.Fatal(err)
	}
	var setCookies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		if r.Method == "POST" && r.URL.Path == "/notes" {
			setCookies = w.Header()["Set-Cookie"]
		}
	}))
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &sharedClient{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	c.do("POST", srv.URL+"/login", url.Values{"csrf_token": {c.csrf(srv.URL + "/login")}, "client_name": {"Harry"}, "pwd": {"12345678"}})
	note := strings.Repeat(rand.Text(), 400)[:3800]
	c.do("POST", srv.URL+"/notes", url.Values{"csrf_token": {c.csrf(srv.URL + "/notes")}, "note": {note}})

	u, _ := url.Parse(srv.URL)
	var pairs []string
	for _, ck := range jar.Cookies(u) {
		pairs = append(pairs, ck.Name+"="+ck.Value)
	}
	if len(pairs) < 2 || len(setCookies) < 2 {
		t.Fatalf("the example set %d cookies (%d Set-Cookie lines), want a chunked session", len(pairs), len(setCookies))
	}
	env := []string{cookiecodec.EnvKeys + "=" + key.ExportSecret(), cookiecodec.EnvKeyFile + "="}
	for _, input := range []string{
		"Cookie: " + strings.Join(pairs, "; "),
		"Set-Cookie: " + strings.Join(setCookies, "\nSet-Cookie: "),
	} {
		code, stdout, stderr := runCLI(t, bin, input, env, "decode", "--json")
		if code != 0 || !strings.Contains(stdout, `"note": "`+note+`"`) || !strings.Contains(stdout, `"username": "Harry"`) {
			t.Fatalf("decode: exit %d, stdout %.300q\nstderr: %s", code, stdout, stderr)
		}
		if want := fmt.Sprintf(`"chunks": %d,`, len(setCookies)); !strings.Contains(stdout, want) {
			t.Errorf("decode --json printed no %s: %.400q", want, stdout)
		}
	}
	// A browser that lost a chunk sends the rest: a rejection naming it.
	code, _, stderr := runCLI(t, bin, "Cookie: "+strings.Join(pairs[:len(pairs)-1], "; "), env, "decode")
	if code != 1 || !strings.Contains(stderr, "is missing") {
		t.Errorf("decode with a chunk missing: exit %d, stderr %q, want 1 and the missing chunk", code, stderr)
	}
}
