package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cookiecodec/cookiecodec/flask"
)

// This file is "cookiecodec audit": it looks for a Flask cookie's secret
// key in a wordlist, as an attacker who holds one cookie would. Flask signs
// with itsdangerous' key derivation "hmac":
//
//	derived   = HMAC-SHA1(secret, salt)
//	signature = HMAC-SHA1(derived, payload "." timestamp)
//
// Each candidate costs four SHA-1 hashes over buffers laid out once per
// worker, about eight compression-function blocks for a short cookie, and
// no allocation.

const (
	// auditBatchSize is the size, in bytes, of the pieces of the wordlist
	// that the reader hands to the workers: 256 KiB, some 25,000 lines of
	// a typical list.
	auditBatchSize = 256 << 10
	// maxAuditLine is the longest line, in bytes, that audit tries as a
	// secret: 64 KiB, the most --secret-file reads. Longer lines are
	// skipped and counted.
	maxAuditLine = maxSecretFile
	// sha1Block is SHA-1's block size in bytes, HMAC's key block.
	sha1Block = 64
)

// audit tries every line of a wordlist as the secret key of a Flask cookie.
func (c *cli) audit(args []string) int {
	flags := newFlagSet("audit")
	wordlist := flags.String("wordlist", "", "")
	salt := flags.String("salt", flask.DefaultSalt, "")
	name := flags.String("name", "session", "")
	pos, status, ok := c.parseFlags(flags, "audit", args)
	if !ok {
		return status
	}
	switch {
	case *wordlist == "":
		return c.usageError("audit", "audit needs --wordlist FILE")
	case len(pos) > 1:
		return c.usageError("audit", "audit takes one cookie, got %d arguments", len(pos))
	case *wordlist == "-" && (len(pos) == 0 || pos[0] == "-"):
		return c.usageError("audit", "--wordlist - reads stdin, so give the cookie as an argument")
	}
	if *salt == "" {
		*salt = flask.DefaultSalt
	}
	if err := checkCookieName(*name); err != nil {
		return c.usageError("audit", "%v", err)
	}
	// The cookie must be there before the wordlist is read: a run that
	// read nothing must not look like a run that found nothing.
	value, _, ok := c.pickInput(pos, *name)
	if !ok {
		return exitUsage
	}
	target, err := newAuditTarget(value, *salt)
	if err != nil {
		c.errorf("%s", trimPrefix(err))
		if detectFormat(value) == formatNative {
			c.hintf("this looks like a native cookiecodec cookie: audit reads Flask cookies; native keys are 32 random bytes, which no wordlist holds")
		}
		return exitUsage
	}
	list, size, label, err := c.openWordlist(*wordlist)
	if err != nil {
		return c.configError(err)
	}
	defer list.Close()

	a := newAuditor(func() func([]byte) bool { return newSecretTester(target).try })
	stop := func() {}
	if isTerminal(c.stderr) {
		stop = c.showProgress(a, size)
	}
	res, err := a.run(list)
	stop()
	if err != nil {
		return c.configError(fmt.Errorf("reading wordlist %s: %v", label, err))
	}
	if res.skipped > 0 {
		c.hintf("%s of %s longer than %d bytes not tried", plural(int(res.skipped), "line", "lines"), label, maxAuditLine)
	}
	if !res.found {
		c.errorf("none of the %s in %s verifies the cookie (salt %q)", plural(int(res.tried), "secret", "secrets"), label, *salt)
		return exitRejected
	}
	// The secret is the result the user asked for: it goes to stdout, and
	// nowhere else.
	c.stdout.Write(append(res.secret, '\n'))
	c.hintf("line %d of %s verifies the cookie: anyone with that list can forge this application's sessions; replace SECRET_KEY with 32 random bytes (python3 -c 'import secrets; print(secrets.token_hex(32))')", res.line, label)
	return exitOK
}

