package cookiecodec

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// maxAllocPerByte is the most the session decoder may allocate, in bytes
// per payload byte, for a payload of allocShapeSize bytes, valid or not,
// made of anything but small maps.
const maxAllocPerByte = 64

// maxMapAllocPerByte is the same bound for payloads of small maps. A Go
// map costs 48 bytes empty and about 336 bytes with 1 to 8 entries, more
// than maxAllocPerByte for each of the 1 and 3 bytes that encode the
// smallest such maps: no decoder that returns map[string]any does better.
const maxMapAllocPerByte = 128

// allocShapeSize is the size, in bytes, of the payloads of allocShapes: the
// largest payload a token may carry.
const allocShapeSize = MaxInflatedSize

// allocShapes are payloads shaped to make a decoder allocate as much as it
// can for their length: containers that declare more items than the
// payload holds, nested so that each level counts the same bytes, and
// valid sessions of the smallest items that cost an allocation each.
func allocShapes() []struct {
	name  string
	p     []byte
	valid bool
	limit float64 // in bytes allocated per payload byte
} {
	const n = allocShapeSize
	// nested declares, at each of the levels allowed, a container of as
	// many items as the bytes left could hold were they the only ones
	// (share 1), or of 1/share of what the levels above leave (share > 1).
	nested := func(major byte, key bool, itemSize, share int) []byte {
		var p []byte
		p = appendHead(p, majorMap, 1)
		p = append(p, 0x60) // the session's key ""
		owed := 0
		for range MaxSessionDepth - 1 {
			count := (n - len(p) - 9) / itemSize
			if share > 1 {
				count = (n - len(p) - 9 - owed) / itemSize / share
				owed += count * itemSize
			}
			p = appendHead(p, major, uint64(count))
			if key {
				p = append(p, 0x60)
			}
		}
		return append(p, make([]byte, n-len(p))...) // zeros: 0 is an unsigned integer
	}
	// array is {"": [item, item, ...]}, as many items as fit in n bytes.
	array := func(item []byte) []byte {
		count := (n - 8) / len(item)
		p := appendHead(append(appendHead(nil, majorMap, 1), 0x60), majorArray, uint64(count))
		for range count {
			p = append(p, item...)
		}
		return p
	}
	// manyKeys is a session of as many distinct keys with null values as
	// fit in n bytes, keys as short as they can be.
	manyKeys := func() []byte {
		s := Session{}
		size := 5
		for i := 0; size < n-16; i++ {
			k := strconv.FormatInt(int64(i), 36)
			s[k] = nil
			size += 1 + len(k) + 1
		}
		p, err := MarshalSession(s)
		if err != nil {
			panic(err)
		}
		return p
	}
	text := appendText(append(appendHead(nil, majorMap, 1), 0x60), strings.Repeat("x", n-8))
	bytesValue := append(appendHead(append(appendHead(nil, majorMap, 1), 0x60), majorBytes, n-8), make([]byte, n-8)...)
	// mapOfMaps is {"": {k: {"": null}, ...}}, keys as short as they can be.
	mapOfMaps := func() []byte {
		s := map[string]any{}
		size := 8
		for i := 0; size < n-16; i++ {
			k := strconv.FormatInt(int64(i), 36)
			s[k] = map[string]any{"": nil}
			size += 1 + len(k) + 3
		}
		p, err := MarshalSession(Session{"": s})
		if err != nil {
			panic(err)
		}
		return p
	}
	return []struct {
		name  string
		p     []byte
		valid bool
		limit float64 // in bytes allocated per payload byte
	}{
		{"nested maps", nested(majorMap, true, 2, 1), false, maxAllocPerByte},
		{"nested arrays", nested(majorArray, false, 1, 1), false, maxAllocPerByte},
		{"nested maps sharing", nested(majorMap, true, 2, 2), false, maxAllocPerByte},
		{"nested arrays sharing", nested(majorArray, false, 1, 2), false, maxAllocPerByte},
		{"nulls", array([]byte{cborNull}), true, maxAllocPerByte},
		{"empty maps", array([]byte{majorMap}), true, maxMapAllocPerByte},
		{"maps of one entry", array([]byte{majorMap | 1, 0x60, cborNull}), true, maxMapAllocPerByte},
		{"empty arrays", array([]byte{majorArray}), true, maxAllocPerByte},
		{"arrays of one item", array([]byte{majorArray | 1, cborNull}), true, maxAllocPerByte},
		{"empty texts", array([]byte{majorText}), true, maxAllocPerByte},
		{"texts of one byte", array([]byte{majorText | 1, 'x'}), true, maxAllocPerByte},
		{"byte strings of one byte", array([]byte{majorBytes | 1, 0}), true, maxAllocPerByte},
		{"integers", array([]byte{majorUint | 25, 1, 0}), true, maxAllocPerByte},
		{"halves", array([]byte{cborF16, 0x3c, 0x01}), true, maxAllocPerByte},
		{"times", array([]byte{majorTag | tagEpoch, 0}), true, maxAllocPerByte},
		{"maps of maps of one entry", mapOfMaps(), true, maxMapAllocPerByte},
		{"keys", manyKeys(), true, maxAllocPerByte},
		{"long text", text, true, maxAllocPerByte},
		{"long byte string", bytesValue, true, maxAllocPerByte},
	}
}

// allocated returns the bytes allocated by one call of f, the least of
// a few runs so that allocations of other goroutines do not count.
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

// TestUnmarshalSessionAllocation checks that decoding allocates at most a
// constant per payload byte on the shapes that allocate most.
func TestUnmarshalSessionAllocation(t *testing.T) {
	for _, tc := range allocShapes() {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.p) > allocShapeSize {
				t.Fatalf("payload of %d bytes, longer than %d", len(tc.p), allocShapeSize)
			}
			_, err := UnmarshalSession(tc.p)
			if (err == nil) != tc.valid {
				t.Fatalf("UnmarshalSession(%s) err = %v, want valid %v", tc.name, err, tc.valid)
			}
			n := allocated(func() { UnmarshalSession(tc.p) })
			perByte := float64(n) / float64(len(tc.p))
			t.Logf("%d payload bytes, %d bytes allocated, %.1f per payload byte", len(tc.p), n, perByte)
			if perByte > tc.limit {
				t.Errorf("UnmarshalSession(%s) allocated %.1f bytes per payload byte, want at most %.0f", tc.name, perByte, tc.limit)
			}
		})
	}
}

// BenchmarkUnmarshalSessionShapes reports the time and the bytes allocated
// per payload byte (B/payload-byte) of decoding the shapes of allocShapes.
func BenchmarkUnmarshalSessionShapes(b *testing.B) {
	for _, w := range allocShapes() {
		b.Run(strings.ReplaceAll(w.name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(w.p)))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				UnmarshalSession(w.p)
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(len(w.p)), "B/payload-byte")
		})
	}
}
