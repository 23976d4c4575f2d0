//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package cookiecodec

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockKeyFile takes an exclusive flock on the file at path, creating it,
// and returns the function that releases it. The kernel releases the lock
// when the process exits, so a crash leaves no stale lock.
func lockKeyFile(path string) (unlock func(), err error) {
	fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, hidePath(err)
	}
	fd := int(fh.Fd())
	deadline := time.Now().Add(lockWait)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		err = syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			fh.Close()
			return nil, err
		}
		if time.Now().After(deadline) {
			fh.Close()
			return nil, errLocked
		}
		time.Sleep(pause)
	}
	return func() {
		syscall.Flock(fd, syscall.LOCK_UN)
		fh.Close()
	}, nil
}
