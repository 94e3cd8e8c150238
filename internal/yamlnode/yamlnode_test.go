package yamlnode

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestResolveAndIsNull(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: &x 1\nb: *x\nc: ~\nd:\ne: null\nf: 0\n"), &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Content[0]
	val := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		val[m.Content[i].Value] = m.Content[i+1]
	}
	if r := Resolve(val["b"]); r == nil || r.Value != "1" {
		t.Errorf("Resolve(*x) = %v, want the node of 1", r)
	}
	for k, want := range map[string]bool{"a": false, "b": false, "c": true, "d": true, "e": true, "f": false} {
		if got := IsNull(val[k]); got != want {
			t.Errorf("IsNull(%s) = %v, want %v", k, got, want)
		}
	}
	if !IsNull(nil) || Resolve(nil) != nil {
		t.Error("nil node: want null and no resolution")
	}
	// An alias that names itself (built by hand: the parser refuses it)
	// ends after MaxAliasHops instead of looping.
	loop := &yaml.Node{Kind: yaml.AliasNode}
	loop.Alias = loop
	if Resolve(loop) != nil || !IsNull(loop) {
		t.Error("self-alias: want nil")
	}
}
