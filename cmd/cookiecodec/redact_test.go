package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestTypesNeverPrintSecrets formats every type of the command that holds
// a secret or a raw cookie under every fmt verb, as a value and as a
// pointer, through encoding/json and through both log/slog handlers, and
// looks for the secret. New types that hold secrets join the table.
func TestTypesNeverPrintSecrets(t *testing.T) {
	const secret = "S3CRETs3cretS3CRET"
	cookie := makeFlaskCookie(t, secret, "cookie-session", `{"user":"S3CRETuser"}`, time.Now())
	target, err := newFlaskTarget(cookie, "cookie-session")
	if err != nil {
		t.Fatal(err)
	}
	w := target.newWorker()
	w.try([]byte(secret))
	b := &batch{data: []byte(secret + secret), ends: []int{len(secret), 2 * len(secret)}, first: 1}
	values := []any{
		picked{value: hide(cookie), from: "value"},
		cookiePair{name: "session", value: hide(cookie)},
		target, w, b, // used only by pointer
		hide(secret),
		crackResult{found: true, secret: hide(secret), line: 3},
	}
	needles := []string{secret, "S3CRET", cookie[:20], fmt.Sprintf("%x", secret)[:16], fmt.Sprint([]byte(secret))[:20]}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t", "%T", "%p", "%o", "%e", "%b", "%c", "%U"}
	for _, v := range values {
		var outs []string
		for _, verb := range verbs {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		j, err := json.Marshal(v)
		if err == nil {
			outs = append(outs, string(j))
		}
		var logs bytes.Buffer
		slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "v", v)
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "v", v)
		outs = append(outs, logs.String())
		for i, out := range outs {
			for _, n := range needles {
				if strings.Contains(out, n) {
					t.Errorf("%T printed a secret (output %d): %q", v, i, out)
				}
			}
		}
	}
}
