package container

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSplitImage(t *testing.T) {
	tests := []struct {
		ref  string
		want imageRef
	}{
		{"", imageRef{}},
		{"busybox", imageRef{repo: "busybox"}},
		{"nginx:1.25", imageRef{repo: "nginx", tag: "1.25"}},
		{"library/nginx:1.25", imageRef{repo: "library/nginx", tag: "1.25"}},
		{"docker.io/library/redis:7", imageRef{repo: "docker.io/library/redis", tag: "7"}},
		{"localhost:5000/app", imageRef{repo: "localhost:5000/app"}},
		{"localhost:5000/app:1", imageRef{repo: "localhost:5000/app", tag: "1"}},
		{"redis@sha256:abcd", imageRef{repo: "redis", digest: "sha256:abcd"}},
		{"quay.io/x/y:2@sha256:ef01", imageRef{repo: "quay.io/x/y", tag: "2", digest: "sha256:ef01"}},
	}
	for _, tc := range tests {
		if got := splitImage(tc.ref); got != tc.want {
			t.Errorf("splitImage(%q) = %+v, want %+v", tc.ref, got, tc.want)
		}
	}
}

func TestShortID(t *testing.T) {
	full := "0123456789abcdef" + strings.Repeat("0", 48)
	tests := []struct {
		id, want string
		ok       bool
	}{
		{full, "0123456789ab", true},
		{"0123456789ab", "0123456789ab", true},
		{"0123456789abc", "0123456789ab", true},
		{"0123456789a", "", false},
		{full + "0", "", false},
		{"0123456789AB", "", false},
		{"docker-01234", "", false},
	}
	for _, tc := range tests {
		if got, ok := ShortID(tc.id); got != tc.want || ok != tc.ok {
			t.Errorf("ShortID(%q) = %q, %v; want %q, %v", tc.id, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCreatedTime(t *testing.T) {
	if got := (&Info{}).CreatedTime(); !got.IsZero() {
		t.Errorf("unknown creation time = %v", got)
	}
	want := time.Date(2026, 11, 26, 1, 57, 47, 959280974, time.UTC)
	if got := (&Info{CreatedTS: uint64(want.UnixNano())}).CreatedTime(); !got.Equal(want) {
		t.Errorf("CreatedTime = %v, want %v", got, want)
	}
}

func TestSameRepo(t *testing.T) {
	tests := []struct {
		named, repo string
		want        bool
	}{
		{"redis", "redis", true},
		{"docker.io/library/redis", "redis", true},
		{"docker.io/library/redis", "library/redis", true},
		{"docker.io/user/app", "user/app", true},
		{"localhost/app", "docker.io/localhost/app", false},
		{"quay.io/app", "app", false},
		{"mirror/redis", "redis", false},
		{"myredis", "redis", false},
		{"redis-proxy", "redis", false},
	}
	for _, tc := range tests {
		if got := sameRepo(tc.named, tc.repo); got != tc.want {
			t.Errorf("sameRepo(%q, %q) = %v", tc.named, tc.repo, got)
		}
	}
}

func TestActionString(t *testing.T) {
	got := []string{ActionStart.String(), ActionDestroy.String(), Action(9).String(), StatusNotFound.String(), Status(9).String()}
	want := []string{"start", "destroy", "action(9)", "not found", "status(9)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}
