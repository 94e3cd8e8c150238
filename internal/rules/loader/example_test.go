package loader_test

import (
	"fmt"

	"peregrine/internal/rules/loader"
)

func ExampleLoader_LoadFiles() {
	rulesFile := `
- list: shell_binaries
  items: [bash, sh, zsh]
- macro: spawned_shell
  condition: evt.type = execve and proc.name in (shell_binaries)
- rule: Shell spawned
  desc: a shell was started
  condition: spawned_shell
  output: shell started (%proc.cmdline)
  priority: warning
  exceptions:
    - name: known_parents
      fields: proc.pname
      values: [sshd, "my init"]
- rule: Shell spawned
  priority: notice
  override: {priority: replace}
`
	var l loader.Loader
	spec, diags, err := l.LoadFiles(loader.File{Name: "my_rules.yaml", Data: []byte(rulesFile)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range diags {
		fmt.Println(d)
	}
	r := spec.Rules[0]
	fmt.Println(r.Name, r.Priority)
	fmt.Println(r.Expanded)
	fmt.Println(spec.Macros[0].Expanded)
	// Output:
	// Shell spawned Notice
	// (spawned_shell) and not (proc.pname in (sshd, "my init"))
	// evt.type = execve and proc.name in ( bash, sh, zsh )
}
