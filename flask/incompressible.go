package flask

import "math"

// Flask stores a session compressed only when zlib makes it at least two
// bytes shorter, and finding out costs a whole zlib stream: for a short
// session, most of Encode, mostly building the block's Huffman codes. For
// payloads of at most maxProvable bytes, cannotShrink proves cheaply that
// the stream Go's zlib would write (compress/flate at the default level)
// is not short enough, so that Encode skips it and writes the same bytes.
//
// The proof. compress/flate emits a match only of 4 bytes or more
// (minMatchLength), so a payload in which no 4 bytes repeat is coded as
// literals alone. Closing a zlib stream writes its 2-byte header, the
// block, an empty final stored block (3 bits, padding, 4 bytes) and the
// 4-byte Adler-32: at least 10 bytes besides the block. A stored block is
// 5 bytes longer than the payload and a fixed-Huffman one codes these
// bytes (all below 0x90) in 8 bits each, so only a dynamic block could
// win. A dynamic block costs at least: 3 bits of block header, 14 of
// HLIT, HDIST and HCLEN, 12 for the first four code-length codes; half a
// bit for each symbol with a code (the literals used and end-of-block,
// as a run of up to 6 equal lengths costs at least 3 bits) and a bit for
// each run of zero lengths between them; and for the data, no prefix code
// does better than the entropy of the symbols' counts.

// maxProvable is the longest payload, in bytes, that cannotShrink looks
// at: beyond it the proof rarely holds and costs more to try.
const maxProvable = 256

// cannotShrink reports that zlib at the default level cannot make p at
// least 2 bytes shorter. false means only that it may.
func cannotShrink(p []byte) bool {
	n := len(p)
	if n > maxProvable {
		return false
	}
	var counts [256]uint16
	for _, c := range p {
		if c >= 0x90 {
			return false // a fixed-Huffman code of 9 bits: not covered
		}
		counts[c]++
	}
	if repeats4(p) {
		return false
	}
	// Bits of the symbols' code lengths, and the entropy of the data with
	// end-of-block.
	logTotal := log2s[n+1]
	lengthBits := 0.5 // end-of-block's code length
	data := logTotal  // end-of-block, counted once
	prevUsed := true  // symbol -1: no zero run before 0 counted yet
	for c := range 0x90 {
		if counts[c] == 0 {
			if prevUsed {
				lengthBits++ // a run of zero lengths starts
			}
			prevUsed = false
			continue
		}
		lengthBits += 0.5
		data += float64(counts[c]) * (logTotal - log2s[counts[c]])
		prevUsed = true
	}
	const fixedBits = 3 + 14 + 12
	// 1 bit of margin for rounding in the entropy.
	blockBits := fixedBits + lengthBits + data - 1
	// The stream is at least 10 bytes plus the block, with the final
	// stored block's 3 bits, in whole bytes; it wins only at n-2 or less.
	return 10+math.Ceil((blockBits+3)/8) > float64(n-2)
}

// log2s holds log2(i) for the counts and totals cannotShrink sees.
var log2s = func() (t [maxProvable + 2]float64) {
	for i := 1; i < len(t); i++ {
		t[i] = math.Log2(float64(i))
	}
	return t
}()

// repeats4 reports whether some 4 bytes occur twice in p, overlapping or
// not, with an open-addressing set on the stack.
func repeats4(p []byte) bool {
	if len(p) < 5 {
		return false
	}
	var set [512]uint32
	var used [512]bool
	for i := 0; i+4 <= len(p); i++ {
		v := uint32(p[i])<<24 | uint32(p[i+1])<<16 | uint32(p[i+2])<<8 | uint32(p[i+3])
		h := (v * 2654435761) >> 23
		for used[h] {
			if set[h] == v {
				return true
			}
			h = (h + 1) & 511
		}
		used[h], set[h] = true, v
	}
	return false
}
