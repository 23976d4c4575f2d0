package interop_test

// "cookiecodec audit" against cookies that a real Flask sets: the command,
// built from ../cmd/cookiecodec, finds the guessable secret of a Flask app
// at the end of a wordlist of 100,000 lines.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// flaskAuditApp is a Flask app with the secret key of the example the
// issue quotes; it prints the Set-Cookie header of a response that stores a
// session, under the salt given as its argument ("" for Flask's own).
const flaskAuditApp = `
import sys
from flask import Flask, session
app = Flask("audit")
app.secret_key = "mrexamples"
if sys.argv[1]:
    app.session_interface.salt = sys.argv[1]
@app.route("/")
def index():
    session["user"] = "ada"
    session["roles"] = ["admin"]
    return "ok"
print(app.test_client().get("/").headers["Set-Cookie"])
`

// buildCLI builds the cookiecodec command into a temporary directory and
// returns its path.
func buildCLI(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "cookiecodec")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/cookiecodec/cookiecodec/cmd/cookiecodec")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/cookiecodec: %v\n%s", err, out)
	}
	return bin
}

func TestAuditFindsFlaskSecret(t *testing.T) {
	bin := buildCLI(t)
	const lines = 100_000
	var list bytes.Buffer
	for i := range lines - 1 {
		fmt.Fprintf(&list, "candidate-%d\n", i)
	}
	withSecret := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(withSecret, append(list.Bytes(), "mrexamples\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	without := filepath.Join(t.TempDir(), "words.txt")
	if err := os.WriteFile(without, list.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, py := range flaskPythons {
		t.Run(py.name, func(t *testing.T) {
			t.Parallel()
			requireFlaskPeer(t, py.path)
			for _, tc := range []struct {
				name, salt string
				list       string
				args       []string
				code       int
				wantOut    string
				wantErr    string
			}{
				{"found", "", withSecret, nil, 0, "mrexamples\n", fmt.Sprintf("line %d of %s verifies the cookie", lines, withSecret)},
				{"not in the list", "", without, nil, 1, "", fmt.Sprintf("none of the %d secrets in %s verifies the cookie", lines-1, without)},
				{"--salt", "other-salt", withSecret, []string{"--salt", "other-salt"}, 0, "mrexamples\n", "verifies the cookie"},
				{"wrong salt", "other-salt", withSecret, nil, 1, "", `(salt "cookie-session")`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					app := pythonCommand(py.path, "-c", flaskAuditApp, tc.salt)
					app.Dir = t.TempDir()
					header, err := app.Output()
					if err != nil {
						t.Fatalf("%s Flask app: %v", py.path, err)
					}
					setCookie := "Set-Cookie: " + strings.TrimSpace(string(header))
					cmd := exec.Command(bin, append(append([]string{"audit", "--wordlist", tc.list}, tc.args...), "-")...)
					cmd.Stdin = strings.NewReader(setCookie)
					var stdout, stderr bytes.Buffer
					cmd.Stdout, cmd.Stderr = &stdout, &stderr
					err = cmd.Run()
					code := 0
					var exit *exec.ExitError
					if errors.As(err, &exit) {
						code = exit.ExitCode()
					} else if err != nil {
						t.Fatal(err)
					}
					if code != tc.code || stdout.String() != tc.wantOut || !strings.Contains(stderr.String(), tc.wantErr) {
						t.Errorf("audit of %q: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr containing %q",
							setCookie, code, stdout.String(), stderr.String(), tc.code, tc.wantOut, tc.wantErr)
					}
				})
			}
		})
	}
}
