package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec"
)

// A jsonPath is the position of a value inside a session, kept as a stack
// of keys and indices so that descending into a value costs nothing; it
// becomes text ("user.roles[2]") only for a note or an error, through
// String. A session nests at most [cookiecodec.MaxSessionDepth] deep and
// String shortens long keys, so that text is short whatever the input.
type jsonPath struct {
	steps []pathStep
}

type pathStep struct {
	key   string
	index int // -1 for a key
}

func (p *jsonPath) pushKey(k string)           { p.steps = append(p.steps, pathStep{key: k, index: -1}) }
func (p *jsonPath) pushIndex(i int)            { p.steps = append(p.steps, pathStep{index: i}) }
func (p *jsonPath) pop()                       { p.steps = p.steps[:len(p.steps)-1] }
func (p *jsonPath) Format(f fmt.State, _ rune) { io.WriteString(f, p.String()) }

// maxPathKey is the longest key, in bytes, that a path prints whole.
const maxPathKey = 40

// maxPathSteps is the most steps a path prints; deeper paths print their
// first and last steps around a count of the others.
const maxPathSteps = 8

// String returns the path as text, "the top level" for the empty path.
// Keys longer than maxPathKey bytes are cut, and say how long they are.
func (p *jsonPath) String() string {
	if len(p.steps) == 0 {
		return "the top level"
	}
	var b strings.Builder
	for i, s := range p.steps {
		if n := len(p.steps); n > maxPathSteps && i >= maxPathSteps/2 && i < n-maxPathSteps/2 {
			if i == maxPathSteps/2 {
				fmt.Fprintf(&b, "...(%d levels)...", n-maxPathSteps)
			}
			continue
		}
		switch {
		case s.index >= 0:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case len(s.key) > maxPathKey:
			if i > 0 {
				b.WriteByte('.')
			}
			fmt.Fprintf(&b, "%s...(a key of %d bytes)", cutUTF8(s.key, maxPathKey/2), len(s.key))
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// cutUTF8 returns at most n bytes of s, cut at a character boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// maxNotes is how many notes a jsonView keeps; the rest are counted.
const maxNotes = 10

// jsonView converts a decoded session value into values that encoding/json
// prints as the CLI promises: integers exactly, floats always with a
// fraction or exponent (so that encode reads them back as floats), []byte
// as standard base64, times as RFC 3339 in UTC. JSON has no NaN or
// infinity: those print as the strings "NaN", "Infinity" and "-Infinity",
// with a note that says where. Types the view does not know are printed
// with %v and noted. The view keeps the first maxNotes notes and counts
// the others, so that its cost and its output stay linear in the session.
type jsonView struct {
	notes   []string
	dropped int // notes beyond maxNotes
	path    jsonPath
	// other converts values of other formats (Flask's tagged types); it
	// returns ok false for types it does not know either. It may call
	// value for the values a converted one holds.
	other func(v any) (any, bool)
}

// note records a note about the value at the current path.
func (j *jsonView) note(format string, a ...any) {
	if len(j.notes) >= maxNotes {
		j.dropped++
		return
	}
	j.notes = append(j.notes, j.path.String()+" "+fmt.Sprintf(format, a...))
}

// hints returns the notes to print, the last summarizing those left out.
func (j *jsonView) hints() []string {
	if j.dropped == 0 {
		return j.notes
	}
	return append(j.notes[:len(j.notes):len(j.notes)],
		fmt.Sprintf("and %s like these, left out", plural(j.dropped, "more note", "more notes")))
}

func (j *jsonView) value(v any) any {
	switch t := v.(type) {
	case nil, bool, string:
		return t
	case int64:
		return json.Number(strconv.FormatInt(t, 10))
	case uint64:
		return json.Number(strconv.FormatUint(t, 10))
	case json.Number:
		return t
	case float64:
		return j.float(t)
	case []byte:
		return base64.StdEncoding.EncodeToString(t)
	case time.Time:
		return t.UTC().Format(time.RFC3339Nano)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			j.path.pushIndex(i)
			out[i] = j.value(e)
			j.path.pop()
		}
		return out
	case map[string]any:
		return j.object(t)
	case cookiecodec.Session:
		return j.object(t)
	}
	if j.other != nil {
		if out, ok := j.other(v); ok {
			return out
		}
	}
	j.note("holds a %T, printed as text", v)
	return fmt.Sprint(v)
}

func (j *jsonView) object(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		j.path.pushKey(k)
		out[k] = j.value(e)
		j.path.pop()
	}
	return out
}

func (j *jsonView) float(f float64) any {
	switch {
	case math.IsNaN(f):
		j.note("is NaN, which JSON cannot hold: printed as the string \"NaN\"")
		return "NaN"
	case math.IsInf(f, 1):
		j.note("is infinite, which JSON cannot hold: printed as the string \"Infinity\"")
		return "Infinity"
	case math.IsInf(f, -1):
		j.note("is infinite, which JSON cannot hold: printed as the string \"-Infinity\"")
		return "-Infinity"
	}
	return json.Number(formatFloat(f, 64))
}

// formatFloat prints f in the shortest form that reads back as the same
// float of the given size, always with a fraction or an exponent.
func formatFloat(f float64, bits int) string {
	s := strconv.FormatFloat(f, 'g', -1, bits)
	if !strings.ContainsAny(s, ".eIN") {
		s += ".0"
	}
	return s
}

// writeJSON prints v as indented JSON, with '<', '>' and '&' unescaped.
func writeJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	return e.Encode(v)
}

// plural returns "1 cookie", "2 cookies": n and the form that fits it.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