// openWordlist opens the wordlist at path, or stdin for "-", and returns it
// with its size in bytes (0 when unknown) and its name for messages.
func (c *cli) openWordlist(path string) (io.ReadCloser, int64, string, error) {
	if path == "-" {
		return io.NopCloser(c.stdin), 0, "stdin", nil
	}
	label := pathText(path)
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, 0, "", fmt.Errorf("wordlist %s: %w", label, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, "", fmt.Errorf("wordlist %s: %v", label, err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, 0, "", fmt.Errorf("wordlist %s is a directory", label)
	}
	var size int64
	if fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return f, size, label, nil
}

// An auditTarget is what trying a secret needs of a Flask cookie: the salt,
// the text the signature covers, and the signature.
type auditTarget struct {
	salt   string
	signed string // payload "." timestamp
	sig    [sha1.Size]byte
}

// newAuditTarget checks that value is a well-formed Flask cookie, as
// [flask.InspectUnverified] does, and returns its target.
func newAuditTarget(value, salt string) (*auditTarget, error) {
	if _, err := flask.InspectUnverified(value); err != nil {
		return nil, err
	}
	i := strings.LastIndexByte(value, '.') // InspectUnverified found it
	t := &auditTarget{salt: salt, signed: value[:i]}
	n, err := base64.RawURLEncoding.Strict().Decode(t.sig[:], []byte(value[i+1:]))
	if err != nil || n != sha1.Size {
		return nil, errors.New("the signature is not canonical base64url")
	}
	return t, nil
}

// A secretTester tries secrets against one target. Its buffers hold the
// inputs of the four hashes with their fixed parts written once: HMAC's
// key block first, then the salt, the signed text or the inner hash. It is
// not safe for concurrent use: each worker has its own.
type secretTester struct {
	sig        [sha1.Size]byte
	deriveIn   []byte // ipad(secret) | salt
	deriveOut  []byte // opad(secret) | inner hash
	signIn     []byte // ipad(derived) | payload "." timestamp
	signOut    []byte // opad(derived) | inner hash
	lastSecret int    // bytes of secret written into the key blocks last
}

func newSecretTester(t *auditTarget) *secretTester {
	x := &secretTester{
		sig:       t.sig,
		deriveIn:  append(make([]byte, sha1Block, sha1Block+len(t.salt)), t.salt...),
		deriveOut: make([]byte, sha1Block+sha1.Size),
		signIn:    append(bytes.Repeat([]byte{0x36}, sha1Block), t.signed...),
		signOut:   append(bytes.Repeat([]byte{0x5c}, sha1Block), make([]byte, sha1.Size)...),
	}
	x.lastSecret = sha1Block
	return x
}

// try reports whether secret is the cookie's secret key.
func (x *secretTester) try(secret []byte) bool {
	var hashed [sha1.Size]byte
	if len(secret) > sha1Block { // HMAC hashes a key longer than a block
		hashed = sha1.Sum(secret)
		secret = hashed[:]
	}
	// The key blocks past the secret hold the bare pads; only the bytes a
	// longer secret wrote before need restoring.
	for i := len(secret); i < x.lastSecret; i++ {
		x.deriveIn[i] = 0x36
		x.deriveOut[i] = 0x5c
	}
	for i, b := range secret {
		x.deriveIn[i] = b ^ 0x36
		x.deriveOut[i] = b ^ 0x5c
	}
	x.lastSecret = len(secret)
	inner := sha1.Sum(x.deriveIn)
	copy(x.deriveOut[sha1Block:], inner[:])
	derived := sha1.Sum(x.deriveOut)
	for i, b := range derived {
		x.signIn[i] = b ^ 0x36
		x.signOut[i] = b ^ 0x5c
	}
	inner = sha1.Sum(x.signIn)
	copy(x.signOut[sha1Block:], inner[:])
	mac := sha1.Sum(x.signOut)
	return hmac.Equal(mac[:], x.sig[:])
}

// A wordBatch is a piece of the wordlist made of whole lines.
type wordBatch struct {
	mem   []byte // the buffer, auditBatchSize bytes
	data  []byte // the lines, inside mem
	first int64  // the number of the first line, from 1
}

// An auditor feeds a wordlist to runtime.GOMAXPROCS workers in batches
// of whole lines, each worker calling its own test function on each line.
// Memory stays at 2×workers+1 batches of batchSize bytes whatever the
// length of the list.
type auditor struct {
	newTest   func() func(secret []byte) bool
	workers   int
	batchSize int
	maxLine   int

	bytesRead atomic.Int64
	tried     atomic.Int64 // secrets tried, counted batch by batch
	skipped   atomic.Int64 // lines longer than maxLine
	found     atomic.Bool

	mu     sync.Mutex
	secret []byte
	line   int64
}

func newAuditor(newTest func() func([]byte) bool) *auditor {
	return &auditor{newTest: newTest, workers: runtime.GOMAXPROCS(0), batchSize: auditBatchSize, maxLine: maxAuditLine}
}

// auditResult is the outcome of a run.
type auditResult struct {
	found   bool
	secret  []byte
	line    int64 // of secret
	tried   int64
	skipped int64
}

// run reads r to its end, or until a secret verifies, and returns what it
// found. Lines end at "\n", and a "\r" before it is dropped. Empty lines
// are not tried: Flask refuses an empty secret key.
func (a *auditor) run(r io.Reader) (auditResult, error) {
	batches := 2*a.workers + 1
	free := make(chan *wordBatch, batches)
	for range batches {
		free <- &wordBatch{mem: make([]byte, a.batchSize)}
	}
	work := make(chan *wordBatch, a.workers)
	var wg sync.WaitGroup
	for range a.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.work(a.newTest(), work, free)
		}()
	}
	err := a.read(r, work, free)
	close(work)
	wg.Wait()
	res := auditResult{found: a.found.Load(), tried: a.tried.Load(), skipped: a.skipped.Load()}
	if res.found {
		res.secret, res.line = a.secret, a.line
		return res, nil // a read error after the find does not matter
	}
	return res, err
}

