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
type gorillaFlags struct {
	hashKeyFile  string
	blockKeyFile string
	serializer   string
}

func registerGorillaFlags(flags *flag.FlagSet) *gorillaFlags {
	var g gorillaFlags
	flags.StringVar(&g.hashKeyFile, "hash-key-file", "", "")
	flags.StringVar(&g.blockKeyFile, "block-key-file", "", "")
	flags.StringVar(&g.serializer, "serializer", "", "")
	return &g
}

// usedWith returns a usage error if a gorilla flag is set for a cookie of
// another format.
func (g *gorillaFlags) usedWith(format string) error {
	if g.hashKeyFile != "" || g.blockKeyFile != "" || g.serializer != "" {
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
	if g.hashKeyFile == "" {
		return nil, errors.New("a gorilla cookie needs --hash-key-file FILE: the hash key given to securecookie.New or sessions.NewCookieStore")
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
	hashKey, err := readGorillaKey("hash key", g.hashKeyFile)
	if err != nil {
		return nil, err
	}
	pair := gorilla.KeyPair{HashKey: hashKey}
	if g.blockKeyFile != "" {
		if pair.BlockKey, err = readGorillaKey("block key", g.blockKeyFile); err != nil {
			return nil, err
		}
	}
	opts.Keys = []gorilla.KeyPair{pair}
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
	return c.printDecoded(m, s, nil, asJSON)
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
