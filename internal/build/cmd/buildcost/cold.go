package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

// sample is what one cold build cost.
type sample struct {
	Wall time.Duration
	// CPU is user+sys time of the go command and every descendant it waited
	// for (compile, asm, link, cgo): on Linux the rusage wait4 returns for a
	// child includes its reaped children, recursively.
	CPU time.Duration
	// PeakKB is the largest resident set of any single process in the
	// build's tree (the go command or one of its waited-for descendants), in
	// KiB: Linux's ru_maxrss from wait4 is the maximum over the child and
	// its reaped descendants. It is not the sum of processes that ran at the
	// same time.
	PeakKB int64
}

// fromProcess reads a finished command's rusage.
func fromProcess(ps *os.ProcessState, wall time.Duration) sample {
	s := sample{Wall: wall, CPU: ps.UserTime() + ps.SystemTime()}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		s.PeakKB = ru.Maxrss // KiB on Linux
	}
	return s
}

// median returns the median of each measure on its own (the mean of the two
// middle values for an even count); zero for no samples.
func median(ss []sample) sample {
	if len(ss) == 0 {
		return sample{}
	}
	pick := func(f func(sample) int64) int64 {
		v := make([]int64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		n := len(v)
		if n%2 == 1 {
			return v[n/2]
		}
		return (v[n/2-1] + v[n/2]) / 2
	}
	return sample{
		Wall:   time.Duration(pick(func(s sample) int64 { return int64(s.Wall) })),
		CPU:    time.Duration(pick(func(s sample) int64 { return int64(s.CPU) })),
		PeakKB: pick(func(s sample) int64 { return s.PeakKB }),
	}
}

// coldBuild runs `go build args...` in dir with an empty build cache of its
// own (removed afterwards), the shared module cache and no network, and
// returns its cost. With groups, it also returns where the CPU went (see
// parts.go); otherwise the parts are nil.
func coldBuild(ctx context.Context, dir string, args []string, groups *classifier) (sample, map[string]time.Duration, error) {
	cache, err := os.MkdirTemp("", "buildcost-gocache-")
	if err != nil {
		return sample{}, nil, err
	}
	defer os.RemoveAll(cache)
	graph := filepath.Join(cache, "actiongraph.json")
	if groups != nil {
		args = append([]string{"-debug-actiongraph=" + graph}, args...)
	}
	cmd := exec.CommandContext(ctx, "go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOCACHE="+cache, "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		msg := stderr.Bytes()
		if len(msg) > 4000 {
			msg = msg[:4000]
		}
		return sample{}, nil, fmt.Errorf("go build %v in %s: %v\n%s", args, dir, err, msg)
	}
	s := fromProcess(cmd.ProcessState, wall)
	if groups == nil {
		return s, nil, nil
	}
	parts, err := groups.parts(graph, s.CPU)
	return s, parts, err
}
