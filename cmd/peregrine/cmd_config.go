package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"peregrine/internal/config"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check the agent's configuration file (peregrine.yaml)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newConfigValidateCmd())
	return cmd
}

func newConfigValidateCmd() *cobra.Command {
	var af agentFlags
	var strict bool
	cmd := &cobra.Command{
		Use:   "validate [-c FILE] [--set key=value]...",
		Short: "Check a configuration: every error and warning, with file:line:col",
		Long: `Read the configuration as "peregrine run -c FILE --set ..." would (the file, the
files its config_files name, then the --set overrides, with ${VAR} expanded) and
report every problem with its position: unknown keys (warnings, with the nearest
known key), Falco keys Peregrine ignores (warnings), values of the wrong type,
negative sizes, bad URLs, priorities, durations (errors).

Without -c, ` + config.DefaultPath + ` is read when it exists. Exits 0 when there
is no error (1 otherwise; --strict: also on warnings). A commented example with
every key is deploy/peregrine.yaml.`,
		Example: `  peregrine config validate -c /etc/peregrine/peregrine.yaml
  peregrine config validate -c peregrine.yaml --set http_output.url=https://sidekick:2801/ --strict`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			warns, errs := config.Validate(af.path, af.sets)
			w := cmd.OutOrStdout()
			for _, x := range warns {
				fmt.Fprintln(w, x)
			}
			for _, e := range errs {
				if ce, ok := errors.AsType[*config.Error](e); ok {
					fmt.Fprintf(w, "%s: error: %s\n", ce.Pos, ce.Message)
					continue
				}
				fmt.Fprintf(w, "error: %v\n", e)
			}
			switch {
			case len(errs) > 0:
				return fmt.Errorf("config validate: %d errors, %d warnings", len(errs), len(warns))
			case strict && len(warns) > 0:
				return fmt.Errorf("config validate: %d warnings (--strict)", len(warns))
			}
			fmt.Fprintf(w, "configuration is valid (%d warnings)\n", len(warns))
			return nil
		},
	}
	af.add(cmd)
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on warnings too")
	return cmd
}
