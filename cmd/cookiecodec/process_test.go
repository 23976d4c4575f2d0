package main

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// mainEnv, set to 1, makes the test binary run the command with its
// arguments instead of the tests, so that tests can run real concurrent
// processes of the command.
const mainEnv = "COOKIECODEC_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	// Relative paths in tests resolve in a directory of their own.
	dir, err := os.MkdirTemp("", "cookiecodec-test")
	if err != nil {
		panic(err)
	}
	if err := os.Chdir(dir); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runProcess starts the command as a process of its own with args.
func runProcess(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	return cmd
}

// TestKeysConcurrentProcesses runs eight "keys add" processes at once,
// with a "keys retire" racing them, and checks that the file ends with
// every key an add reported and without the retired one.
func TestKeysConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes")
	}
	cleanEnv(t)
	path, _ := initKeys(t)
	r := runCmd(t, "", "keys", "add", path)
	r.want(t, exitOK)
	victim := strings.TrimSpace(r.stdout)

	const procs = 8
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		ids []string
	)
	for i := range procs + 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"keys", "add", path}
			if i == procs/2 {
				args = []string{"keys", "retire", path, victim}
			}
			out, err := runProcess(args...).Output()
			if err != nil {
				t.Errorf("%q: %v", args, err)
				return
			}
			if args[1] == "add" {
				mu.Lock()
				ids = append(ids, strings.TrimSpace(string(out)))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	have := map[string]bool{}
	for _, e := range loadKeys(t, path).Entries() {
		have[e.Key.ID().String()] = true
	}
	for _, id := range ids {
		if !have[id] {
			t.Errorf("keys add printed %s, which the file does not hold", id)
		}
	}
	if have[victim] {
		t.Errorf("the retired key %s is back in the file", victim)
	}
	if len(ids) != procs || len(have) != 1+procs {
		t.Errorf("%d adds reported, file has %d keys; want %d and %d", len(ids), len(have), procs, 1+procs)
	}
}
