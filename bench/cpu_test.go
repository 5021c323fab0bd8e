package bench

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used so far,
// garbage collection included.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs op b.N times (b.Loop) and also reports the process CPU time per
// op ("cpu-ns/op"): on a machine shared with other builds, wall time per op
// varies by ±30 % or more between runs, the CPU a client burns per op much
// less.
func loop(b *testing.B, op func() error) {
	b.ReportAllocs()
	start, n := cpuTime(b), 0
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
}
