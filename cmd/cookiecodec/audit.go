package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cookiecodec/cookiecodec/flask"
)

// audit tries every line of a wordlist as the secret key of a Flask
// cookie, and prints the one that signed it.
func (c *cli) audit(args []string) int {
	flags := newFlagSet("audit")
	wordlist := flags.String("wordlist", "", "")
	salt := flags.String("salt", flask.DefaultSalt, "")
	name := flags.String("name", "session", "")
	pos, status, ok := c.parseFlags(flags, "audit", args)
	if !ok {
		return status
	}
	if len(pos) > 1 {
		return c.usageError("audit", "audit takes one cookie, got %d arguments", len(pos))
	}
	if *wordlist == "" {
		return c.usageError("audit", "audit needs --wordlist FILE, one candidate secret per line")
	}
	if err := checkCookieName(*name); err != nil {
		return c.usageError("audit", "%v", err)
	}
	if len(*salt) > maxSalt {
		return c.usageError("audit", "--salt is longer than %d bytes", maxSalt)
	}
	value, status, ok := c.pickInput(pos, *name)
	if !ok {
		return status
	}
	if detectFormat(value) != formatFlask {
		c.errorf("audit tries Flask secrets, and this is a native cookiecodec cookie")
		c.hintf("native keys are 32 random bytes, which no wordlist holds; 'inspect' shows what the cookie claims")
		return exitUsage
	}
	target, err := newFlaskTarget(value, *salt)
	if err != nil {
		return c.reject(err)
	}
	f, err := os.Open(*wordlist)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return c.configError(fmt.Errorf("wordlist %s: %w", pathText(*wordlist), err))
	}
	defer f.Close()

	var progress func(tried int64, elapsed time.Duration)
	if isTerminal(c.stderr) {
		progress = func(tried int64, elapsed time.Duration) {
			rate := float64(tried) / max(elapsed.Seconds(), 1e-9)
			fmt.Fprintf(c.stderr, "\rcookiecodec: tried %d candidates, %.2fM a second\x1b[K", tried, rate/1e6)
		}
	}
	res, err := crack(f, target, runtime.GOMAXPROCS(0), progress)
	if progress != nil {
		fmt.Fprint(c.stderr, "\n")
	}
	if err != nil {
		return c.configError(fmt.Errorf("reading the wordlist: %v", err))
	}
	if res.skipped > 0 {
		c.hintf("skipped %s longer than %d bytes", plural(int(res.skipped), "line", "lines"), maxCandidate)
	}
	if !res.found {
		c.errorf("none of the %s in the wordlist signed this cookie with salt %q", plural(int(res.tried), "candidate", "candidates"), *salt)
		return exitRejected
	}
	// The secret is the result the user asked for: it goes to stdout
	// alone, so that a script can take it.
	io.WriteString(c.stdout, res.secret.reveal()+"\n")
	c.hintf("line %d of the wordlist signed this cookie: the app's SECRET_KEY is guessable; replace it with 'cookiecodec keygen' or Python's secrets.token_hex(32)", res.line)
	return exitOK
}

// isTerminal reports whether w is a terminal, where audit shows progress;
// a variable for tests.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// maxSalt is the longest --salt, in bytes, that audit takes.
const maxSalt = 1 << 20

// maxCandidate is the longest wordlist line, in bytes, that audit tries:
// 4 KiB. Longer lines are counted and skipped.
const maxCandidate = 4 << 10

// batchLines and batchBytes bound a batch of candidates handed to a
// worker.
const (
	batchLines = 4096
	batchBytes = 256 << 10
)

// A batch is a run of wordlist lines: the candidates are
// data[ends[i-1]:ends[i]].
type batch struct {
	data  []byte
	ends  []int
	first int64 // line number of the first candidate, from 1
	lines []int64
}

// crackResult is what crack found.
type crackResult struct {
	found          bool
	secret         secret
	line           int64 // of the wordlist, from 1
	tried, skipped int64
}

// crack reads candidates, one a line, from r and tries them on workers
// goroutines. Memory stays bounded whatever r holds: a few batches per
// worker circulate between the reader and the workers. A trailing "\r" of
// a line and empty lines are skipped. progress, if not nil, is called
// about four times a second and once at the end.
func crack(r io.Reader, t *flaskTarget, workers int, progress func(int64, time.Duration)) (crackResult, error) {
	var (
		res     crackResult
		tried   atomic.Int64
		stop    atomic.Bool
		once    sync.Once
		wg      sync.WaitGroup
		free    = make(chan *batch, 2*workers)
		full    = make(chan *batch, 2*workers)
		started = time.Now()
	)
	for range 2 * workers {
		free <- &batch{data: make([]byte, 0, batchBytes+maxCandidate), ends: make([]int, 0, batchLines), lines: make([]int64, 0, batchLines)}
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := t.newWorker()
			for b := range full {
				start := 0
				for i, end := range b.ends {
					if stop.Load() {
						break
					}
					if w.try(b.data[start:end]) {
						once.Do(func() {
							res.found = true
							res.secret = hide(string(b.data[start:end]))
							res.line = b.lines[i]
						})
						stop.Store(true)
					}
					start = end
				}
				tried.Add(int64(len(b.ends)))
				free <- b
			}
		}()
	}
	done := make(chan struct{})
	if progress != nil {
		go func() {
			tick := time.NewTicker(250 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					progress(tried.Load(), time.Since(started))
				}
			}
		}()
	}
	err := readCandidates(r, free, full, &stop, &res.skipped)
	close(full)
	wg.Wait()
	close(done)
	res.tried = tried.Load()
	if progress != nil {
		progress(res.tried, time.Since(started))
	}
	return res, err
}

// readCandidates fills batches from free with the lines of r and sends
// them on full, until r ends or stop is set.
func readCandidates(r io.Reader, free, full chan *batch, stop *atomic.Bool, skipped *int64) error {
	buf := make([]byte, 64<<10)
	var (
		b      = <-free
		line   int64
		carry  []byte // the start of a line split across reads
		inLong bool   // inside a line over maxCandidate, being skipped
	)
	b.data, b.ends, b.lines = b.data[:0], b.ends[:0], b.lines[:0]
	add := func(l []byte) {
		line++
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) == 0 {
			return
		}
		b.data = append(b.data, l...)
		b.ends = append(b.ends, len(b.data))
		b.lines = append(b.lines, line)
		if len(b.ends) == batchLines || len(b.data) >= batchBytes {
			full <- b
			b = <-free
			b.data, b.ends, b.lines = b.data[:0], b.ends[:0], b.lines[:0]
		}
	}
	for !stop.Load() {
		n, err := r.Read(buf)
		chunk := buf[:n]
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				if !inLong {
					carry = append(carry, chunk...)
					if len(carry) > maxCandidate {
						carry, inLong = carry[:0], true
					}
				}
				break
			}
			switch {
			case inLong:
				line++
				*skipped++
				inLong = false
			case len(carry) > 0:
				carry = append(carry, chunk[:i]...)
				if len(carry) > maxCandidate {
					line++
					*skipped++
				} else {
					add(carry)
				}
				carry = carry[:0]
			case i > maxCandidate:
				line++
				*skipped++
			default:
				add(chunk[:i])
			}
			chunk = chunk[i+1:]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if inLong {
		*skipped++
	} else if len(carry) > 0 && !stop.Load() {
		add(carry)
	}
	if len(b.ends) > 0 {
		full <- b
	}
	return nil
}
