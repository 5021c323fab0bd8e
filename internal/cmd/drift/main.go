// Command drift replays recorded traffic (a HAR 1.2 file) through the
// contract transport in Observe mode against an API's fixed spec, prints per
// operation what the traffic shows that the spec does not declare, and
// writes a draft OpenAPI Overlay 1.0 that would make the spec match.
//
//	go run ./internal/cmd/drift -api auth0 -har traffic.har [-spec file] [-out file]
//
// (make drift API=auth0 HAR=traffic.har). The draft is checked before it is
// written: it is applied to the spec by the pipeline's own code
// (internal/specs, strictly) and the traffic is replayed again; the report says what drift,
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
)

func main() {
	api := flag.String("api", "", "API name from specs/pipeline.yaml (e.g. auth0)")
	harPath := flag.String("har", "", "HAR 1.2 file of recorded traffic")
	specPath := flag.String("spec", "", "fixed spec (default specs/.cache/fixed/<api>.json)")
	out := flag.String("out", "", "draft overlay to write (default specs/.cache/drift/<api>.overlay.yaml)")
	flag.Parse()
	if *api == "" || *harPath == "" {
		fmt.Fprintln(os.Stderr, "usage: drift -api <name> -har <file> [-spec <file>] [-out <overlay.yaml>]")
		os.Exit(2)
	}
	if *specPath == "" {
		*specPath = filepath.Join("specs", ".cache", "fixed", *api+".json")
	}
	if *out == "" {
		*out = filepath.Join("specs", ".cache", "drift", *api+".overlay.yaml")
	}
	if err := run(context.Background(), os.Stdout, *api, *specPath, *harPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "drift:", err)
		os.Exit(1)
	}
}

// run is the command: report to w, draft overlay to out.
func run(ctx context.Context, w io.Writer, api, specPath, harPath, out string) error {
	spec, err := os.ReadFile(specPath)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s not found: run \"make fix\" first", specPath)
	}
	if err != nil {
		return err
	}
	h, err := readHAR(harPath)
	if err != nil {
		return fmt.Errorf("%s: %w", harPath, err)
	}
	res, err := replay(ctx, spec, h)
	if err != nil {
		return err
	}
	draft, err := draftOverlay(api, spec, res.Findings)
	if err != nil {
		return err
	}
	var remaining *result
	if len(draft.actions) > 0 {
		fixed, err := applyOverlay(api, spec, draft.yaml)
		if err != nil {
			return fmt.Errorf("the draft overlay does not apply to %s (a bug in drift): %w", specPath, err)
		}
		if remaining, err = replay(ctx, fixed, h); err != nil {
			return fmt.Errorf("replay against the spec with the draft overlay: %w", err)
		}
	}
	printReport(w, api, specPath, harPath, res)
	if len(draft.actions) == 0 {
		fmt.Fprintln(w, "\nno drift: no overlay written")
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, draft.yaml, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "\ndraft overlay: %d actions written to %s\n", len(draft.actions), out)
	if n := len(remaining.Findings); n > 0 {
		fmt.Fprintf(w, "applied to the spec, it leaves %d findings (fix them by hand):\n", n)
		for _, f := range remaining.Findings {
			fmt.Fprintf(w, "  %s\n", findingLine(f))
		}
	} else {
		fmt.Fprintln(w, "applied to the spec, it leaves no drift in this traffic")
	}
	fmt.Fprintf(w, "review it, then append the actions you accept, with their comments, to the last overlay of %s in specs/pipeline.yaml (or to a new specs/%s.overlay.yaml listed there)\n", api, api)
	return nil
}
