package interop_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
)

// flaskPythons are the interpreters whose Flask the tests drive: the first
// python3 on PATH (Flask 3.x in the project's image) and Debian's, whose
// python3-flask package is Flask 2.2.
var flaskPythons = []struct{ name, path string }{
	{"python3", "python3"},
	{"debian", "/usr/bin/python3"},
}

// An flaskOp is one request to testdata/flask/peer.py; see its docstring.
type flaskOp struct {
	Op        string   `json:"op"`
	Case      string   `json:"case,omitempty"`
	Secret    string   `json:"secret"`
	Fallbacks []string `json:"fallbacks,omitempty"`
	At        int64    `json:"at,omitempty"`
	Cookie    string   `json:"cookie,omitempty"`
	Now       int64    `json:"now,omitempty"`
	ResignAt  int64    `json:"resign_at,omitempty"`
	Payload   string   `json:"payload,omitempty"`
	Compress  bool     `json:"compress,omitempty"`
}

type flaskResult struct {
	Cookie   string            `json:"cookie"`
	Error    string            `json:"error"`
	Loaded   bool              `json:"loaded"`
	Tagged   string            `json:"tagged"`
	Types    map[string]string `json:"types"`
	Resigned string            `json:"resigned"`
	Verdict  string            `json:"verdict"`
	Raised   string            `json:"raised"`
}

type flaskReply struct {
	Flask     string        `json:"flask"`
	Fallbacks bool          `json:"fallbacks"`
	Results   []flaskResult `json:"results"`
}

// runFlaskPeer runs ops in one start of peer.py under python.
func runFlaskPeer(t *testing.T, python string, ops []flaskOp) flaskReply {
	t.Helper()
	req, err := json.Marshal(map[string]any{"ops": ops})
	if err != nil {
		t.Fatal(err)
	}
	cmd := pythonCommand(python, filepath.Join("testdata", "flask", "peer.py"))
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s peer.py: %v\n%s", python, err, stderr.String())
	}
	var reply flaskReply
	if err := json.Unmarshal(out, &reply); err != nil {
		t.Fatalf("%s peer.py: bad reply: %v", python, err)
	}
	if len(reply.Results) != len(ops) {
		t.Fatalf("%s peer.py: %d results for %d ops", python, len(reply.Results), len(ops))
	}
	return reply
}
