package main

import (
	"fmt"
	"io"
	"log/slog"
)

// A secret holds a text that must not print: a cookie value, a Flask
// secret. Behind a pointer, it prints as an address even where fmt
// bypasses Format (%p of a struct value that holds one).
type secret struct{ p *string }

// hide returns a secret holding s.
func hide(s string) secret { return secret{&s} }

// reveal returns the text; "" for the zero secret.
func (s secret) reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

func (s secret) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "main.secret(%d bytes)", len(s.reveal())) }

// The types below hold secrets or raw cookies: candidate and found Flask
// secrets, derived keys, cookie values. None of them prints its content
// under any fmt verb, nor through log/slog; encoding/json sees no exported
// field in them. Each prints its type and, where one helps, a length.

func (p picked) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "main.picked(%d-byte value from the %s, %d chunks)", len(p.value.reveal()), p.from, p.chunks)
}
func (p picked) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(p)) }

func (c cookiePair) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "main.cookiePair(%d-byte name, %d-byte value)", len(c.name), len(c.value.reveal()))
}
func (c cookiePair) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(c)) }

func (t flaskTarget) Format(f fmt.State, _ rune) { io.WriteString(f, "main.flaskTarget(redacted)") }
func (t flaskTarget) LogValue() slog.Value       { return slog.StringValue("main.flaskTarget(redacted)") }

func (w crackWorker) Format(f fmt.State, _ rune) { io.WriteString(f, "main.crackWorker(redacted)") }
func (w crackWorker) LogValue() slog.Value       { return slog.StringValue("main.crackWorker(redacted)") }

func (b batch) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "main.batch(%d candidates from line %d)", len(b.ends), b.first)
}
func (b batch) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(b)) }

func (r crackResult) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "main.crackResult(found %t at line %d, %d tried)", r.found, r.line, r.tried)
}
func (r crackResult) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(r)) }
