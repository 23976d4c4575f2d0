package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// TestNeverEchoesSecrets gives a secret, a native key in text form or a
// Flask secret, in every place where the command wants some other text,
// and checks that the output says what kind of text it got without
// quoting it.
func TestNeverEchoesSecrets(t *testing.T) {
	cleanEnv(t)
	path, _ := initKeys(t)
	key := cookiecodec.GenerateKey().ExportSecret()
	dashKey := "-" + key[1:] // a valid key, which the flag package takes for a flag
	const flaskSecret = "mrexamples"
	flaskValue := flaskCookie(t, cookiecodec.Session{"a": int64(1)}, "dev")
	for _, secret := range []string{key, dashKey, flaskSecret} {
		for _, tc := range []struct {
			name string
			args []string
			env  string // COOKIECODEC_KEY_FILE
			want string
		}{
			{"command", []string{secret}, "", "unknown command"},
			{"help", []string{"help", secret}, "", "no help for"},
			{"keys command", []string{"keys", secret}, "", "unknown keys command"},
			{"promote id", []string{"keys", "promote", path, "--", secret}, "", "is not 8 hexadecimal digits"},
			{"retire id", []string{"keys", "retire", path, "--", secret}, "", "is not 8 hexadecimal digits"},
			{"keys file", []string{"keys", "list", "--", secret}, "", "key file"},
			{"--keys", []string{"decode", "--keys", secret, "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "", "key file"},
			{"--secret-file", []string{"decode", "--secret-file", secret, flaskValue}, "", "secret file"},
			{"--format", []string{"decode", "--format", secret}, "", "--format"},
			{"--max-age", []string{"decode", "--max-age", secret}, "", "--max-age"},
			{"flag", []string{"decode", "--" + strings.TrimLeft(secret, "-")}, "", "unknown flag"},
			{"flag after keys", []string{"keys", "promote", path, secret}, "", ""},
			{"bool flag value", []string{"decode", "--json=" + secret}, "", "invalid value for --json"},
			{"COOKIECODEC_KEY_FILE", []string{"encode"}, secret, "key file"},
		} {
			t.Run(tc.name+" "+describe(secret), func(t *testing.T) {
				t.Setenv(cookiecodec.EnvKeyFile, tc.env)
				r := runCmd(t, "{}", tc.args...)
				if r.code == exitOK {
					t.Fatalf("%q succeeded", tc.args)
				}
				if strings.Contains(r.stdout+r.stderr, secret) || strings.Contains(r.stderr, secret[:8]) {
					t.Errorf("%q printed the secret:\n%s", tc.args, r.stderr)
				}
				if !strings.Contains(r.stderr, tc.want) {
					t.Errorf("%q: stderr = %q, want it to contain %q", tc.args, r.stderr, tc.want)
				}
				if !strings.Contains(r.stderr, "-character") && !strings.Contains(r.stderr, "bytes") &&
					!strings.Contains(r.stderr, "invalid value") {
					t.Errorf("%q: stderr = %q, want it to say the length of what it got", tc.args, r.stderr)
				}
			})
		}
	}
}

// TestEchoesWhatIsSafe checks that typos of known words, short hex ids,
// durations and paths are still quoted, since they help and cannot be a
// secret of any worth.
func TestEchoesWhatIsSafe(t *testing.T) {
	cleanEnv(t)
	path, _ := initKeys(t)
	missing := filepath.Join(t.TempDir(), "nokeys.json")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"command typo", []string{"decod"}, `unknown command "decod"`},
		{"keys typo", []string{"keys", "retier"}, `unknown keys command "retier"`},
		{"short id", []string{"keys", "promote", path, "1a2b3c"}, `ID "1a2b3c" is not`},
		{"duration", []string{"decode", "--max-age", "0s"}, `--max-age "0s" is less than one second`},
		{"format typo", []string{"decode", "--format", "falsk"}, `--format "falsk" is not`},
		{"flag typo", []string{"decode", "--jsn"}, `unknown flag "jsn"`},
		{"path", []string{"keys", "list", missing}, missing},
		{"relative path", []string{"keys", "list", "nokeys.json"}, "nokeys.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", tc.args...)
			r.want(t, exitUsage, tc.want)
		})
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "an empty text"},
		{cookiecodec.GenerateKey().ExportSecret(), "a 43-character base64url text, shaped like a key"},
		{"eyJhIjoxfQ.Z0f2bA.abcdefghijklmnopqrstuvwxyz0", "a 45-character text shaped like a Flask cookie"},
		{strings.Repeat("A", 80), "a 80-character base64url text, shaped like a cookie value"},
		{"-x", "a 2-character text starting with '-'"},
		{"hello world", "a 11-character text"},
	} {
		if got := describe(tc.in); got != tc.want {
			t.Errorf("describe(%d bytes) = %q, want %q", len(tc.in), got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"keys.json", true}, {"/etc/k", true}, {"a/b", true}, {"secrets.txt", true},
		{"mrexamples", false}, {"my.secret", false}, {cookiecodec.GenerateKey().ExportSecret(), false},
		{".", false}, {"x.", false},
	} {
		if got := looksLikePath(tc.in); got != tc.want {
			t.Errorf("looksLikePath(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
