package alert

import (
	"testing"
)

func TestParsePriority(t *testing.T) {
	tests := []struct {
		in   string
		want Priority
		ok   bool
	}{
		{"emergency", PriorityEmergency, true},
		{"ALERT", PriorityAlert, true},
		{"Critical", PriorityCritical, true},
		{"error", PriorityError, true},
		{"WARNING", PriorityWarning, true},
		{"nOtIcE", PriorityNotice, true},
		{"informational", PriorityInformational, true},
		{"INFO", PriorityInformational, true},
		{"Info", PriorityInformational, true},
		{"debug", PriorityDebug, true},
		{"", 0, false},
		{"warn", 0, false},
		{" warning", 0, false},
		{"information", 0, false},
	}
	for _, tt := range tests {
		got, err := ParsePriority(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParsePriority(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestPriorityNames(t *testing.T) {
	want := []string{"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"}
	for i, w := range want {
		p := Priority(i)
		if p.String() != w {
			t.Errorf("Priority(%d).String() = %q, want %q", i, p.String(), w)
		}
		back, err := ParsePriority(p.String())
		if err != nil || back != p {
			t.Errorf("round trip of %v: %v, %v", p, back, err)
		}
		b, err := p.MarshalText()
		if err != nil || string(b) != w {
			t.Errorf("MarshalText(%v) = %q, %v", p, b, err)
		}
	}
	if got := PriorityInformational.ShortString(); got != "Info" {
		t.Errorf("ShortString = %q, want Info", got)
	}
	if got := PriorityWarning.ShortString(); got != "Warning" {
		t.Errorf("ShortString = %q, want Warning", got)
	}
	if Priority(8).Valid() || Priority(8).String() != "Priority(8)" {
		t.Errorf("Priority(8) should be invalid, got %q", Priority(8).String())
	}
	if _, err := Priority(9).MarshalText(); err == nil {
		t.Error("MarshalText of an invalid priority should fail")
	}
	var p Priority
	if err := p.UnmarshalText([]byte("crItical")); err != nil || p != PriorityCritical {
		t.Errorf("UnmarshalText = %v, %v", p, err)
	}
	if err := p.UnmarshalText([]byte("nope")); err == nil {
		t.Error("UnmarshalText of an unknown name should fail")
	}
}

func TestPriorityOrder(t *testing.T) {
	tests := []struct {
		p, min Priority
		want   bool
	}{
		{PriorityCritical, PriorityWarning, true},
		{PriorityWarning, PriorityWarning, true},
		{PriorityNotice, PriorityWarning, false},
		{PriorityDebug, PriorityDebug, true},
		{PriorityEmergency, PriorityEmergency, true},
		{PriorityAlert, PriorityEmergency, false},
	}
	for _, tt := range tests {
		if got := tt.p.AtLeast(tt.min); got != tt.want {
			t.Errorf("%v.AtLeast(%v) = %v, want %v", tt.p, tt.min, got, tt.want)
		}
	}
}
