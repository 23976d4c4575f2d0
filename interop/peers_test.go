package interop_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// skipLogEnv names the file to which a test skipped for a missing peer
// appends one line saying what is missing and how to install it. make test
// sets it and prints the lines at its end, because go test shows skip
// messages only with -v.
const skipLogEnv = "COOKIECODEC_SKIPLOG"

// missingPeer skips the test for a missing peer, or fails it when
// COOKIECODEC_REQUIRE_PEERS=1. peer names what is missing, install how to
// get it, and detail why it was found missing.
func missingPeer(t *testing.T, peer, install, detail string) {
	t.Helper()
	msg := fmt.Sprintf("%s not available (%s): %s", peer, detail, install)
	if os.Getenv("COOKIECODEC_REQUIRE_PEERS") == "1" {
		t.Fatal(msg)
	}
	if path := os.Getenv(skipLogEnv); path != "" {
		if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
			fmt.Fprintf(f, "%s\t%s\t%s\n", peer, install, t.Name())
			f.Close()
		}
	}
	t.Skip(msg)
}

// pythonCommand returns a command running python in isolated mode (-I):
// neither the current directory nor the script's directory is on
// sys.path, and PYTHON* variables are ignored. Without it, a python started
// from the repository root imports the Go package in ../flask as a
// namespace package named flask.
func pythonCommand(python string, args ...string) *exec.Cmd {
	return exec.Command(python, append([]string{"-I"}, args...)...)
}

// requireFlaskPeer skips the test if python cannot import the real Flask,
// or fails it when COOKIECODEC_REQUIRE_PEERS=1. The check runs from an
// empty directory, in isolated mode, and asks for what the tests use.
func requireFlaskPeer(t *testing.T, python string) {
	t.Helper()
	cmd := pythonCommand(python, "-c",
		"import flask, flask.sessions, itsdangerous; assert flask.__file__ and callable(flask.Flask)")
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	install := "apt-get install python3-flask"
	if python != "/usr/bin/python3" {
		install = "install Flask for " + python + " (pip install flask)"
	}
	missingPeer(t, "Flask under "+python, install, strings.TrimSpace(firstLine(string(out), err)))
}

// forEachFlask runs test as a subtest for each of flaskPythons, skipped
// (or failed, with COOKIECODEC_REQUIRE_PEERS=1) where Flask is missing.
func forEachFlask(t *testing.T, test func(t *testing.T, python string)) {
	t.Helper()
	for _, py := range flaskPythons {
		t.Run(py.name, func(t *testing.T) {
			requireFlaskPeer(t, py.path)
			test(t, py.path)
		})
	}
}

func firstLine(out string, err error) string {
	out = strings.TrimSpace(out)
	if out == "" {
		return err.Error()
	}
	lines := strings.Split(out, "\n")
	return lines[len(lines)-1]
}
