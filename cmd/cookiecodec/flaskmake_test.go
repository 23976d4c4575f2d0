package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"testing"
	"time"
)

// makeFlaskCookie signs payload, JSON, as itsdangerous does for Flask,
// written here from the algorithm so that tests can choose the issue time
// and the salt: key = HMAC-SHA1(secret, salt), signature =
// HMAC-SHA1(key, payload "." timestamp).
func makeFlaskCookie(t testing.TB, secret, salt, payload string, issued time.Time) string {
	t.Helper()
	b64 := base64.RawURLEncoding
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(issued.Unix()))
	tsb := ts[:]
	for len(tsb) > 1 && tsb[0] == 0 {
		tsb = tsb[1:]
	}
	msg := b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(tsb)
	d := hmac.New(sha1.New, []byte(secret))
	d.Write([]byte(salt))
	m := hmac.New(sha1.New, d.Sum(nil))
	m.Write([]byte(msg))
	return msg + "." + b64.EncodeToString(m.Sum(nil))
}

func TestFlaskSalt(t *testing.T) {
	cleanEnv(t)
	t.Setenv(envFlaskSecret, "s3cret-for-salt-test")
	v := makeFlaskCookie(t, "s3cret-for-salt-test", "my-salt", `{"user":"ada"}`, time.Now())
	runCmd(t, "", "decode", v).want(t, exitRejected, "signature does not match")
	r := runCmd(t, "", "decode", "--salt", "my-salt", v)
	r.want(t, exitOK)
	if r.stdout != "{\n  \"user\": \"ada\"\n}\n" {
		t.Errorf("decode --salt printed %q", r.stdout)
	}
	// encode --salt makes what decode --salt opens, and only that.
	r = runCmd(t, `{"user":"bob"}`, "encode", "--format", "flask", "--salt", "my-salt")
	r.want(t, exitOK)
	runCmd(t, r.stdout, "decode", "--salt", "my-salt").want(t, exitOK)
	runCmd(t, r.stdout, "decode").want(t, exitRejected)
	runCmd(t, "{}", "encode", "--salt", "x").want(t, exitUsage, "--salt apply to --format flask only")
}

func TestExpiredInDays(t *testing.T) {
	cleanEnv(t)
	t.Setenv(envFlaskSecret, "s3cret-for-expiry")
	at := time.Now()
	v := makeFlaskCookie(t, "s3cret-for-expiry", "cookie-session", `{"a":1}`, at.Add(-40*24*time.Hour-3*time.Hour))
	pinNow(t, at)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "error: cookie expired 9d3h ago (max age 31d)\n"},
		{[]string{"--max-age", "31d"}, "error: cookie expired 9d3h ago (max age 31d)\n"},
		{[]string{"--max-age", "30d"}, "error: cookie expired 10d3h ago (max age 30d)\n"},
		{[]string{"--max-age", "720h"}, "error: cookie expired 243h ago (max age 720h)\n"},
	} {
		r := runCmd(t, "", append(append([]string{"decode"}, tc.args...), v)...)
		r.want(t, exitRejected, tc.want)
	}
}

func TestVersionFlag(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		r := runCmd(t, "", arg)
		r.want(t, exitOK)
		if r.stdout == "" || r.stdout[:12] != "cookiecodec " {
			t.Errorf("%s printed %q, want \"cookiecodec VERSION\"", arg, r.stdout)
		}
	}
}
