package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// Cookie formats, for --format.
const (
	formatAuto   = "auto"
	formatNative = "native"
	formatFlask  = "flask"
)

// codecFlags are the flags encode and decode share.
type codecFlags struct {
	keys       string
	name       string
	format     string
	secretFile string
}

func (f *codecFlags) register(flags *flag.FlagSet, defaultFormat string) {
	flags.StringVar(&f.keys, "keys", "", "")
	flags.StringVar(&f.name, "name", "session", "")
	flags.StringVar(&f.format, "format", defaultFormat, "")
	flags.StringVar(&f.secretFile, "secret-file", "", "")
}

// check validates the shared flags and returns a usage error message.
func (f *codecFlags) check(formats ...string) error {
	if err := checkCookieName(f.name); err != nil {
		return err
	}
	for _, ok := range formats {
		if f.format == ok {
			return nil
		}
	}
	return fmt.Errorf("--format %s is not one of %s", argText(f.format, formatAuto, formatNative, formatFlask), strings.Join(formats, ", "))
}

// checkCookieName accepts the names RFC 6265 allows (an HTTP token) of the
// length cookiecodec binds.
func checkCookieName(name string) error {
	if name == "" || len(name) > 255 {
		return fmt.Errorf("--name must be 1 to 255 bytes, not %d", len(name))
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		if b <= ' ' || b >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", b) >= 0 {
			return fmt.Errorf("--name %q is not a valid cookie name", shorten(name))
		}
	}
	return nil
}

// loadKeyring returns the native keyring: from the key file named by
// --keys, or else from the environment.
func loadKeyring(path string) (*cookiecodec.Keyring, error) {
	if path != "" {
		f, err := cookiecodec.LoadKeyFile(path)
		if err != nil {
			return nil, err
		}
		return f.Keyring(), nil
	}
	if os.Getenv(cookiecodec.EnvKeys) == "" && os.Getenv(cookiecodec.EnvKeyFile) == "" {
		return nil, fmt.Errorf("no keys: pass --keys FILE, or set %s or %s", cookiecodec.EnvKeys, cookiecodec.EnvKeyFile)
	}
	return cookiecodec.KeyringFromEnv()
}

