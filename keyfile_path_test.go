package cookiecodec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyFileErrorsHidePaths sets a secret where the path of a key file
// belongs, as COOKIECODEC_KEY_FILE=<a key> does by mistake, and checks
// that no error quotes it, while errors still name real paths and wrap
// fs.ErrNotExist.
func TestKeyFileErrorsHidePaths(t *testing.T) {
	t.Chdir(t.TempDir())
	key := GenerateKey().ExportSecret()
	for _, secret := range []string{key, "mrexamples", "super secret key"} {
		t.Run(secret[:4], func(t *testing.T) {
			_, err := LoadKeyFile(secret)
			if err == nil || strings.Contains(err.Error(), secret) || !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("LoadKeyFile(secret) err = %v, want fs.ErrNotExist without the secret", err)
			}
			_, err = NewFileKeySource(secret, FileKeySourceOptions{})
			if err == nil || strings.Contains(err.Error(), secret) {
				t.Errorf("NewFileKeySource(secret) err = %v, want one without the secret", err)
			}
			t.Setenv(EnvKeys, "")
			os.Unsetenv(EnvKeys)
			t.Setenv(EnvKeyFile, secret)
			_, err = KeyringFromEnv()
			if err == nil || strings.Contains(err.Error(), secret) {
				t.Errorf("KeyringFromEnv with %s=secret: err = %v, want one without the secret", EnvKeyFile, err)
			}
		})
	}
	missing := filepath.Join(t.TempDir(), "keys.json")
	if _, err := LoadKeyFile(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("LoadKeyFile(%q) err = %v, want it to name the path", missing, err)
	}
	if _, err := LoadKeyFile("keys.json"); err == nil || !strings.Contains(err.Error(), "keys.json") {
		t.Errorf(`LoadKeyFile("keys.json") err = %v, want it to name the path`, err)
	}
}
