package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// results holds the measurements of a run of `go test -bench`, in the
// standard benchmark format (the one benchstat reads): every value of every
// unit, by benchmark name and GOMAXPROCS.
type results struct {
	cpu      string
	timeUnit string                       // the unit unitTime stands for
	useMin   bool                         // figures are minimums, not medians
	runs     map[key]map[string][]float64 // unit -> one value per run
	// run, if positive, makes every figure that of the run-th run alone
	// (counted from 1), for judging a cell run by run.
	run int
}

type key struct {
	name  string // without the -N GOMAXPROCS suffix
	procs int
}

// parse reads benchmark output. Lines that are not results (headers, PASS,
// logs) are skipped, except "cpu:", which names the machine.
func parse(r io.Reader) (*results, error) {
	res := &results{timeUnit: cpuTime, runs: make(map[key]map[string][]float64)}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if cpu, ok := strings.CutPrefix(text, "cpu: "); ok {
			res.cpu = strings.TrimSpace(cpu)
			continue
		}
		f := strings.Fields(text)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseUint(f[1], 10, 64); err != nil {
			continue // a log line that happens to start with a name
		}
		k := splitProcs(f[0])
		units := res.runs[k]
		if units == nil {
			units = make(map[string][]float64)
			res.runs[k] = units
		}
		for i := 2; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: value %q of %s: %v", line, f[i], f[i+1], err)
			}
			units[f[i+1]] = append(units[f[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(res.runs) == 0 {
		return nil, fmt.Errorf("no benchmark results")
	}
	return res, nil
}

// splitProcs splits the -N suffix that `go test` adds to a benchmark's name
// when GOMAXPROCS is not 1.
func splitProcs(name string) key {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i < strings.LastIndexByte(name, '/') {
		return key{name, 1}
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n < 1 {
		return key{name, 1}
	}
	return key{name[:i], n}
}

// figure returns the median of the values of unit for the benchmark name
// at GOMAXPROCS procs, or the least of them if r.useMin is set, or the
// value of run r.run if that is set. If procs is 0, it is the highest
// GOMAXPROCS the benchmark ran with.
func (r *results) figure(name, unit string, procs int) (float64, bool) {
	if unit == unitTime {
		unit = r.timeUnit
	}
	if procs == 0 {
		for k := range r.runs {
			if k.name == name && k.procs > procs {
				procs = k.procs
			}
		}
	}
	vs := r.runs[key{name, procs}][unit]
	if r.run > 0 {
		if r.run > len(vs) {
			return 0, false
		}
		return vs[r.run-1], true
	}
	if len(vs) == 0 {
		return 0, false
	}
	vs = slices.Sorted(slices.Values(vs))
	switch n := len(vs); {
	case r.useMin:
		return vs[0], true
	case n%2 == 0:
		return (vs[n/2-1] + vs[n/2]) / 2, true
	}
	return vs[len(vs)/2], true
}

// has reports whether any benchmark reported unit.
func (r *results) has(unit string) bool {
	for _, units := range r.runs {
		if len(units[unit]) > 0 {
			return true
		}
	}
	return false
}

// procsRange returns the lowest and highest GOMAXPROCS of the benchmarks
// whose names start with prefix.
func (r *results) procsRange(prefix string) (lo, hi int) {
	for k := range r.runs {
		if !strings.HasPrefix(k.name, prefix) {
			continue
		}
		if lo == 0 || k.procs < lo {
			lo = k.procs
		}
		hi = max(hi, k.procs)
	}
	return lo, hi
}

// inRun returns r restricted to run i (counted from 1).
func (r *results) inRun(i int) *results {
	c := *r
	c.run = i
	return &c
}

// count returns the most runs any benchmark has.
func (r *results) count() int {
	n := 0
	for _, units := range r.runs {
		n = max(n, len(units["ns/op"]))
	}
	return n
}
