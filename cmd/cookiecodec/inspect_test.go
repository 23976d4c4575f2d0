package main

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// forge makes a native token without any key: it has the form of a token,
// but its MAC is zeros, so only inspect accepts it.
func forge(t *testing.T, flags byte, id uint32, iat int64, payload []byte) string {
	t.Helper()
	raw := []byte{1, flags}
	raw = binary.BigEndian.AppendUint32(raw, id)
	raw = binary.BigEndian.AppendUint64(raw, uint64(iat))
	raw = append(raw, payload...)
	raw = append(raw, make([]byte, 32)...)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func TestInspect(t *testing.T) {
	secret := envKeys(t)
	signed := encodeOK(t, `{"user":"ada","n":9007199254740993}`)
	encrypted := encodeOK(t, `{"user":"ada"}`, "--encrypt")
	compressed := encodeOK(t, `{"text":"`+strings.Repeat("ab", 200)+`"}`, "--compress")
	cbor, err := cookiecodec.MarshalSession(cookiecodec.Session{"admin": true})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	pinNow(t, at)
	forged := forge(t, 0, 0x1a2b3c4d, at.Add(-2*time.Hour-13*time.Minute).Unix(), cbor)
	future := forge(t, 0, 0x1a2b3c4d, at.Add(5*time.Minute).Unix(), cbor)
	junk := forge(t, 0, 0x1a2b3c4d, at.Unix(), []byte("junk"))
	// inspect needs no key.
	t.Setenv(cookiecodec.EnvKeys, "")

	for _, tc := range []struct {
		name, value string
		want        []string
	}{
		{"signed", signed, []string{
			unverifiedBanner + "\nformat:    native v1\nmode:      signed\nkey id:    ",
			"\nbody:      ", "\npayload:   UNVERIFIED, readable by anyone who has the cookie:\n{\n  \"n\": 9007199254740993,\n  \"user\": \"ada\"\n}\n",
		}},
		{"encrypted", encrypted, []string{"mode:      encrypted\n", "payload:   encrypted: decode it with its key\n"}},
		{"compressed", compressed, []string{"mode:      signed, compressed\n", `"text": "abab`}},
		{"forged", forged, []string{
			"key id:    1a2b3c4d\nissued at: 2026-11-27T23:47:00Z (2h13m ago)\nlength:    " + itoa(len(forged)) + " bytes\nbody:      " + itoa(len(cbor)) + " bytes\n",
			"{\n  \"admin\": true\n}\n",
		}},
		{"future", future, []string{"issued at: 2026-11-28T02:05:00Z (in 5m, in the future)\n"}},
		{"not a session", junk, []string{"not a session payload (malformed session payload: ", "its bytes in base64:\nanVuaw==\n"}},
		{"from a Cookie header", "Cookie: a=b; session=" + forged, []string{"key id:    1a2b3c4d\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", "inspect", tc.value)
			r.want(t, exitOK)
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("inspect printed\n%s\nwant it to contain\n%s", r.stdout, w)
				}
			}
			if r.stderr != "" {
				t.Errorf("inspect wrote %q to stderr", r.stderr)
			}
			if strings.Contains(r.stdout, secret) {
				t.Error("inspect printed the key")
			}
		})
	}
}

func TestInspectJSON(t *testing.T) {
	cleanEnv(t)
	cbor, err := cookiecodec.MarshalSession(cookiecodec.Session{"admin": true, "n": int64(1) << 60})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	pinNow(t, at)
	forged := forge(t, 0, 0x1a2b3c4d, at.Add(-90*time.Second).Unix(), cbor)
	for _, tc := range []struct {
		name, value, want string
	}{
		{"signed", forged, `{
  "verified": false,
  "format": "native",
  "version": 1,
  "mode": "signed",
  "compressed": false,
  "key_id": "1a2b3c4d",
  "issued_at": "2026-11-28T01:58:30Z",
  "age_seconds": 90,
  "length": ` + itoa(len(forged)) + `,
  "body_length": ` + itoa(len(cbor)) + `,
  "unverified_payload": {
    "admin": true,
    "n": 1152921504606846976
  }
}
`},
		{"encrypted", forge(t, 1, 7, at.Unix(), make([]byte, 8)), `{
  "verified": false,
  "format": "native",
  "version": 1,
  "mode": "encrypted",
  "compressed": false,
  "key_id": "00000007",
  "issued_at": "2026-11-28T02:00:00Z",
  "age_seconds": 0,
  "length": 72,
  "body_length": 0
}
`},
		{"not a session", forge(t, 0, 7, at.Unix(), []byte{0xff}), `{
  "verified": false,
  "format": "native",
  "version": 1,
  "mode": "signed",
  "compressed": false,
  "key_id": "00000007",
  "issued_at": "2026-11-28T02:00:00Z",
  "age_seconds": 0,
  "length": 63,
  "body_length": 1,
  "payload_error": "malformed session payload: top level is not a map",
  "unverified_payload_base64": "/w=="
}
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", "inspect", "--json", tc.value)
			r.want(t, exitOK)
			if r.stdout != tc.want {
				t.Errorf("inspect --json printed\n%s\nwant\n%s", r.stdout, tc.want)
			}
			if !json.Valid([]byte(r.stdout)) {
				t.Error("inspect --json printed invalid JSON")
			}
		})
	}
}

func TestInspectRejects(t *testing.T) {
	cleanEnv(t)
	for _, tc := range []struct {
		name, value, wantErr string
	}{
		{"version 2", "Ag" + forge(t, 0, 1, 1, nil)[2:], "unknown version 2"},
		{"unknown flags", forge(t, 4, 1, 1, nil), "unknown flags"},
		{"not base64", strings.Repeat("*", 80), "not canonical base64url"},
		{"too short", "AQAA", "too short for a token"},
		{"corrupt deflate", forge(t, 2, 1, 1, []byte{0xff, 0xff}), "corrupt compressed payload"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCmd(t, "", "inspect", tc.value)
			r.want(t, exitRejected, tc.wantErr)
			wantRejection(t, r, tc.value, "")
		})
	}
	runCmd(t, "", "inspect", "AAAA", "BBBB").want(t, exitUsage, "inspect takes one cookie, got 2 arguments")
	runCmd(t, "", "inspect", "--name", "a=b", "AAAA").want(t, exitUsage, "not a valid cookie name")
}

func itoa(n int) string { return jsonInt(int64(n)) }
