package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// render prints the table and returns the number of rows that miss their
// target. A cell that misses is marked with "!"; a figure that is missing
// from the results is "-", and fails a row that has a target. A cell whose
// figure misses but whose runs do not show it beyond noise (see
// missedInRuns) is marked "~", and does not fail its row.
func render(w io.Writer, r *results, rows []row) (missed int) {
	header := append([]string{"", "target"}, workloads...)
	header = append(header, "result")
	table := [][]string{header}
	var misses []string
	unjudged := map[string][]string{} // rows not judged or missed within the noise, by label
	for _, rw := range rows {
		if rw.value == nil {
			table = append(table, []string{rw.label})
			continue
		}
		line := []string{"  " + rw.label, rw.target.String()}
		ok, measured, judged, quiet := true, false, true, true
		for _, wl := range workloads {
			if rw.only != "" && wl != rw.only {
				line = append(line, "")
				continue
			}
			v, found := rw.value(r, wl)
			switch {
			case !found:
				line = append(line, "-")
				ok = ok && !rw.target.set()
			case rw.target.set() && !rw.target.met(v) && !referenceMet(r, rw, wl):
				line = append(line, rw.format(v)+"?")
				judged, measured = false, true
			case rw.target.set() && !rw.target.met(v) && !missedInRuns(r, rw, wl):
				line = append(line, rw.format(v)+"~")
				quiet, measured = false, true
			case rw.target.set() && !rw.target.met(v):
				line = append(line, rw.format(v)+"!")
				ok, measured = false, true
			default:
				line = append(line, rw.format(v)+" ")
				measured = true
			}
		}
		switch {
		case !rw.target.set():
			line = append(line, "")
		case ok && measured && judged && quiet:
			line = append(line, "PASS")
		case ok && measured:
			var labels []string
			if !judged {
				labels = append(labels, rw.refLabel)
			}
			if !quiet {
				labels = append(labels, noiseLabel)
			}
			for _, l := range labels {
				unjudged[l] = append(unjudged[l], strings.TrimSpace(lastHeading(table))+": "+rw.label)
			}
			line = append(line, strings.Join(labels, ","))
		default:
			line = append(line, "FAIL")
			missed++
			misses = append(misses, strings.TrimSpace(lastHeading(table))+": "+rw.label)
		}
		table = append(table, line)
	}

	fmt.Fprintf(w, "cookiecodec vs gorilla/securecookie v1.1.2 and the raw primitives\n")
	stat := "median"
	if r.useMin {
		stat = "minimum"
	}
	fmt.Fprintf(w, "%s of %d runs; %s; ratios are cookiecodec / peer; ! marks a missed target, ? one its reference misses too, ~ one missed within the noise\n", stat, r.count(), machine(r))
	if r.timeUnit == cpuTime {
		fmt.Fprintf(w, "times are the process's CPU time per operation (cpu-ns/op), GC included; parallel throughput is wall time\n\n")
	} else {
		fmt.Fprintf(w, "times are wall time per operation (ns/op)\n\n")
	}
	writeTable(w, table)
	fmt.Fprintln(w)
	for _, label := range slices.Sorted(maps.Keys(unjudged)) {
		if label == noiseLabel {
			fmt.Fprintf(w, "%d targets missed within the noise (%s, cells marked ~): %s:\n", len(unjudged[label]), label, noiseReason)
		} else {
			fmt.Fprintf(w, "%d targets not judged (%s, cells marked ?): %s:\n", len(unjudged[label]), label, refReasons[label])
		}
		for _, u := range unjudged[label] {
			fmt.Fprintf(w, "  %s\n", u)
		}
	}
	if missed == 0 {
		if len(unjudged) > 0 {
			fmt.Fprintln(w, "every other target met")
		} else {
			fmt.Fprintln(w, "every target met")
		}
		return 0
	}
	fmt.Fprintf(w, "%d targets missed:\n", missed)
	for _, m := range misses {
		fmt.Fprintf(w, "  %s\n", m)
	}
	return missed
}

