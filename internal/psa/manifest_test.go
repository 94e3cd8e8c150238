package psa

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// brief is an object or error reduced to what the decoding tests check.
func brief(objs []Object, errs []*DecodeError) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Source.String()+" "+o.Kind+" "+o.Name)
	}
	for _, e := range errs {
		out = append(out, "error: "+e.Error())
	}
	return out
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    []string
		skipped int
	}{
		{
			name: "separators, comments and empty documents",
			data: "---\n# Source: a.yaml\n---\n\n# comment\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n--- # trailing\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i}]}\n---\n...\n",
			want: []string{"f:6 document 1 Namespace a", "f:10 document 2 Pod p"},
		},
		{
			name: "a file without separators and CRLF line ends",
			data: "apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p, namespace: y}\r\nspec: {containers: [{name: c, image: i}]}\r\n",
			want: []string{"f:1 document 1 Pod p"},
		},
		{
			name: "a JSON stream of an object and an array",
			data: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}` + "\n\n" +
				`[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b"}},` + "\n" + `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"c"}}]`,
			want: []string{"f:1 document 1 Namespace a", "f:3 document 2 Namespace b", "f:3 document 3 Namespace c"},
		},
		{
			name: "a typed list with item lines",
			data: "apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: x}\n  spec: {containers: [{name: c, image: i}]}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n",
			want: []string{"f:4 document 1 item 1 Pod x"}, skipped: 1,
		},
		{
			name: "YAML scalars in string fields decode as kubectl decodes them",
			data: "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {managed: yes}}\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p, namespace: a}\n  spec: {containers: [{name: c, image: i, env: [{name: PORT, value: 8080}]}]}\n",
			want: []string{"f:1 document 1 Namespace a", "f:8 document 2 item 1 Pod p"},
		},
		{
			name: "malformed YAML: the line is the file's",
			data: "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n# c\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n",
			want: []string{"f:1 document 1 Namespace a", "error: f:6 document 2: malformed YAML: yaml: line 9: did not find expected ',' or ']'"},
		},
		{
			name: "malformed JSON stops the stream",
			data: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}` + "\n" + `{"kind": }`,
			want: []string{"f:1 document 1 Namespace a", "error: f:2 document 2: json: invalid character '}' looking for beginning of value"},
		},
		{
			name: "missing pieces",
			data: "kind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nspec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec: {replicas: 1}\n---\napiVersion: v1\nkind: PodTemplate\nmetadata: {name: pt}\n---\nplain text\n",
			want: []string{
				`error: f:1 document 1: Pod "a": no apiVersion`,
				"error: f:4 document 2: Pod: no metadata.name",
				`error: f:8 document 3: ReplicationController "rc": no pod template`,
				`error: f:13 document 4: PodTemplate "pt": no template`,
				"error: f:17 document 5: not a Kubernetes object: the document is not a mapping",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			objs, skipped, errs := Decode("f", []byte(tc.data))
			if diff := cmp.Diff(tc.want, brief(objs, errs)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if skipped != tc.skipped {
				t.Errorf("skipped %d, want %d", skipped, tc.skipped)
			}
		})
	}
}

func TestLoadStdin(t *testing.T) {
	in, err := Load([]string{"-"}, strings.NewReader("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"-:1 document 1 Namespace a"}, brief(in.Objects, in.Errors)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
