package main

import (
	"encoding/base64"
	"fmt"
	"strconv"

	"github.com/cookiecodec/cookiecodec"
)

// unverifiedBanner heads inspect's text output.
const unverifiedBanner = "UNVERIFIED: no key checked this cookie, and anyone can make one that shows this."

// inspected is the JSON form of inspect's output.
type inspected struct {
	// Verified is always false: it is there so that a script reading the
	// output cannot mistake it for decode's.
	Verified bool `json:"verified"`
	meta
	// BodyLength is the length of the sealed body, in bytes (native).
	BodyLength *int `json:"body_length,omitempty"`
	// UnverifiedPayload is the payload of a signed cookie, as decode would
	// print it.
	UnverifiedPayload any `json:"unverified_payload,omitempty"`
	// PayloadError says why a readable payload could not be shown as a
	// session; UnverifiedPayloadBase64 then holds its bytes.
	PayloadError            string `json:"payload_error,omitempty"`
	UnverifiedPayloadBase64 string `json:"unverified_payload_base64,omitempty"`
}

// inspect shows what a cookie claims, without any key.
func (c *cli) inspect(args []string) int {
	flags := newFlagSet("inspect")
	asJSON := flags.Bool("json", false, "")
	name := flags.String("name", "session", "")
	pos, status, ok := c.parseFlags(flags, "inspect", args)
	if !ok {
		return status
	}
	if len(pos) > 1 {
		return c.usageError("inspect", "inspect takes one cookie, got %d arguments", len(pos))
	}
	if err := checkCookieName(*name); err != nil {
		return c.usageError("inspect", "%v", err)
	}
	value, status, ok := c.pickInput(pos, *name)
	if !ok {
		return status
	}
	switch detectFormat(value) {
	case formatFlask:
		return c.inspectFlask(value, *asJSON)
	case formatGorilla:
		return c.inspectGorilla(value, *asJSON)
	}
	u, err := cookiecodec.InspectUnverified(value)
	if err != nil {
		return c.reject(err)
	}
	out := inspected{meta: newMeta(formatNative, u.IssuedAt, u.TokenLength), BodyLength: &u.BodyLength}
	out.Version = u.Version
	out.Mode = modeName(u.Encrypted)
	out.Compressed = u.Compressed
	out.KeyID = u.KeyID.String()
	extra := [][2]string{{"body", strconv.Itoa(u.BodyLength) + " bytes"}}
	view := &jsonView{}
	if u.Encrypted {
		extra = append(extra, [2]string{"payload", "encrypted: decode it with its key"})
	} else {
		extra = append(extra, [2]string{"payload", "UNVERIFIED, readable by anyone who has the cookie:"})
		s, err := cookiecodec.UnmarshalSession(u.Payload)
		if err != nil {
			out.PayloadError = trimPrefix(err)
			out.UnverifiedPayloadBase64 = base64.StdEncoding.EncodeToString(u.Payload)
		} else {
			out.UnverifiedPayload = view.object(s)
		}
	}
	return c.printInspected(out, extra, view, *asJSON)
}

// printInspected prints inspect's result, as text or JSON, on stdout.
func (c *cli) printInspected(out inspected, extra [][2]string, view *jsonView, asJSON bool) int {
	for _, n := range view.hints() {
		c.hintf("%s", n)
	}
	var err error
	if asJSON {
		err = writeJSON(c.stdout, out)
	} else {
		fmt.Fprintln(c.stdout, unverifiedBanner)
		out.meta.print(c.stdout, extra...)
		switch {
		case out.UnverifiedPayload != nil:
			err = writeJSON(c.stdout, out.UnverifiedPayload)
		case out.PayloadError != "":
			fmt.Fprintf(c.stdout, "not a session payload (%s); its bytes in base64:\n%s\n",
				out.PayloadError, out.UnverifiedPayloadBase64)
		}
	}
	if err != nil {
		c.errorf("writing the result: %v", err)
		return exitUsage
	}
	return exitOK
}
