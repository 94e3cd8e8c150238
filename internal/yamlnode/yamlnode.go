package yamlnode

import "go.yaml.in/yaml/v3"

// MaxAliasHops bounds how many aliases are followed to reach a value, so a
// hostile file cannot loop.
const MaxAliasHops = 64

// Resolve follows aliases to the node they name; nil when there is none
// (or after MaxAliasHops).
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i == MaxAliasHops {
			return nil
		}
		n = n.Alias
	}
	return n
}

// IsNull reports whether n is absent or a YAML null (~, null, nothing).
func IsNull(n *yaml.Node) bool {
	n = Resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}
