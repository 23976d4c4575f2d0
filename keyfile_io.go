package cookiecodec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// LoadKeyFile reads and parses the key file at path (see [ParseKeyFile]).
// A version 1 file does not record when its keys were demoted: LoadKeyFile
// gives each decode-only key of one the file's modification time as its
// [KeyEntry.Demoted], the latest time it can have been demoted, so that a
// guard built on it errs on the side of keeping the key. Errors name the
// path; one that wraps [fs.ErrNotExist] means there is no file.
func LoadKeyFile(path string) (*KeyFile, error) {
	data, fi, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	f, version, err := parseKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: key file %s: %w", path, err)
	}
	if version == 1 {
		entries := f.Entries()
		for i := range entries {
			if entries[i].Status == StatusDecodeOnly {
				entries[i].Demoted = fi.ModTime()
			}
		}
		if f, err = newKeyFile(entries); err != nil {
			panic("cookiecodec: internal error: " + err.Error())
		}
	}
	return f, nil
}

// UpdateKeyFile reads the key file at path, calls update with it, and
// saves the KeyFile update returns as [SaveKeyFile] does, all while
// holding a lock that serializes UpdateKeyFile calls on path across the
// processes of the machine, so that no update that returned success is
// lost to a concurrent one. It returns what update returned. If update
// returns an error, the file is left as it was and UpdateKeyFile returns
// that error unwrapped.
//
// The lock is an advisory lock on the file path+".lock" in the same
// directory, created with mode 0600 and left in place (on systems without
// flock, the lock file exists only while it is held, and one left by a
// crash must be removed by hand). UpdateKeyFile waits for it at most 10
// seconds. Programs that write the file otherwise, with [SaveKeyFile] or
// by hand, do not take the lock.
func UpdateKeyFile(path string, update func(*KeyFile) (*KeyFile, error)) (*KeyFile, error) {
	unlock, err := lockKeyFile(path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("cookiecodec: locking key file %s: %w", pathText(path), err)
	}
	defer unlock()
	f, err := LoadKeyFile(path)
	if err != nil {
		return nil, err
	}
	if f, err = update(f); err != nil {
		return nil, err
	}
	if err := SaveKeyFile(path, f); err != nil {
		return nil, err
	}
	return f, nil
}

// lockWait is how long lockKeyFile waits for a lock held by another
// process.
const lockWait = 10 * time.Second

// errLocked reports a lock that another process held for all of lockWait.
var errLocked = errors.New("another process holds the lock; remove the lock file if no cookiecodec command is running")

// readKeyFile returns the content of the file at path, read up to one byte
// beyond maxKeyFileSize, and the file's information from the open file.
func readKeyFile(path string) ([]byte, fs.FileInfo, error) {
	// Checked before opening too, since opening a named pipe blocks.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("cookiecodec: key file %s is not a regular file", path)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cookiecodec: key file: %w", hidePath(err))
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("cookiecodec: key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("cookiecodec: key file %s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxKeyFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("cookiecodec: key file: %w", err)
	}
	return data, fi, nil
}

// SaveKeyFile writes f to path with mode 0600, atomically: it writes a
// temporary file in the same directory, flushes it to disk and renames it
// over path, so that readers see the old file or the new one, never a part.
// If path is a symbolic link, the link is replaced, not its target.
func SaveKeyFile(path string, f *KeyFile) error {
	return writeKeyFile(path, f.Marshal(), false)
}

// CreateKeyFile is like [SaveKeyFile], but fails with an error wrapping
// [fs.ErrExist] if path exists, leaving it as it was.
func CreateKeyFile(path string, f *KeyFile) error {
	return writeKeyFile(path, f.Marshal(), true)
}

func writeKeyFile(path string, data []byte, create bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("cookiecodec: writing key file: %w", hidePath(err))
	}
	tmpName := tmp.Name()
	defer func() {
		if tmp != nil {
			tmp.Close()
		}
		if tmpName != "" {
			os.Remove(tmpName)
		}
		if err != nil {
			err = fmt.Errorf("cookiecodec: writing key file %s: %w", pathText(path), hidePath(err))
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	err = tmp.Close()
	tmp = nil
	if err != nil {
		return err
	}
	if create {
		// A hard link, unlike a rename, fails if path exists.
		if err := os.Link(tmpName, path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%w, not overwriting it", fs.ErrExist)
			}
			return err
		}
	} else if err := os.Rename(tmpName, path); err != nil {
		return err
	} else {
		tmpName = ""
	}
	return syncDir(dir)
}

// syncDir flushes a directory's entries to disk, so that a rename in it
// survives a crash.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be opened for syncing
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// pathText returns path for an error message when it looks like a path: it
// holds a separator or ends in a file extension of up to five letters or
// digits. Anything else may be a secret set where a path was wanted
// (COOKIECODEC_KEY_FILE=<a key>), so pathText says only its length; a key
// in text form, base64url without dots, never looks like a path.
func pathText(path string) string {
	if strings.ContainsRune(path, filepath.Separator) || strings.ContainsRune(path, '/') {
		return path
	}
	if ext := filepath.Ext(path); len(ext) >= 2 && len(ext) <= 6 && len(ext) < len(path) &&
		strings.Trim(ext[1:], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "" {
		return path
	}
	return fmt.Sprintf("(a path of %d bytes that does not look like one, not shown)", len(path))
}

// hidePath returns err with the path of an [fs.PathError] in it replaced by
// its [pathText] form, keeping what the error wraps.
func hidePath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: pathText(pe.Path), Err: pe.Err}
	}
	return err
}