// referenceMet reports whether rw's reference, if it has one, meets rw's
// target on workload wl. A row without a reference has nothing to excuse
// a miss.
func referenceMet(r *results, rw row, wl string) bool {
	if rw.reference == nil {
		return true
	}
	v, ok := rw.reference(r, wl)
	return !ok || rw.target.met(v)
}

// noiseLabel is the verdict of a row whose only misses are within the
// noise.
const noiseLabel = "NOISE"

// missedInRuns reports whether rw misses its target on workload wl in so
// many runs that the miss is not noise: a one-sided sign test. If the code
// met the target, each run would miss it with probability at most one
// half, so that at least signTestRuns(n) of n runs miss it with
// probability at most 5%. Runs are paired by order: the i-th value of each
// benchmark the cell reads; n counts the runs in which all of them have a
// value. With fewer runs than such a test needs (5), noise cannot be told
// apart and a miss of the figure is a miss.
func missedInRuns(r *results, rw row, wl string) bool {
	n, misses := 0, 0
	for i := 1; i <= r.count(); i++ {
		v, ok := rw.value(r.inRun(i), wl)
		if !ok {
			continue
		}
		n++
		if !rw.target.met(v) {
			misses++
		}
	}
	need := signTestRuns(n)
	return need == 0 || misses >= need
}

// signTestRuns returns the fewest of n runs that must miss a target for a
// one-sided sign test to call the miss at the 5% level, or 0 if no number
// of n runs can.
func signTestRuns(n int) int {
	// tail is the probability that at least k of n fair coins come up
	// heads, for k from n down.
	tail, choose := 0.0, 1.0 // choose is n choose (n-k)
	for k := n; k > 0; k-- {
		tail += choose / math.Pow(2, float64(n))
		if tail > 0.05 {
			if k == n {
				return 0
			}
			return k + 1
		}
		choose = choose * float64(k) / float64(n-k+1)
	}
	return 0
}

// noiseReason explains the "~" cells.
const noiseReason = "the figure misses, but in too few of the runs to tell from noise: code that met the target would miss it in that many runs more than once in 20 (a one-sided sign test: a miss needs 6 of 6 runs, 9 of 10, 15 of 20)"

// lastHeading returns the label of the last heading row of table.
func lastHeading(table [][]string) string {
	for i := len(table) - 1; i > 0; i-- {
		if len(table[i]) == 1 {
			return table[i][0]
		}
	}
	return ""
}

func machine(r *results) string {
	_, hi := r.procsRange("BenchmarkSession/")
	cpu := r.cpu
	if cpu == "" {
		cpu = "unknown CPU"
	}
	return fmt.Sprintf("%s, GOMAXPROCS %d", cpu, hi)
}

// writeTable prints rows in aligned columns: the first left-aligned, the
// others right-aligned. A row of one cell is a heading.
func writeTable(w io.Writer, table [][]string) {
	width := make([]int, len(table[0]))
	for _, line := range table {
		if len(line) == 1 {
			continue
		}
		for i, cell := range line {
			width[i] = max(width[i], len([]rune(cell)))
		}
	}
	for _, line := range table {
		if len(line) == 1 {
			fmt.Fprintln(w, line[0])
			continue
		}
		var b strings.Builder
		for i, cell := range line {
			pad := strings.Repeat(" ", width[i]-len([]rune(cell)))
			if i == 0 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString("  " + pad + cell)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// formatNs prints a duration in nanoseconds with three significant digits.
func formatNs(ns float64) string {
	switch {
	case ns < 1e3:
		return strconv.FormatFloat(ns, 'f', 0, 64) + "ns"
	case ns < 1e4:
		return strconv.FormatFloat(ns/1e3, 'f', 2, 64) + "µs"
	case ns < 1e5:
		return strconv.FormatFloat(ns/1e3, 'f', 1, 64) + "µs"
	case ns < 1e6:
		return strconv.FormatFloat(ns/1e3, 'f', 0, 64) + "µs"
	}
	return strconv.FormatFloat(ns/1e6, 'f', 2, 64) + "ms"
}

func formatInt(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }

// formatRatio prints a ratio with two significant digits or more.
func formatRatio(v float64) string {
	if v < 0.1 {
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func formatSpeedup(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "x" }

// trimFloat prints a target limit without trailing zeros.
func trimFloat(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }
