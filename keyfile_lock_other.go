//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package cookiecodec

import (
	"errors"
	"io/fs"
	"os"
	"time"
)

// lockKeyFile creates the file at path, failing while it exists, and
// returns the function that removes it. Without flock, a process that
// dies holding the lock leaves the file, which must then be removed by
// hand; the error says so.
func lockKeyFile(path string) (unlock func(), err error) {
	deadline := time.Now().Add(lockWait)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			fh.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, hidePath(err)
		}
		if time.Now().After(deadline) {
			return nil, errLocked
		}
		time.Sleep(pause)
	}
}