// read splits r into batches of whole lines and sends them to work. A line
// longer than maxLine is dropped here when it does not fit in a batch, and
// by the worker otherwise. batchSize must exceed maxLine+1.
func (a *auditor) read(r io.Reader, work chan<- *wordBatch, free <-chan *wordBatch) error {
	line := int64(1)
	// carry is the start of a line cut by a batch's end: at most maxLine
	// bytes and a carriage return, so that a batch always has room to read.
	carry := make([]byte, 0, a.maxLine+1)
	skipping := false // inside a line too long to try, up to its end
	var b *wordBatch
	for !a.found.Load() {
		if b == nil {
			b = <-free
		}
		// One read a batch, however short: lines from a slow pipe are
		// tried as they come.
		buf := append(b.mem[:0], carry...)
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		a.bytesRead.Add(int64(n))
		eof := err == io.EOF
		if err != nil && !eof {
			return err
		}
		if n == 0 && !eof {
			continue
		}
		if skipping {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				if eof {
					return nil
				}
				continue // b is reused for the next read
			}
			buf, skipping = buf[i+1:], false
			line++
		}
		// A batch ends after its last newline; what follows is carried
		// into the next one, except at the end of the input.
		end := len(buf)
		if !eof {
			end = bytes.LastIndexByte(buf, '\n') + 1
		}
		tail := buf[end:]
		buf = buf[:end]
		carry = carry[:0]
		if len(tail) > a.maxLine+1 {
			skipping = true
			a.skipped.Add(1)
		} else {
			carry = append(carry, tail...)
		}
		if len(buf) > 0 {
			b.data, b.first = buf, line
			line += int64(bytes.Count(buf, []byte{'\n'}))
			if buf[len(buf)-1] != '\n' {
				line++ // the last line, which has no newline
			}
			work <- b
			b = nil
		}
		if eof {
			return nil
		}
	}
	return nil
}

