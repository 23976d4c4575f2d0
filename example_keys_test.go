package cookiecodec_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/cookiecodec/cookiecodec"
)

// A server reads its keys from a key file and follows it: after a new key
// is promoted in the file, cookies are sealed with it, and cookies sealed
// with the old primary still open, reported as stale so that they are
// re-issued.
func ExampleNewFileKeySource() {
	dir, err := os.MkdirTemp("", "keys")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "keys.txt")

	old := cookiecodec.GenerateKey()
	f, err := cookiecodec.NewKeyFile(cookiecodec.KeyEntry{Key: old, Status: cookiecodec.StatusPrimary, Created: time.Now()})
	if err != nil {
		log.Fatal(err)
	}
	if err := cookiecodec.CreateKeyFile(path, f); err != nil {
		log.Fatal(err)
	}

	// A negative Interval turns polling off for this example; a server
	// keeps the default and lets the source notice changes itself.
	source, err := cookiecodec.NewFileKeySource(path, cookiecodec.FileKeySourceOptions{
		Interval: -1,
		OnError:  func(err error) { log.Print(err) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer source.Close()
	codec, err := cookiecodec.New(source, cookiecodec.Options{})
	if err != nil {
		log.Fatal(err)
	}
	before, err := codec.Encode("session", cookiecodec.Session{"user": "Harry"})
	if err != nil {
		log.Fatal(err)
	}

	// What `cookiecodec keys add` and `keys promote` do to the file.
	next := cookiecodec.GenerateKey()
	f, err = f.Add(next, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	if f, err = f.Promote(next.ID(), time.Now()); err != nil {
		log.Fatal(err)
	}
	if err := cookiecodec.SaveKeyFile(path, f); err != nil {
		log.Fatal(err)
	}
	if err := source.Reload(); err != nil { // or wait for the next poll
		log.Fatal(err)
	}

	_, info, err := codec.Decode("session", before)
	fmt.Println("old cookie opens:", err == nil, "stale:", info.Stale, "sealed by the old key:", info.KeyID == old.ID())
	after, err := codec.Encode("session", cookiecodec.Session{"user": "Harry"})
	if err != nil {
		log.Fatal(err)
	}
	_, info, _ = codec.Decode("session", after)
	fmt.Println("new cookie sealed by the new key:", info.KeyID == next.ID())
	// Output:
	// old cookie opens: true stale: true sealed by the old key: true
	// new cookie sealed by the new key: true
}

// KeyringFromEnv reads the keys a deployment sets in COOKIECODEC_KEYS: the
// primary first, then the keys kept to open older cookies.
func ExampleKeyringFromEnv() {
	primary, older := cookiecodec.GenerateKey(), cookiecodec.GenerateKey()
	// In production the environment is set by the deployment, from a
	// secret store; it is set here for the example.
	os.Setenv(cookiecodec.EnvKeys, primary.ExportSecret()+","+older.ExportSecret())
	defer os.Unsetenv(cookiecodec.EnvKeys)

	ring, err := cookiecodec.KeyringFromEnv()
	if err != nil {
		log.Fatal(err) // never contains the keys
	}
	fmt.Println("keys:", ring.Len(), "primary first:", ring.Primary().Equal(primary))
	// Output: keys: 2 primary first: true
}

// Decode tells a cookie that has expired from one that is not authentic:
// an expired cookie was genuine, so it may be worth a "your session
// expired, please log in again" page; an invalid one is treated as no
// cookie at all. Either way the request goes on with an empty session.
func ExampleCodec_Decode_errors() {
	// A key, and a cookie it signed in November 2025 that lived 31 days.
	key, err := cookiecodec.ParseKey("eYTfjRJDEMd8U5SE_z97ahwBoX4S07psfnL-udNoqwI")
	if err != nil {
		log.Fatal(err)
	}
	codec, err := cookiecodec.New(mustRing(key), cookiecodec.Options{})
	if err != nil {
		log.Fatal(err)
	}
	expired := "AQBG8c_ZAAAAAGkAB397InVzZXIiOiJIYXJyeSIsInJvbGVzIjpbInJlYWRlciJdLCJuIjo3fd9s6UFdMG8Tb7o7eQZmBUoiTOFz3IhpkUUQqeOEa3FK"

	for _, value := range []string{expired, expired[:len(expired)-1] + "L", "not a cookie"} {
		s, _, err := codec.Decode("session", value)
		switch {
		case errors.Is(err, cookiecodec.ErrExpired):
			fmt.Println("expired: ask the user to log in again; session:", s)
		case errors.Is(err, cookiecodec.ErrInvalid):
			fmt.Println("invalid: start a new session; session:", s)
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Println("valid:", s)
		}
	}
	// Output:
	// expired: ask the user to log in again; session: map[]
	// invalid: start a new session; session: map[]
	// invalid: start a new session; session: map[]
}
