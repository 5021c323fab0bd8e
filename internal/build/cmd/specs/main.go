// Command specs runs the generation pipeline for gen/.
//
//	specs sync                    verify-copy every pinned spec into specs/.cache
//	specs fix [api...]            sync, then write the fixed specs to specs/.cache/fixed
//	specs generate [-out dir] [api...]  fix, then run oapi-codegen into dir (default gen)
//	specs check                   generate into a temporary tree and fail if gen/ differs
//	specs diff -api name -new file-or-url   compare the pinned spec with a new one
//	specs bump -api name -new file-or-url [-apply] [-url u] [-version v] [-commit c] [-v] [-no-go]
//	                              fix the new spec, print its breaking changes (oasdiff) and Go
//	                              API impact (apidiff); -apply rewrites the lock entry and regenerates
//	specs steps                   list the normalisation steps and rewrites and why they exist
//
// The pinned documents come from SPECS_MIRROR (a directory laid out like
// ../shared/specs) when it is set, and from their upstream URLs otherwise.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/mgmtapi/mgmtapi/internal/build/specs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "specs:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: specs sync|fix|generate|check|diff|bump|steps")
	}
	l := specs.Layout{Root: ".", Mirror: os.Getenv("SPECS_MIRROR")}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	out := fs.String("out", ".", "generate: output root (packages go to the dir of each API in specs/pipeline.yaml)")
	api := fs.String("api", "", "diff: the API whose pinned spec is compared")
	newSpec := fs.String("new", "", "diff, bump: the new spec, a file or an http(s) URL")
	apply := fs.Bool("apply", false, "bump: rewrite the lock entry and regenerate")
	pinURL := fs.String("url", "", "bump: the lock entry's url (default: -new when it is a URL)")
	version := fs.String("version", "", "bump: the lock entry's version")
	commit := fs.String("commit", "", "bump: the lock entry's commit (default: from a raw.githubusercontent.com url)")
	verbose := fs.Bool("v", false, "bump: list every change")
	noGo := fs.Bool("no-go", false, "bump: skip the Go API report")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "steps" {
		for _, s := range specs.Steps() {
			fmt.Printf("%-26s %s\n", s.Name, s.Why)
		}
		fmt.Println("\nrewrites of oapi-codegen's output:")
		for _, r := range specs.Rewrites() {
			fmt.Printf("%-26s %s\n", r.Name, r.Why)
		}
		return nil
	}
	p, err := specs.LoadPipeline(l.SpecsDir())
	if err != nil {
		return err
	}
	switch args[0] {
	case "sync":
		return l.Syncer().Sync(ctx, p.Lock.Specs)
	case "fix":
		_, err := p.FixAll(ctx, l, fs.Args())
		return err
	case "generate":
		return p.GenerateAll(ctx, l, fs.Args(), *out)
	case "check":
		return p.Check(ctx, l, os.Stdout)
	case "diff":
		if *api == "" || *newSpec == "" {
			return fmt.Errorf("usage: specs diff -api <name> -new <file-or-url>")
		}
		return p.Diff(ctx, l, *api, *newSpec, os.Stdout)
	case "bump":
		if *api == "" || *newSpec == "" {
			return fmt.Errorf("usage: specs bump -api <name> -new <file-or-url> [-apply]")
		}
		_, err := p.Bump(ctx, l, specs.Bump{
			API: *api, New: *newSpec, Apply: *apply,
			URL: *pinURL, Version: *version, Commit: *commit,
			Verbose: *verbose, NoGoAPI: *noGo,
		}, os.Stdout)
		return err
	}
	return fmt.Errorf("unknown command %q", args[0])
}