// work tries the lines of each batch from in with test, and returns the
// batches to free.
func (a *auditor) work(test func([]byte) bool, in <-chan *wordBatch, free chan<- *wordBatch) {
	for b := range in {
		if !a.found.Load() {
			a.tryBatch(test, b)
		}
		free <- b
	}
}

func (a *auditor) tryBatch(test func([]byte) bool, b *wordBatch) {
	var tried, skipped int64
	data := b.data
	for n := b.first; len(data) > 0; n++ {
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		switch {
		case len(l) == 0:
		case len(l) > a.maxLine:
			skipped++
		default:
			tried++
			if test(l) {
				a.report(l, n)
			}
		}
	}
	a.tried.Add(tried)
	a.skipped.Add(skipped)
}

// report records a secret that verified; the first one reported wins.
func (a *auditor) report(secret []byte, line int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.found.Load() {
		return
	}
	a.secret, a.line = bytes.Clone(secret), line
	a.found.Store(true)
}

// progressEvery is how often audit updates its progress line; a variable
// for tests.
var progressEvery = 500 * time.Millisecond

// showProgress prints a's progress on stderr until the returned function
// is called, which prints the last count and ends the line. size is the
// wordlist's length in bytes, 0 when unknown.
func (c *cli) showProgress(a *auditor, size int64) (stop func()) {
	start := now()
	line := func() {
		tried := a.tried.Load()
		text := fmt.Sprintf("cookiecodec: audit: %s tried", plural(int(tried), "secret", "secrets"))
		if size > 0 {
			text += fmt.Sprintf(" (%d%% of the list)", min(100, a.bytesRead.Load()*100/size))
		}
		if secs := now().Sub(start).Seconds(); secs > 0 {
			text += fmt.Sprintf(", %s a second", rateText(float64(tried)/secs))
		}
		fmt.Fprintf(c.stderr, "\r%s\x1b[K", text)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				line()
			case <-done:
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		line()
		fmt.Fprintln(c.stderr)
	}
}

// rateText prints a rate in thousands or millions: "850", "12.3k", "1.45M".
func rateText(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.3gM", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.3gk", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}

// isTerminal reports whether w is a terminal, where progress may be shown:
// a character device other than /dev/null. A variable for tests.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}

const usageAudit = `usage: cookiecodec audit --wordlist FILE [--salt S] [--name N] [VALUE|-]

Look for the secret key of a Flask cookie in a wordlist, as anyone who
holds one of the application's cookies can: try every line of FILE as
Flask's SECRET_KEY, and print the line that verifies the cookie. Use it on
your own applications, to find a guessable secret before someone else does.

Lines end at a newline, and a carriage return before it is dropped. Empty
lines are not tried, since Flask refuses an empty secret key, nor are lines
over 64 KiB (a hint counts them). The list is read in pieces of at most
256 KiB, so it may have any length; FILE "-" reads it from stdin, and the
cookie must then be an argument. Every core works on it. On a terminal a progress
line shows on stderr; elsewhere audit prints only its result. The cookie's
age is not checked.

VALUE is read as by decode: a value, a Cookie or Set-Cookie line, or a
cookie list, from which the cookie named --name (default session) is
picked; stdin without VALUE or with "-".

Flags:
  --wordlist FILE    the candidate secrets, one a line (required)
  --salt S           itsdangerous' salt (default cookie-session, Flask's)
  --name N           cookie name to pick from a header (default session)

Examples:
  cookiecodec audit --wordlist rockyou.txt 'eyJ1c2VyIjoiYWRhIn0.Z0f2bA.xyz...'
  pbpaste | cookiecodec audit --wordlist words.txt     # a copied Cookie: line

Exit status:
  0  a line of FILE verifies the cookie: it is printed on stdout
  1  no line verifies the cookie
  2  usage or configuration error: unknown flag, no --wordlist, a wordlist
     that cannot be read, or input that holds no well-formed Flask cookie
`
