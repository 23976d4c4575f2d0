package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// result is what one run of the command did.
type result struct {
	code           int
	stdout, stderr string
}

// runIn runs the command in-process with stdin as its input.
func runIn(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	code := run(args, stdin, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// runCmd runs the command in-process with the string stdin as input.
func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return runIn(t, strings.NewReader(stdin), args...)
}

// want checks the exit status and that stderr holds every one of wantErr.
func (r result) want(t *testing.T, code int, wantErr ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	for _, w := range wantErr {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr = %q, want it to contain %q", r.stderr, w)
		}
	}
}

// cleanEnv clears the variables the command reads, for the test's length.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{cookiecodec.EnvKeys, cookiecodec.EnvKeyFile, envFlaskSecret} {
		t.Setenv(v, "")
	}
}

// pinNow sets the command's clock for the test's length.
func pinNow(t *testing.T, at time.Time) {
	t.Helper()
	old := now
	now = func() time.Time { return at }
	t.Cleanup(func() { now = old })
}

func TestUsage(t *testing.T) {
	cleanEnv(t)
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		wantOut    string // in stdout
		wantErr    string // in stderr
		wantNoOut  bool
		wantStatus bool // the usage lists the exit statuses
	}{
		{"no arguments", nil, exitUsage, "", "usage: cookiecodec COMMAND", true, true},
		{"help", []string{"help"}, exitOK, "usage: cookiecodec COMMAND", "", false, true},
		{"-h", []string{"-h"}, exitOK, "usage: cookiecodec COMMAND", "", false, true},
		{"--help", []string{"--help"}, exitOK, "usage: cookiecodec COMMAND", "", false, true},
		{"unknown command", []string{"frobnicate"}, exitUsage, "", `error: unknown command (a 10-character text)`, true, false},
		{"unknown command hints", []string{"frob"}, exitUsage, "", "cookiecodec: hint: run 'cookiecodec -h' for usage\n", true, false},
		{"help unknown", []string{"help", "frobnicate"}, exitUsage, "", "not a command", true, false},
		{"help decode", []string{"help", "decode"}, exitOK, "usage: cookiecodec decode", "", false, true},
		{"help keys add", []string{"help", "keys", "add"}, exitOK, "usage: cookiecodec keys add FILE", "", false, true},
		{"keygen -h", []string{"keygen", "-h"}, exitOK, "usage: cookiecodec keygen", "", false, true},
		{"keys", []string{"keys"}, exitUsage, "", "keys needs a command", true, false},
		{"keys -h", []string{"keys", "-h"}, exitOK, "usage: cookiecodec keys COMMAND", "", false, true},
		{"keys unknown", []string{"keys", "shred"}, exitUsage, "", `unknown keys command (a 5-character text)`, true, false},
		{"keys init -h", []string{"keys", "init", "-h"}, exitOK, "usage: cookiecodec keys init FILE", "", false, true},
		{"keys add -h", []string{"keys", "add", "-h"}, exitOK, "usage: cookiecodec keys add FILE", "", false, true},
		{"keys promote -h", []string{"keys", "promote", "-h"}, exitOK, "usage: cookiecodec keys promote FILE ID", "", false, true},
		{"keys retire -h", []string{"keys", "retire", "-h"}, exitOK, "usage: cookiecodec keys retire [--max-age D] [--force] FILE ID", "", false, true},
		{"keys list -h", []string{"keys", "list", "-h"}, exitOK, "usage: cookiecodec keys list FILE", "", false, true},
		{"encode -h", []string{"encode", "-h"}, exitOK, "usage: cookiecodec encode", "", false, true},
		{"decode -h", []string{"decode", "-h"}, exitOK, "usage: cookiecodec decode", "", false, true},
		{"decode --help after a value", []string{"decode", "AAAA", "--help"}, exitOK, "usage: cookiecodec decode", "", false, true},
		{"inspect -h", []string{"inspect", "-h"}, exitOK, "usage: cookiecodec inspect", "", false, true},
		{"version -h", []string{"version", "-h"}, exitOK, "usage: cookiecodec version", "", false, true},
		{"unknown flag", []string{"decode", "--frob"}, exitUsage, "", "unknown flag (a 4-character text)", true, false},
		{"unknown flag hints at usage", []string{"keys", "add", "--frob", "f"}, exitUsage, "", "hint: run 'cookiecodec keys add -h' for usage", true, false},
		{"flag without value", []string{"decode", "--max-age"}, exitUsage, "", "--max-age needs a value", true, false},
		{"keygen argument", []string{"keygen", "x"}, exitUsage, "", "keygen takes no arguments", true, false},
		{"version argument", []string{"version", "x"}, exitUsage, "", "version takes no arguments", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", tc.args...)
			r.want(t, tc.code, tc.wantErr)
			if !strings.Contains(r.stdout, tc.wantOut) {
				t.Errorf("stdout = %q, want it to contain %q", r.stdout, tc.wantOut)
			}
			if tc.wantNoOut && r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if tc.code == exitUsage && !strings.HasPrefix(r.stderr, "cookiecodec: error: ") && !strings.HasPrefix(r.stderr, "usage:") {
				t.Errorf("stderr = %q, want a diagnostic or the usage", r.stderr)
			}
			if tc.wantStatus && !strings.Contains(r.stdout+r.stderr, "Exit status:\n  0  success") {
				t.Errorf("usage does not list the exit statuses:\n%s", r.stdout+r.stderr)
			}
		})
	}
}

