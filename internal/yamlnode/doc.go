// Package yamlnode holds the few helpers over go.yaml.in/yaml/v3 nodes that
// the rule loader and the configuration loader share: following aliases
// safely and telling a null apart. It imports nothing of ours.
package yamlnode
