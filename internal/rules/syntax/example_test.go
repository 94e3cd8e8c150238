package syntax_test

import (
	"errors"
	"fmt"

	"peregrine/internal/rules/syntax"
)

func ExampleParse() {
	e, err := syntax.Parse("evt.type in (open,openat) and not proc.name=sshd and fd.name startswith '/etc'")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)
	and := e.(*syntax.And)
	for _, c := range and.Children {
		fmt.Printf("%T at %v\n", c, c.Position())
	}
	// Output:
	// evt.type in (open, openat) and not proc.name = sshd and fd.name startswith "/etc"
	// *syntax.Check at 1:1
	// *syntax.Not at 1:31
	// *syntax.Check at 1:54
}

func ExampleParse_error() {
	_, err := syntax.Parse("evt.type = open and\n  fd.name startswith")
	var list syntax.ErrorList
	if errors.As(err, &list) {
		e := list[0]
		fmt.Println(e.Pos.Line, e.Pos.Col, e.Pos.Offset)
	}
	fmt.Println(err)
	// Output:
	// 2 21 40
	// 2:21: expected a blank after 'startswith', found the end of the condition
}

func ExampleRewrite() {
	macro, _ := syntax.Parse("proc.name in (bash, sh)")
	rule, _ := syntax.Parse("shell_procs and proc.tty != 0")
	inlined := syntax.Rewrite(rule, func(e syntax.Expr) syntax.Expr {
		if m, ok := e.(*syntax.MacroRef); ok && m.Name == "shell_procs" {
			return syntax.Clone(macro)
		}
		return e
	})
	fmt.Println(inlined)
	// Output:
	// proc.name in (bash, sh) and proc.tty != 0
}

func ExampleInspect() {
	e, _ := syntax.Parse("evt.type = execve and (proc.name = bash or tolower(proc.pname) = sudo)")
	syntax.Inspect(e, func(n syntax.Node) bool {
		if f, ok := n.(*syntax.Field); ok {
			fmt.Println(f.Name)
		}
		return true
	})
	// Output:
	// evt.type
	// proc.name
	// proc.pname
}

func ExampleParseFormat() {
	f, err := syntax.ParseFormat("*user=%user.name cmd=%20proc.cmdline parent=%proc.aname[2]")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Lenient)
	for _, p := range f.Parts {
		if p.Operand != nil {
			fmt.Printf("field %s width %d\n", p.Operand, p.Width)
		} else {
			fmt.Printf("text %q\n", p.Text)
		}
	}
	// Output:
	// true
	// text "user="
	// field user.name width 0
	// text " cmd="
	// field proc.cmdline width 20
	// text " parent="
	// field proc.aname[2] width 0
}