func TestEveryUsageListsExitStatuses(t *testing.T) {
	for name, u := range usages {
		if !strings.HasPrefix(u, "usage: cookiecodec "+name) {
			t.Errorf("usage of %q starts %q, want \"usage: cookiecodec %s\"", name, u[:min(len(u), 40)], name)
		}
		if !strings.HasSuffix(u, exitStatuses) {
			t.Errorf("usage of %q does not end with the exit statuses", name)
		}
		for _, line := range strings.Split(u, "\n") {
			if len(line) > 100 {
				t.Errorf("usage of %q has a line of %d characters: %q", name, len(line), line)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	r := runCmd(t, "", "version")
	r.want(t, exitOK)
	// Tests run without a module version, so the fallback shows.
	if r.stdout != "cookiecodec (devel)\n" {
		t.Errorf("version printed %q, want %q", r.stdout, "cookiecodec (devel)\n")
	}
}

func TestTrimPrefix(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"cookiecodec: invalid cookie: signed by unknown key 1a2b3c4d", "signed by unknown key 1a2b3c4d"},
		{"cookiecodec: cookie expired 2h13m ago (max age 1h)", "cookie expired 2h13m ago (max age 1h)"},
		{"flask: invalid cookie: signature does not match", "signature does not match"},
		{"no keys", "no keys"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := trimPrefix(errString(tc.in)); got != tc.want {
				t.Errorf("trimPrefix(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// TestSecretsNeverPrinted runs every command with keys and secrets
// configured, succeeding and failing, and looks for the secrets in the
// output.
func TestSecretsNeverPrinted(t *testing.T) {
	cleanEnv(t)
	path, _ := initKeys(t)
	runCmd(t, "", "keys", "add", path).want(t, exitOK)
	var secrets []string
	for _, e := range loadKeys(t, path).Entries() {
		secrets = append(secrets, e.Key.ExportSecret())
	}
	envKey := cookiecodec.GenerateKey().ExportSecret()
	const flaskSecret = "flask secret 0123456789"
	secrets = append(secrets, envKey, flaskSecret)
	t.Setenv(envFlaskSecret, flaskSecret)
	value := encodeOK(t, `{"user":"ada"}`, "--keys", path)
	flaskValue := encodeOK(t, `{"user":"ada"}`, "--format", "flask")
	for _, args := range [][]string{
		{"keys", "list", path},
		{"keys", "promote", path, "00000000"},
		{"keys", "retire", path, "00000000"},
		{"decode", "--keys", path, value},
		{"decode", "--keys", path, "--json", value},
		{"decode", "--keys", path, value + "x"},
		{"decode", flaskValue},
		{"decode", "--json", "--tagged", flaskValue},
		{"decode", flaskValue + "x"},
		{"decode", value},
		{"inspect", value},
		{"inspect", "--json", flaskValue},
		{"encode", "--keys", path},
		{"encode", "--format", "flask"},
	} {
		for _, env := range []string{envKey, envKey[:30], envKey + "," + envKey} {
			t.Setenv(cookiecodec.EnvKeys, env)
			r := runCmd(t, `{"a":1}`, args...)
			for _, s := range append(secrets, envKey[:30]) {
				if strings.Contains(r.stdout+r.stderr, s) {
					t.Errorf("%q with %s set printed a secret:\n%s%s", args, cookiecodec.EnvKeys, r.stdout, r.stderr)
				}
			}
		}
	}
}
