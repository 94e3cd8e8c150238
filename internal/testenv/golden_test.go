package testenv_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/testenv"
)

func TestRuleGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.golden")
	text := "# id\trules\n\na\tRule one; Rule two\nb\t-\r\nc\tRule one\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"a": {"Rule one", "Rule two"}, "b": {}, "c": {"Rule one"}}
	if diff := cmp.Diff(want, testenv.RuleGolden(t, path)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
