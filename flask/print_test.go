package flask

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// TestOptionsString checks that Options print and marshal the ids of
// their secret keys in place of the keys.
func TestOptionsString(t *testing.T) {
	opts := Options{SecretKeys: [][]byte{testSecret, {}}, Salt: "s", MaxAge: time.Hour, MaxLength: 100}
	id := KeyID(testSecret).String()
	want := `flask.Options{SecretKeys: [` + id + ` empty], Salt: "s", MaxAge: 1h0m0s, Skew: 0s, MaxLength: 100}`
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		if got := fmt.Sprintf(verb, opts); got != want {
			t.Errorf("Sprintf(%q, opts) = %q, want %q", verb, got, want)
		}
	}
	j, err := json.Marshal(opts)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"SecretKeyIDs":["` + id + `","empty"],"Salt":"s","MaxAge":3600000000000,"Skew":0,"MaxLength":100}`
	if string(j) != wantJSON {
		t.Errorf("json.Marshal(opts) = %s, want %s", j, wantJSON)
	}
}
