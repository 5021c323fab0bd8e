// Command drift replays recorded traffic (a HAR 1.2 file) through the
// contract transport in Observe mode against an API's fixed spec, prints per
// operation what the traffic shows that the spec does not declare, and
// writes a draft OpenAPI Overlay 1.0 that would make the spec match.
//
//	go run ./internal/build/cmd/drift -api auth0 -har traffic.har [-spec file] [-out file]
//
// (make drift API=auth0 HAR=traffic.har). The report ends with the typed
// coverage of the traffic: members the generated types keep only in
// AdditionalProperties, calls to no operation, undeclared statuses and enum
// misses, each with its draft action (or why it has none), and the line
//
//	typed coverage: N members only in AdditionalProperties, N calls to no operation, N undeclared statuses, N enum misses
//
// With -coverage only that part is printed, no overlay is written, and the
// exit status is 3 unless every count is 0 (1 on an error). An action that
// cannot be drafted is reported and the run goes on. The draft is checked before it is
// written: it is applied to the spec by the pipeline's own code
// (internal/build/specs, strictly) and the traffic is replayed again; the report says what drift,
// if any, would remain. Nothing is sent over the network.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mgmtapi/mgmtapi/contract"
)

func main() {
	api := flag.String("api", "", "API name from specs/pipeline.yaml (e.g. auth0)")
	harPath := flag.String("har", "", "HAR 1.2 file of recorded traffic")
	specPath := flag.String("spec", "", "fixed spec (default specs/.cache/fixed/<api>.json)")
	out := flag.String("out", "", "draft overlay to write (default specs/.cache/drift/<api>.overlay.yaml)")
	cover := flag.Bool("coverage", false, "print only the typed coverage, write no overlay, and exit 3 unless every count is 0")
	flag.Parse()
	if *api == "" || *harPath == "" {
		fmt.Fprintln(os.Stderr, "usage: drift -api <name> -har <file> [-spec <file>] [-out <overlay.yaml>] [-coverage]")
		os.Exit(2)
	}
	if *specPath == "" {
		*specPath = filepath.Join("specs", ".cache", "fixed", *api+".json")
	}
	if *out == "" {
		*out = filepath.Join("specs", ".cache", "drift", *api+".overlay.yaml")
	}
	ctx := context.Background()
	if *cover {
		cov, err := runCoverage(ctx, os.Stdout, *api, *specPath, *harPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, "drift:", err)
			os.Exit(1)
		}
		if !cov.zero() {
			os.Exit(3)
		}
		return
	}
	if err := run(ctx, os.Stdout, *api, *specPath, *harPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "drift:", err)
		os.Exit(1)
	}
}

// load reads the spec and the HAR file and replays the traffic.
func load(ctx context.Context, specPath, harPath string) (spec []byte, h *har, res *result, err error) {
	spec, err = os.ReadFile(specPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil, fmt.Errorf("%s not found: run \"make fix\" first", specPath)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	h, err = readHAR(harPath)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: %w", harPath, err)
	}
	res, err = replay(ctx, spec, h)
	if err != nil {
		return nil, nil, nil, err
	}
	return spec, h, res, nil
}

// runCoverage is the -coverage mode: the typed coverage of the traffic,
// with the draft action for each item, and its summary line.
func runCoverage(ctx context.Context, w io.Writer, api, specPath, harPath string) (*coverage, error) {
	spec, _, res, err := load(ctx, specPath, harPath)
	if err != nil {
		return nil, err
	}
	draft, err := draftOverlay(api, spec, res.Findings)
	if err != nil {
		return nil, err
	}
	cov := typedCoverage(draft, res)
	fmt.Fprintf(w, "typed coverage: %s, %s against %s\n", api, harPath, specPath)
	cov.print(w)
	return cov, nil
}

// run is the command: report to w, draft overlay to out.
func run(ctx context.Context, w io.Writer, api, specPath, harPath, out string) error {
	spec, h, res, err := load(ctx, specPath, harPath)
	if err != nil {
		return err
	}
	draft, err := draftOverlay(api, spec, res.Findings)
	if err != nil {
		return err
	}
	var remaining *result
	if len(draft.actions) > 0 {
		fixed, err := applyDraft(api, spec, draft)
		if err != nil {
			// Still print what was found: the report does not depend
			// on the draft.
			printReport(w, api, specPath, harPath, res)
			fmt.Fprintln(w)
			typedCoverage(draft, res).print(w)
			return err
		}
		if remaining, err = replay(ctx, fixed, h); err != nil {
			return fmt.Errorf("replay against the spec with the draft overlay: %w", err)
		}
	}
	printReport(w, api, specPath, harPath, res)
	fmt.Fprintln(w)
	typedCoverage(draft, res).print(w)
	if nd := draft.notDrafted(); len(nd) > 0 {
		fmt.Fprintf(w, "\nnot drafted (%d; fix them by hand):\n", len(nd))
		for _, c := range nd {
			fmt.Fprintf(w, "  %s\n    not drafted: %s\n", findingLine(c.first), c.notDrafted)
		}
	}
	if len(draft.actions) == 0 {
		fmt.Fprintln(w, "\nno draftable drift: no overlay written")
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, draft.yaml, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "\ndraft overlay: %d actions written to %s\n", len(draft.actions), out)
	var left []contract.Finding
	for _, f := range remaining.Findings {
		if !draft.leftOut(f) {
			left = append(left, f)
		}
	}
	switch {
	case len(left) > 0:
		fmt.Fprintf(w, "applied to the spec, it leaves %d findings besides those not drafted (fix them by hand):\n", len(left))
		for _, f := range left {
			fmt.Fprintf(w, "  %s\n", findingLine(f))
		}
	case len(remaining.Findings) > 0:
		fmt.Fprintf(w, "applied to the spec, it leaves no drift in this traffic but the %d findings not drafted\n", len(remaining.Findings))
	default:
		fmt.Fprintln(w, "applied to the spec, it leaves no drift in this traffic")
	}
	fmt.Fprintf(w, "review it, then append the actions you accept, with their comments, to the last overlay of %s in specs/pipeline.yaml (or to a new specs/%s.overlay.yaml listed there)\n", api, api)
	return nil
}

// applyDraft applies the draft to spec with the pipeline's code. When it
// does not apply, each change is tried alone: those that do not apply are
// marked not drafted (and reported), and the rest is applied.
func applyDraft(api string, spec []byte, d *draft) ([]byte, error) {
	fixed, err := applyOverlay(api, spec, d.yaml)
	if err == nil {
		return fixed, nil
	}
	for _, c := range d.changes {
		if c.notDrafted != "" {
			continue
		}
		y, rerr := renderOverlay(api, c.acts)
		if rerr != nil {
			return nil, rerr
		}
		if _, aerr := applyOverlay(api, spec, y); aerr != nil {
			c.notDrafted = "its action does not apply: " + aerr.Error()
		}
	}
	if err := d.render(api); err != nil {
		return nil, err
	}
	if fixed, err = applyOverlay(api, spec, d.yaml); err != nil {
		return nil, fmt.Errorf("the draft overlay does not apply (a bug in drift): %w", err)
	}
	return fixed, nil
}
