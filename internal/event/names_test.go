package event

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTypesNamed(t *testing.T) {
	tests := []struct {
		name string
		want []Type
	}{
		{"open", []Type{2, 3}},
		{"openat", []Type{102, 103, 306, 307}},
		{"execve", []Type{12, 13, 154, 155, 172, 173, 214, 215, 230, 231, 282, 283, 288, 289, 292, 293}},
		{"accept", []Type{26, 27, 56, 57, 246, 247, 248, 249}}, // old accept4 events are named accept
		{"clock_gettime", []Type{0, 1}},                        // generic only
		{"procexit", []Type{16, 186}},
		{"no_such_call", nil},
		{"NA", nil},
		{"syscall", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, TypesNamed(tt.name)); diff != "" {
			t.Errorf("TypesNamed(%q) (-want +got):\n%s", tt.name, diff)
		}
	}
}