// encode reads a JSON session on stdin and prints a cookie value.
func (c *cli) encode(args []string) int {
	var cf codecFlags
	flags := newFlagSet("encode")
	cf.register(flags, formatNative)
	encrypt := flags.Bool("encrypt", false, "")
	compress := flags.Bool("compress", false, "")
	pos, status, ok := c.parseFlags(flags, "encode", args)
	if !ok {
		return status
	}
	if len(pos) != 0 {
		return c.usageError("encode", "encode reads the session from stdin and takes no arguments")
	}
	if err := cf.check(formatNative, formatFlask); err != nil {
		return c.usageError("encode", "%v", err)
	}
	data, err := readJSONInput(c.stdin)
	if err != nil {
		return c.configError(err)
	}
	if cf.format == formatFlask {
		if *encrypt || *compress {
			return c.usageError("encode", "--encrypt and --compress apply to the native format only")
		}
		return c.encodeFlask(cf, data)
	}
	if cf.secretFile != "" {
		return c.usageError("encode", "--secret-file applies to --format flask only")
	}
	s, err := parseSession(data)
	if err != nil {
		return c.configError(err)
	}
	ring, err := loadKeyring(cf.keys)
	if err != nil {
		return c.configError(err)
	}
	codec, err := cookiecodec.New(ring, cookiecodec.Options{Encrypt: *encrypt, Compress: *compress})
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

// decode verifies a cookie and prints its session.
func (c *cli) decode(args []string) int {
	var cf codecFlags
	flags := newFlagSet("decode")
	cf.register(flags, formatAuto)
	maxAgeText := flags.String("max-age", "", "")
	asJSON := flags.Bool("json", false, "")
	tagged := flags.Bool("tagged", false, "")
	gf := registerGorillaFlags(flags)
	pos, status, ok := c.parseFlags(flags, "decode", args)
	if !ok {
		return status
	}
	if len(pos) > 1 {
		return c.usageError("decode", "decode takes one cookie, got %d arguments", len(pos))
	}
	if err := cf.check(formatAuto, formatNative, formatFlask, formatGorilla); err != nil {
		return c.usageError("decode", "%v", err)
	}
	var maxAge time.Duration
	if *maxAgeText != "" {
		var err error
		if maxAge, err = parseMaxAge(*maxAgeText); err != nil {
			return c.usageError("decode", "%v", err)
		}
	}
	value, status, ok := c.pickInput(pos, cf.name)
	if !ok {
		return status
	}
	format := cf.format
	if format == formatAuto {
		format = detectFormat(value)
	}
	if format == formatGorilla {
		return c.decodeGorilla(cf, gf, value, maxAge, *asJSON, *tagged)
	}
	if err := gf.usedWith(format); err != nil {
		return c.usageError("decode", "%v", err)
	}
	if format == formatFlask {
		return c.decodeFlask(cf, value, maxAge, *asJSON, *tagged)
	}
	if *tagged {
		return c.usageError("decode", "--tagged applies to Flask cookies only, and this is a native cookie")
	}
	if cf.secretFile != "" {
		return c.usageError("decode", "--secret-file applies to Flask cookies only, and this is a native cookie")
	}
	// A malformed cookie is rejected whether or not keys are configured.
	if _, err := cookiecodec.InspectUnverified(value); err != nil {
		status := c.reject(err)
		if detectFormat(value) == formatFlask {
			c.hintf("this looks like a Flask cookie: use --format flask or auto")
		}
		return status
	}
	ring, err := loadKeyring(cf.keys)
	if err != nil {
		return c.configError(err)
	}
	// The CLI opens either mode, and any token Seal can make: it reports
	// what a server would reject for those reasons instead.
	codec, err := cookiecodec.New(ring, cookiecodec.Options{
		AcceptAnyMode: true,
		MaxAge:        maxAge,
		MaxLength:     cookiecodec.MaxUnverifiedLength,
	})
	if err != nil {
		return c.configError(err)
	}
	s, info, err := codec.Decode(cf.name, value)
	if err != nil {
		return c.rejectCookie(err)
	}
	m := newMeta(formatNative, info.IssuedAt, len(value))
	m.Version = 1
	m.Mode = modeName(info.Encrypted)
	m.Compressed = info.Compressed
	m.KeyID = info.KeyID.String()
	primary := info.KeyID == ring.Primary().ID()
	m.Primary = &primary
	status = c.printDecoded(m, s, nil, *asJSON)
	if !primary {
		c.hintf("opened with decode-only key %s: a server would re-issue this cookie under the primary %s", info.KeyID, ring.Primary().ID())
	}
	if len(value) > cookiecodec.DefaultMaxLength {
		c.hintf("the cookie is %d bytes, longer than the %d a codec accepts by default", len(value), cookiecodec.DefaultMaxLength)
	}
	return status
}

// rejectCookie reports an error from a decoder: a rejection for the
// library's rejection sentinels, a configuration error otherwise.
func (c *cli) rejectCookie(err error) int {
	if errors.Is(err, cookiecodec.ErrInvalid) || errors.Is(err, cookiecodec.ErrExpired) {
		return c.reject(err)
	}
	return c.configError(err)
}

// pickInput reads decode's or inspect's input and picks the cookie called
// name from it. On failure it reports the rejection.
func (c *cli) pickInput(pos []string, name string) (string, int, bool) {
	input, err := readInput(pos, c.stdin)
	if err != nil {
		return "", c.reject(err), false
	}
	p, err := pickCookie(input, name)
	if err != nil {
		return "", c.reject(err), false
	}
	if p.dups > 0 {
		c.hintf("the %s holds %s named %q: using the first", p.from, plural(p.dups, "more cookie", "more cookies"), name)
	}
	return p.value, 0, true
}

// printDecoded prints a decoded session and its metadata: the session on
// stdout and the metadata on stderr, or both in one object on stdout. view
// converts the session's values to JSON; nil means the native types only.
func (c *cli) printDecoded(m meta, s cookiecodec.Session, view *jsonView, asJSON bool) int {
	if view == nil {
		view = &jsonView{}
	}
	out := view.object(s)
	for _, n := range view.hints() {
		c.hintf("%s", n)
	}
	var err error
	if asJSON {
		err = writeJSON(c.stdout, struct {
			meta
			Session map[string]any `json:"session"`
		}{m, out})
	} else {
		m.print(c.stderr)
		err = writeJSON(c.stdout, out)
	}
	if err != nil {
		c.errorf("writing the session: %v", err)
		return exitUsage
	}
	return exitOK
}
