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
	salt       string
}

func (f *codecFlags) register(flags *flag.FlagSet, defaultFormat string) {
	flags.StringVar(&f.keys, "keys", "", "")
	flags.StringVar(&f.name, "name", "session", "")
	flags.StringVar(&f.format, "format", defaultFormat, "")
	flags.StringVar(&f.secretFile, "secret-file", "", "")
	flags.StringVar(&f.salt, "salt", "", "")
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
// --keys, or else from the environment. It warns of keys that do not look
// random.
func (c *cli) loadKeyring(path string) (*cookiecodec.Keyring, error) {
	ring, err := loadKeyring(path)
	if err == nil {
		c.warnWeakKeys(ring)
	}
	return ring, err
}

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
	typed := flags.Bool("typed", false, "")
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
		if *encrypt || *compress || *typed {
			return c.usageError("encode", "--encrypt, --compress and --typed apply to the native format only; Flask's tagged JSON keeps Flask's types")
		}
		return c.encodeFlask(cf, data)
	}
	if cf.secretFile != "" || cf.salt != "" {
		return c.usageError("encode", "--secret-file and --salt apply to --format flask only")
	}
	parse := parseSession
	if *typed {
		parse = parseTypedSession
	}
	s, err := parse(data)
	if err != nil {
		return c.configError(err)
	}
	ring, err := c.loadKeyring(cf.keys)
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
	typed := flags.Bool("typed", false, "")
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
		c.maxAgeText = *maxAgeText
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
		if *typed {
			return c.usageError("decode", "--typed applies to native cookies: for Flask cookies, --tagged prints Flask's own typed JSON")
		}
		return c.decodeFlask(cf, value, maxAge, *asJSON, *tagged)
	}
	if *tagged {
		return c.usageError("decode", "--tagged applies to Flask cookies only, and this is a native cookie")
	}
	if cf.secretFile != "" || cf.salt != "" {
		return c.usageError("decode", "--secret-file and --salt apply to Flask cookies only, and this is a native cookie")
	}
	// A malformed cookie is rejected whether or not keys are configured.
	u, err := cookiecodec.InspectUnverified(value)
	if err != nil {
		status := c.reject(err)
		if detectFormat(value) == formatFlask {
			c.hintf("this looks like a Flask cookie: use --format flask or auto")
		}
		return status
	}
	ring, err := c.loadKeyring(cf.keys)
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
		return c.rejectCookie(err, u.IssuedAt, codec.MaxAge())
	}
	m := newMeta(formatNative, info.IssuedAt, len(value))
	m.Version = 1
	m.Mode = modeName(info.Encrypted)
	m.Compressed = info.Compressed
	m.KeyID = info.KeyID.String()
	primary := info.KeyID == ring.Primary().ID()
	m.Primary = &primary
	if *typed {
		status = c.printTyped(m, s, *asJSON)
	} else {
		status = c.printDecoded(m, s, nil, *asJSON)
	}
	if !primary {
		c.hintf("opened with decode-only key %s: a server would re-issue this cookie under the primary %s", info.KeyID, ring.Primary().ID())
	}
	if len(value) > cookiecodec.DefaultMaxLength {
		c.hintf("the cookie is %d bytes, longer than the %d a codec accepts by default", len(value), cookiecodec.DefaultMaxLength)
	}
	return status
}

// rejectCookie reports an error from a decoder: a rejection for the
// library's rejection sentinels, a configuration error otherwise. An
// expired cookie, issued at issuedAt, is said to have expired so long
// after maxAge, in days if --max-age was given in days or not at all.
func (c *cli) rejectCookie(err error, issuedAt time.Time, maxAge time.Duration) int {
	if errors.Is(err, cookiecodec.ErrExpired) {
		over := now().Unix() - issuedAt.Unix() - int64(maxAge/time.Second)
		text := c.maxAgeText
		if text == "" {
			text = durationText(int64(maxAge / time.Second))
		}
		c.errorf("cookie expired %s ago (max age %s)", c.durationIn(over), text)
		return exitRejected
	}
	if errors.Is(err, cookiecodec.ErrInvalid) {
		return c.reject(err)
	}
	return c.configError(err)
}

// durationIn words a count of seconds in the units --max-age was given
// in: with days ("3d4h") for days or no --max-age, else as Go writes
// durations, in hours at most ("76h").
func (c *cli) durationIn(s int64) string {
	if c.maxAgeText == "" || strings.HasSuffix(c.maxAgeText, "d") || s < 0 {
		return durationText(s)
	}
	text := (time.Duration(s) * time.Second).String()
	text = strings.TrimSuffix(text, "0s")
	text = strings.TrimSuffix(text, "0m")
	return text
}

// pickInput reads decode's or inspect's input and picks the cookie called
// name from it. On failure it reports the rejection.
func (c *cli) pickInput(pos []string, name string) (string, int, bool) {
	input, err := readInput(pos, c.stdin)
	if err != nil {
		return "", c.reject(err), false
	}
	p, err := pickCookie(input, name)
	var none *noCookieError
	if errors.As(err, &none) {
		c.errorf("%v", err)
		c.hintf("%s", inputForms)
		return "", exitUsage, false
	}
	if err != nil {
		return "", c.reject(err), false
	}
	c.chunks = p.chunks
	if p.dups > 0 {
		c.hintf("the %s holds %s named %q: using the first", p.from, plural(p.dups, "more cookie", "more cookies"), name)
	}
	return p.value.reveal(), 0, true
}

// printTyped prints a native session as typed JSON, as printDecoded
// prints it as JSON.
func (c *cli) printTyped(m meta, s cookiecodec.Session, asJSON bool) int {
	out, err := typedValue(s)
	if err != nil {
		c.errorf("%v", err)
		return exitRejected
	}
	return c.printSession(m, out, asJSON)
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
	return c.printSession(m, out, asJSON)
}

// printSession prints a session converted for JSON, and its metadata.
func (c *cli) printSession(m meta, out any, asJSON bool) int {
	m.Chunks = c.chunks
	var err error
	if asJSON {
		err = writeJSON(c.stdout, struct {
			meta
			Session any `json:"session"`
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
