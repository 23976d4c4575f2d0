package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec"
	"github.com/cookiecodec/cookiecodec/flask"
	"github.com/cookiecodec/cookiecodec/gorilla"
)

// envFlaskSecret holds Flask's current secret key.
const envFlaskSecret = "FLASK_SECRET_KEY"

// maxSecretFile is the largest secret file, in bytes, that the command
// reads: 64 KiB.
const maxSecretFile = 64 << 10

// detectFormat tells a Flask cookie from a native token by its shape: a
// Flask cookie joins its fields with dots, and a native token never holds
// one. A value with a dot that is not quite a Flask cookie goes to the
// Flask decoder too, which says what is wrong. A gorilla cookie decodes
// to a decimal timestamp and "|", which a native token never does.
func detectFormat(value string) string {
	if strings.Contains(value, ".") {
		return formatFlask
	}
	if gorilla.LooksLikeGorilla(value) {
		return formatGorilla
	}
	return formatNative
}

// loadSecrets returns Flask's secrets: the lines of the file at path, the
// first current and the others fallbacks, or else FLASK_SECRET_KEY. One
// trailing newline per line is not part of the secret. Errors never
// contain a secret.
func (c *cli) loadSecrets(path string) ([][]byte, error) {
	if path == "" {
		if s := os.Getenv(envFlaskSecret); s != "" {
			return [][]byte{[]byte(s)}, nil
		}
		return nil, fmt.Errorf("no Flask secret: pass --secret-file FILE, or set %s", envFlaskSecret)
	}
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // without the path, which pathText shows
		}
		return nil, fmt.Errorf("secret file %s: %w", pathText(path), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return nil, fmt.Errorf("secret file %s: %w", path, err)
	}
	if len(data) > maxSecretFile {
		return nil, fmt.Errorf("secret file %s is more than %d bytes", path, maxSecretFile)
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	if len(data) == 0 {
		return nil, fmt.Errorf("secret file %s is empty", path)
	}
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		if len(l) == 0 {
			return nil, fmt.Errorf("secret file %s: line %d is empty", path, i+1)
		}
		if l[len(l)-1] == '\r' {
			c.hintf("line %d of %s ends with a carriage return, which is part of that secret", i+1, path)
		}
	}
	return lines, nil
}

// flaskCodec returns a Flask codec for the configured secrets.
func (c *cli) flaskCodec(cf codecFlags, opts flask.Options) (*flask.Codec, error) {
	if cf.keys != "" {
		return nil, errors.New("--keys applies to native cookies only: give Flask secrets with --secret-file or " + envFlaskSecret)
	}
	secrets, err := c.loadSecrets(cf.secretFile)
	if err != nil {
		return nil, err
	}
	opts.SecretKeys = secrets
	return flask.New(opts)
}

// encodeFlask reads a session in Flask's tagged JSON and prints a Flask
// cookie value for it.
func (c *cli) encodeFlask(cf codecFlags, data []byte) int {
	s, err := flask.UnmarshalTagged(data)
	if err != nil {
		return c.configError(fmt.Errorf("invalid JSON input: %s", trimPrefix(err)))
	}
	codec, err := c.flaskCodec(cf, flask.Options{})
	if err != nil {
		return c.configError(err)
	}
	value, err := codec.Encode(cf.name, s)
	if err != nil {
		return c.configError(err)
	}
	fmt.Fprintln(c.stdout, value)
	return exitOK
}

// decodeFlask verifies a Flask cookie and prints its session.
func (c *cli) decodeFlask(cf codecFlags, value string, maxAge time.Duration, asJSON, tagged bool) int {
	// A malformed cookie is rejected whether or not secrets are configured.
	if _, err := flask.InspectUnverified(value); err != nil {
		status := c.reject(err)
		if detectFormat(value) == formatNative {
			c.hintf("this looks like a native cookiecodec cookie: use --format native or auto")
		}
		return status
	}
	codec, err := c.flaskCodec(cf, flask.Options{MaxAge: maxAge, MaxLength: flask.MaxUnverifiedLength})
	if err != nil {
		return c.configError(err)
	}
	s, info, err := codec.Decode(cf.name, value)
	if err != nil {
		return c.rejectCookie(err)
	}
	m := newMeta(formatFlask, info.IssuedAt, len(value))
	m.Mode = modeName(false)
	m.Compressed = info.Compressed
	m.KeyID = info.KeyID.String()
	current := !info.Stale
	m.Primary = &current
	if tagged {
		status := c.printTagged(m, s, asJSON)
		c.staleFlaskHint(codec, info)
		return status
	}
	status := c.printDecoded(m, s, flaskView(), asJSON)
	c.staleFlaskHint(codec, info)
	return status
}

func (c *cli) staleFlaskHint(codec *flask.Codec, info cookiecodec.Info) {
	if !info.Stale {
		return
	}
	ids := codec.KeyIDs()
	line := 0
	for i, id := range ids {
		if id == info.KeyID {
			line = i + 1
		}
	}
	c.hintf("verified with the fallback secret on line %d (key id %s): a server using cookiecodec would re-issue it under the current secret %s; Flask itself does not", line, info.KeyID, ids[0])
}

// printTagged prints a Flask session as Flask's own tagged JSON, which
// encode --format flask reads back with every type kept.
func (c *cli) printTagged(m meta, s cookiecodec.Session, asJSON bool) int {
	js, err := flask.MarshalTagged(s)
	if err != nil {
		c.errorf("%s", trimPrefix(err))
		return exitRejected
	}
	if asJSON {
		err = writeJSON(c.stdout, struct {
			meta
			Session json.RawMessage `json:"session"`
		}{m, js})
	} else {
		m.print(c.stderr)
		_, err = fmt.Fprintf(c.stdout, "%s\n", js)
	}
	if err != nil {
		c.errorf("writing the session: %v", err)
		return exitUsage
	}
	return exitOK
}

// flaskView returns a jsonView that also prints Flask's tagged types:
// tuples as arrays, UUIDs in their 36-character form, Markup as its text,
// and integers of any size exactly.
func flaskView() *jsonView {
	j := &jsonView{}
	j.other = func(v any) (any, bool) {
		switch t := v.(type) {
		case flask.Tuple:
			return j.value([]any(t)), true
		case flask.UUID:
			return t.String(), true
		case flask.Markup:
			return string(t), true
		case *big.Int:
			return json.Number(t.String()), true
		}
		return nil, false
	}
	return j
}

// inspectFlask shows what a Flask cookie claims, without any secret.
func (c *cli) inspectFlask(value string, asJSON bool) int {
	u, err := flask.InspectUnverified(value)
	if err != nil {
		return c.reject(err)
	}
	out := inspected{meta: newMeta(formatFlask, u.IssuedAt, len(value))}
	out.Mode = modeName(false)
	out.Compressed = u.Compressed
	extra := [][2]string{{"payload", "UNVERIFIED, readable by anyone who has the cookie:"}}
	view := flaskView()
	s, err := flask.UnmarshalTagged(u.Payload)
	if err != nil {
		out.PayloadError = trimPrefix(err)
		out.UnverifiedPayloadBase64 = base64.StdEncoding.EncodeToString(u.Payload)
	} else {
		out.UnverifiedPayload = view.object(s)
	}
	return c.printInspected(out, extra, view, asJSON)
}
