package flask

import (
	"runtime"
	"strings"
	"testing"

	"github.com/cookiecodec/cookiecodec"
)

// maxAllocPerByte is the most UnmarshalTagged may allocate, in bytes per
// byte of JSON, for the payloads of allocShapes, valid or not.
const maxAllocPerByte = 64

// allocShapes are tagged JSON payloads of about
// [cookiecodec.MaxInflatedSize] bytes shaped to make the parser allocate
// as much as it can for their length: many of the smallest items that
// cost an allocation each, containers nested as deep as allowed, and long
// strings.
func allocShapes() []struct {
	name string
	p    string
} {
	const n = cookiecodec.MaxInflatedSize
	// array is {"":[item,item,...]}, as many items as fit in n bytes.
	array := func(item string) string {
		count := (n - 8) / (len(item) + 1)
		return `{"":[` + strings.Repeat(item+",", count-1) + item + `]}`
	}
	return []struct {
		name string
		p    string
	}{
		{"zeros", array("0")},
		{"empty objects", array("{}")},
		{"objects of one member", array(`{"":0}`)},
		{"empty arrays", array("[]")},
		{"empty strings", array(`""`)},
		{"strings of one character", array(`"x"`)},
		{"integers", array("256")},
		{"floats", array("0.5")},
		{"tuples", array(`{" t":[]}`)},
		{"bytes", array(`{" b":""}`)},
		{"markups", array(`{" m":""}`)},
		{"escaped dicts", array(`{" di":{"a__":0}}`)},
		{"nested arrays", `{"":` + strings.Repeat("[", maxJSONDepth-1) + strings.Repeat(" ", n-300) + strings.Repeat("]", maxJSONDepth-1) + "}"},
		{"nested arrays, unterminated", `{"":` + strings.Repeat("[", maxJSONDepth-1) + strings.Repeat("0,", (n-300)/2)},
		{"long string", `{"":"` + strings.Repeat("x", n-8) + `"}`},
		{"long escaped string", `{"":"` + strings.Repeat(`\n`, (n-8)/2) + `"}`},
	}
}

// allocated returns the bytes allocated by one call of f, the least of a
// few runs so that allocations of other goroutines do not count.
func allocated(f func()) uint64 {
	var least uint64
	for i := range 3 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; i == 0 || n < least {
			least = n
		}
	}
	return least
}

// TestUnmarshalTaggedAllocation checks that parsing allocates at most
// maxAllocPerByte bytes per byte of JSON on the shapes that allocate most.
// The parser allocates no container ahead of its items, so what it
// allocates follows what the payload holds.
func TestUnmarshalTaggedAllocation(t *testing.T) {
	for _, tc := range allocShapes() {
		t.Run(tc.name, func(t *testing.T) {
			p := []byte(tc.p)
			n := allocated(func() { UnmarshalTagged(p) })
			perByte := float64(n) / float64(len(p))
			t.Logf("%d bytes of JSON, %d bytes allocated, %.1f per byte", len(p), n, perByte)
			if perByte > maxAllocPerByte {
				t.Errorf("UnmarshalTagged(%s) allocated %.1f bytes per byte of JSON, want at most %d", tc.name, perByte, maxAllocPerByte)
			}
		})
	}
}
