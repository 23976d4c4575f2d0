package cookiecodec

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultReloadInterval is how often a [FileKeySource] checks its key file
// when [FileKeySourceOptions].Interval is zero: every 10 seconds.
const DefaultReloadInterval = 10 * time.Second

// FileKeySourceOptions configure a [FileKeySource]. The zero value checks
// the file every [DefaultReloadInterval] and reports nothing.
//
// The callbacks run with no lock held: they may call the source's methods,
// except Close, which waits for the polling goroutine that runs them.
type FileKeySourceOptions struct {
	// Interval is how often the source checks the key file for changes.
	// Zero means [DefaultReloadInterval]. A negative Interval turns polling
	// off: the keyring then changes only on [FileKeySource.Reload].
	Interval time.Duration

	// OnError, if set, is called when polling finds a key file it cannot
	// use: unreadable, removed or malformed. The source keeps its keyring.
	// It is called once per distinct failure, not on every poll, from the
	// polling goroutine; it must not block for long.
	OnError func(error)

	// OnReload, if set, is called with the new keyring after polling or
	// [FileKeySource.Reload] swaps it in, from the goroutine that did the
	// swap; it must not block for long. When Reload runs while the source
	// polls, calls may overlap; [FileKeySource.Keyring] tells which keyring
	// is current.
	OnReload func(*Keyring)
}

// A FileKeySource is a [KeySource] that follows a key file (see [KeyFile]):
// it checks the file every [FileKeySourceOptions.Interval] and, when the file has changed and
// parses, swaps in the new keyring. A [Codec] picks up the new keyring on
// its next call; reading the keyring takes no lock.
//
// A file that cannot be read or parsed does not take the service down: the
// source keeps the keyring it has, reports the failure
// ([FileKeySourceOptions.OnError], [FileKeySource.Err]) and tries again on the next poll.
//
// The source notices a change by the file's identity as [os.Stat] on the
// path sees it (following symbolic links), then by a hash of its content.
// It therefore follows files replaced by a rename, edited in place, and
// the directory of symbolic links through which Kubernetes updates a
// mounted secret (the file is a link through ..data, which is swapped to
// a new directory atomically). Only an edit that keeps the file's size and
// modification time goes unnoticed until [FileKeySource.Reload].
//
// Roll out key file changes in the order of the [Key rotation] procedure.
// A FileKeySource is safe for concurrent use; Close stops its polling.
//
// [Key rotation]: https://pkg.go.dev/github.com/cookiecodec/cookiecodec#hdr-Key_rotation
type FileKeySource struct {
	path     string
	onError  func(error)
	onReload func(*Keyring)

	ring atomic.Pointer[Keyring] // the hot path: read without a lock

	// err is the last reload's failure, nil after a success; atomic so
	// that Err does not wait for a reload's file I/O.
	err atomic.Pointer[error]

	mu      sync.Mutex // serialises reloads, and guards the fields below
	seen    fs.FileInfo
	sum     [sha256.Size]byte // hash of the content ring came from
	errText string            // err's text as last reported to onError

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// NewFileKeySource reads the key file at path and returns a source that
// follows it. It fails if the file cannot be read or parsed now.
func NewFileKeySource(path string, opts FileKeySourceOptions) (*FileKeySource, error) {
	s := &FileKeySource{
		path:     path,
		onError:  opts.OnError,
		onReload: opts.OnReload,
	}
	data, fi, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	f, _, err := parseKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: key file %s: %w", path, err)
	}
	s.ring.Store(f.Keyring())
	s.seen = fi
	s.sum = sha256.Sum256(data)

	interval := opts.Interval
	if interval == 0 {
		interval = DefaultReloadInterval
	}
	if interval > 0 {
		s.stop = make(chan struct{})
		s.done = make(chan struct{})
		go s.poll(interval)
	}
	return s, nil
}

// Keyring returns the keyring of the last key file that parsed.
func (s *FileKeySource) Keyring() *Keyring { return s.ring.Load() }

// Path returns the path of the key file, as given to [NewFileKeySource].
func (s *FileKeySource) Path() string { return s.path }

// Err returns the failure of the last reload, or nil if it succeeded (with
// or without a change). While Err is not nil, the source holds the keyring
// of the last good file.
func (s *FileKeySource) Err() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Reload reads the key file now, whatever its identity, and swaps in its
// keyring if its content changed. It returns the failure that kept the old
// keyring, if any, and does not call OnError. Call it on SIGHUP, or after
// writing the file, to skip the wait for the next poll.
func (s *FileKeySource) Reload() error {
	ring, err := s.reload(true)
	if ring != nil && s.onReload != nil {
		s.onReload(ring)
	}
	return err
}

// Close stops polling and waits for the polling goroutine to exit. The
// source keeps serving its last keyring. Close always returns nil, and
// further calls do nothing.
func (s *FileKeySource) Close() error {
	s.closeOnce.Do(func() {
		if s.stop != nil {
			close(s.stop)
			<-s.done
		}
	})
	return nil
}

func (s *FileKeySource) poll(interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.check()
		}
	}
}

// check is one poll: a reload if the file's identity changed or the last
// reload failed, then the callbacks.
func (s *FileKeySource) check() {
	ring, err := s.reload(false)
	if ring != nil && s.onReload != nil {
		s.onReload(ring)
	}
	if err == nil || s.onError == nil {
		return
	}
	s.mu.Lock()
	report := err.Error() != s.errText
	s.errText = err.Error()
	s.mu.Unlock()
	if report {
		s.onError(err)
	}
}

// reload reads the file if force is set, the last reload failed, or the
// file's identity changed, and swaps in its keyring if its content
// changed. It returns the failure, or the new keyring if it swapped one in.
func (s *FileKeySource) reload(force bool) (*Keyring, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !force && s.err.Load() == nil {
		// A failed Stat falls through to the read, which reports it.
		if fi, err := os.Stat(s.path); err == nil && sameFile(fi, s.seen) {
			return nil, nil
		}
	}
	data, fi, err := readKeyFile(s.path)
	if err != nil {
		return nil, s.fail(err)
	}
	s.seen = fi
	sum := sha256.Sum256(data)
	if sum == s.sum {
		s.succeed()
		return nil, nil
	}
	f, _, err := parseKeyFile(data)
	if err != nil {
		return nil, s.fail(fmt.Errorf("cookiecodec: key file %s: %w", s.path, err))
	}
	s.sum = sum
	s.ring.Store(f.Keyring())
	s.succeed()
	return f.Keyring(), nil
}

func (s *FileKeySource) fail(err error) error {
	s.err.Store(&err)
	return err
}

func (s *FileKeySource) succeed() {
	s.err.Store(nil)
	s.errText = ""
}

// sameFile reports whether a and b describe the same file, unmodified as
// far as its metadata tell.
func sameFile(a, b fs.FileInfo) bool {
	return b != nil && os.SameFile(a, b) && a.Size() == b.Size() &&
		a.ModTime().Equal(b.ModTime()) && a.Mode() == b.Mode()
}
