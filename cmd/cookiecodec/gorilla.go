package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec/gorilla"
)

// formatGorilla is gorilla/securecookie's format, for --format.
const formatGorilla = "gorilla"

// maxGorillaKeyFile is the longest key file decode reads, in bytes.
const maxGorillaKeyFile = 4096

// gorillaFlags are decode's flags for gorilla cookies.
// Each key flag may repeat, for several key pairs tried in order.
type gorillaFlags struct {
	hashKeyFiles  []string
	blockKeyFiles []string
	serializer    string
}

func registerGorillaFlags(flags *flag.FlagSet) *gorillaFlags {
	var g gorillaFlags
	flags.Func("hash-key-file", "", func(s string) error { g.hashKeyFiles = append(g.hashKeyFiles, s); return nil })
	flags.Func("block-key-file", "", func(s string) error { g.blockKeyFiles = append(g.blockKeyFiles, s); return nil })
	flags.StringVar(&g.serializer, "serializer", "", "")
	return &g
}

// usedWith returns a usage error if a gorilla flag is set for a cookie of
// another format.
func (g *gorillaFlags) usedWith(format string) error {
	if len(g.hashKeyFiles) > 0 || len(g.blockKeyFiles) > 0 || g.serializer != "" {
		return fmt.Errorf("--hash-key-file, --block-key-file and --serializer apply to gorilla cookies only, and this is a %s cookie", format)
	}
	return nil
}

// readGorillaKey reads a key file: the raw key bytes, as given to
// securecookie.New, without one trailing newline. Errors never contain
// the key.
func readGorillaKey(what, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // without the path, which pathText shows
		}
		return nil, fmt.Errorf("%s file %s: %w", what, pathText(path), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxGorillaKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s file %s: %w", what, pathText(path), err)
	}
	if len(data) > maxGorillaKeyFile {
		return nil, fmt.Errorf("%s file %s is more than %d bytes", what, pathText(path), maxGorillaKeyFile)
	}
	if bytes.HasSuffix(data, []byte("\r\n")) {
		data = data[:len(data)-2]
	} else {
		data = bytes.TrimSuffix(data, []byte("\n"))
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s file %s is empty", what, pathText(path))
	}
	return data, nil
}

// gorillaDecoder builds the decoder the flags describe.
func (g *gorillaFlags) decoder(cf codecFlags, maxAge time.Duration) (*gorilla.Decoder, error) {
	if cf.keys != "" || cf.secretFile != "" {
		return nil, errors.New("--keys and --secret-file do not apply to gorilla cookies: give the keys with --hash-key-file and --block-key-file")
	}
	if len(g.hashKeyFiles) == 0 {
		return nil, errors.New("a gorilla cookie needs --hash-key-file FILE: the hash key given to securecookie.New or sessions.NewCookieStore")
	}
	if n := len(g.blockKeyFiles); n > 0 && n != len(g.hashKeyFiles) {
		return nil, fmt.Errorf("%s for %s: give one --block-key-file per --hash-key-file, in the same order, or none",
			plural(n, "block key", "block keys"), plural(len(g.hashKeyFiles), "hash key", "hash keys"))
	}
	opts := gorilla.Options{MaxAge: maxAge, MaxLength: gorilla.MaxUnverifiedLength}
	switch g.serializer {
	case "", "gob":
		opts.Serializer = gorilla.Gob
	case "json":
		opts.Serializer = gorilla.JSON
	default:
		return nil, fmt.Errorf("--serializer %s is not gob or json", argText(g.serializer, "gob", "json"))
	}
	for i, path := range g.hashKeyFiles {
		hashKey, err := readGorillaKey("hash key", path)
		if err != nil {
			return nil, err
		}
		pair := gorilla.KeyPair{HashKey: hashKey}
		if len(g.blockKeyFiles) > 0 {
			if pair.BlockKey, err = readGorillaKey("block key", g.blockKeyFiles[i]); err != nil {
				return nil, err
			}
		}
		opts.Keys = append(opts.Keys, pair)
	}
	return gorilla.New(opts)
}

// decodeGorilla verifies a gorilla/securecookie cookie and prints its
// session.
func (c *cli) decodeGorilla(cf codecFlags, g *gorillaFlags, value string, maxAge time.Duration, asJSON, tagged bool) int {
	if tagged {
		return c.usageError("decode", "--tagged applies to Flask cookies only, and this is a gorilla cookie")
	}
	if _, err := gorilla.InspectUnverified(value); err != nil {
		return c.reject(err)
	}
	d, err := g.decoder(cf, maxAge)
	if err != nil {
		return c.configError(err)
	}
	s, info, err := d.Decode(cf.name, value)
	if err != nil {
		status := c.rejectCookie(err)
		if msg := err.Error(); strings.Contains(msg, " body: ") {
			other := "json"
			if d.Serializer() == gorilla.JSON {
				other = "gob"
			}
			c.hintf("the MAC matched but the body is not %v: try --serializer %s, or check the block key", d.Serializer(), other)
		} else if strings.Contains(msg, "MAC does not match") {
			c.hintf("gorilla binds the cookie's name into its MAC: check --name (now %q) as well as the hash key", cf.name)
		}
		return status
	}
	m := newMeta(formatGorilla, info.IssuedAt, len(value))
	m.Mode = modeName(info.Encrypted)
	m.KeyID = info.KeyID.String()
	status := c.printDecoded(m, s, nil, asJSON)
	if info.Stale {
		c.hintf("opened by a later key pair (key id %s), not the first (%s): gorilla/sessions would still read it; a server using cookiecodec re-issues it natively either way", info.KeyID, d.KeyIDs()[0])
	}
	return status
}

// inspectGorilla shows what a gorilla cookie claims, without any key.
func (c *cli) inspectGorilla(value string, asJSON bool) int {
	u, err := gorilla.InspectUnverified(value)
	if err != nil {
		return c.reject(err)
	}
	out := inspected{meta: newMeta(formatGorilla, u.IssuedAt, len(value))}
	out.Mode = "unknown" // without the keys, ciphertext looks like gob
	n := len(u.Body)
	out.BodyLength = &n
	extra := [][2]string{
		{"body", fmt.Sprintf("%d bytes, gob or JSON, encrypted if there is a block key: decode it with its keys", n)},
		{"mac", fmt.Sprintf("%d bytes", u.MACLength)},
	}
	return c.printInspected(out, extra, &jsonView{}, asJSON)
}
