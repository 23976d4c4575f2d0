package main

import (
	"encoding/base64"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

func TestWeakFlaskSecret(t *testing.T) {
	for _, tc := range []struct {
		secret string
		want   []string
	}{
		{"mrexamples", []string{"shorter than 16 bytes", "made of words"}},
		{"dev", []string{"shorter than 16 bytes", "made of words"}},
		{"x", []string{"shorter than 16 bytes"}},
		{"aaaaaaaaaaaaaaaaaaaa", []string{"one character repeated"}},
		{"SECRET_KEY_FOR_MY_APP", []string{"made of words"}},
		{"IRGpOjulsAViEyIJIqwhqYVjag", nil}, // mixed case within words
		{"!!!!!!!!!!!!!!!!!!!!", []string{"one character repeated"}},
		{"xkcdxkcdxkcdxkcdxkcd", []string{"a pattern of 4 bytes repeated"}},
		{"ab1ab1ab1ab1ab1ab1a", []string{"a pattern of 3 bytes repeated"}},
		{"1234567890123456", []string{"only digits"}},
		{"20240101", []string{"shorter than 16 bytes", "only digits"}},
		{"ababababcdcdcdcdcdcd", []string{"only 4 different characters"}},
		{"this-is-a-secret-key-change-it", []string{"made of words"}},
		{"SuperSecretKey123!", []string{"made of words"}},
		{"correct horse battery staple", []string{"made of words"}},
		{"my_flask_app.secret", []string{"made of words"}},
		{"you-will-never-guess", []string{"made of words"}},
		// Strong enough for these checks.
		{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", nil},
		{"Qm8bT3xKp_7vZ2wYn-LcR5dHs1gFj9eAuXo4iNtEkMy", nil},
		{"\x8a\x1f\xc3\x00\x91\x7e\x55\xd2\x0b\xe4\x36\xaa\x19\x73\xf0\x4c", nil},
		{"correcthorsebatterystaplexyzzyqwrtplmnbvc", nil}, // long consonant runs
		{"pässwörd-geheimnis", nil},                        // not ASCII: not judged as words
	} {
		t.Run(tc.secret, func(t *testing.T) {
			if got := weakFlaskSecret([]byte(tc.secret)); !slices.Equal(got, tc.want) {
				t.Errorf("weakFlaskSecret(%q) = %q, want %q", tc.secret, got, tc.want)
			}
		})
	}
}

// TestRandomSecretsPass checks that secrets made as the documentation says
// pass: random bytes, and their hexadecimal and base64url forms.
func TestRandomSecretsPass(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		b := make([]byte, 16+rng.IntN(33))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		for _, s := range []string{string(b), hex.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b)} {
			if why := weakFlaskSecret([]byte(s)); why != nil {
				t.Errorf("weakFlaskSecret(%q) = %q, want nothing", s, why)
			}
		}
		if len(b) >= 32 {
			if why := weakNativeKey(b); why != nil {
				t.Errorf("weakNativeKey(%x) = %q, want nothing", b, why)
			}
		}
	}
}

func TestWeakNativeKey(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret []byte
		want   []string
	}{
		{"zeros", make([]byte, 32), []string{"a pattern of 1 bytes repeated"}},
		{"a password", []byte("correct horse battery staple 123"), []string{"printable text, such as a password, not random bytes"}},
		{"hex text", []byte("0123456789abcdef0123456789abcdee"), []string{"printable text, such as a password, not random bytes"}},
		{"a repeated half", []byte(strings.Repeat("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 2)), []string{"a pattern of 16 bytes repeated"}},
		{"few bytes", append(make([]byte, 30), 1, 2), []string{"only 3 different bytes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := weakNativeKey(tc.secret); !slices.Equal(got, tc.want) {
				t.Errorf("weakNativeKey(%q) = %q, want %q", tc.secret, got, tc.want)
			}
		})
	}
}

func TestPeriod(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{{"", 0}, {"a", 1}, {"aa", 1}, {"ab", 2}, {"abab", 2}, {"ababa", 2}, {"abaab", 3}, {"aabaa", 3}, {"abcd", 4}, {"abcabcab", 3}} {
		if got := period([]byte(tc.s)); got != tc.want {
			t.Errorf("period(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

// TestWeakSecretWarnings runs the commands that read Flask secrets and
// native keys: a weak one is named with its length and reasons, never
// shown, and the command goes on.
func TestWeakSecretWarnings(t *testing.T) {
	cleanEnv(t)
	const weak, strong = "mrexamples", "Qm8bT3xKp_7vZ2wYn-LcR5dHs1gFj9eAuXo4iNtEkMy"
	cookie := flaskCookie(t, cookiecodec.Session{"user": "ada"}, weak)
	file := secretFile(t, weak+"\n"+strong+"\n")
	r := runCmd(t, "", "decode", "--secret-file", file, cookie)
	r.want(t, exitOK, "cookiecodec: warning: the Flask secret in line 1 of "+file+" is weak (10 bytes; shorter than 16 bytes, made of words): anyone who guesses it can forge sessions; use 32 random bytes\n")
	if strings.Count(r.stderr, "warning:") != 1 || strings.Contains(r.stderr, weak) {
		t.Errorf("stderr = %q, want one warning that does not show the secret", r.stderr)
	}

	t.Setenv(envFlaskSecret, weak)
	r = runCmd(t, `{"a":1}`, "encode", "--format", "flask")
	r.want(t, exitOK, "cookiecodec: warning: the Flask secret in FLASK_SECRET_KEY is weak (10 bytes; ")
	t.Setenv(envFlaskSecret, strong)
	if r = runCmd(t, `{"a":1}`, "encode", "--format", "flask"); strings.Contains(r.stderr, "warning") {
		t.Errorf("a strong secret drew a warning: %q", r.stderr)
	}

	password, err := cookiecodec.NewKey([]byte("correct horse battery staple 123"))
	if err != nil {
		t.Fatal(err)
	}
	random := cookiecodec.GenerateKey()
	t.Setenv(cookiecodec.EnvKeys, random.ExportSecret()+","+password.ExportSecret())
	value := encodeOK(t, `{"a":1}`)
	r = runCmd(t, "", "decode", value)
	r.want(t, exitOK, "cookiecodec: warning: key "+password.ID().String()+" is weak (32 bytes; printable text, such as a password, not random bytes): make keys with 'cookiecodec keygen' or 'cookiecodec keys add'\n")
	if strings.Count(r.stderr, "warning:") != 1 || strings.Contains(r.stderr, password.ExportSecret()) || strings.Contains(r.stderr, "correct horse") {
		t.Errorf("stderr = %q, want one warning that does not show the key", r.stderr)
	}
	t.Setenv(cookiecodec.EnvKeys, random.ExportSecret())
	if r = runCmd(t, `{"a":1}`, "encode"); strings.Contains(r.stderr, "warning") {
		t.Errorf("a random key drew a warning: %q", r.stderr)
	}
}
