package image

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"peregrine/internal/forensics/image/imagetest"
)

// members reads a (test-made) archive back into members, in order.
func members(t *testing.T, data []byte) []M {
	t.Helper()
	var out []M
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, M{Name: h.Name, Type: h.Typeflag, Mode: h.Mode, Data: b, Link: h.Linkname})
	}
}

// replace returns ms with the data of member name replaced, and extra
// appended.
func replace(ms []M, name string, data []byte, extra ...M) []M {
	out := make([]M, 0, len(ms)+len(extra))
	for _, m := range ms {
		if m.Name == name {
			m.Data = data
		}
		out = append(out, m)
	}
	return append(out, extra...)
}

func blobName(data []byte) string {
	return "blobs/sha256/" + strings.TrimPrefix(imagetest.Digest(data), "sha256:")
}

// TestIndexes: nested image indexes (a multi-platform save) are followed,
// build attestations skipped, Docker 25's legacy paths that are symbolic
// links to blobs followed, and an archive of several images needs --image.
func TestIndexes(t *testing.T) {
	im := plantedImage()
	want := analyzeOK(t, save(t, "oci.tar", ociTar(t, im, true)))
	ms := members(t, ociTar(t, im, true))
	var index ociIndex
	for _, m := range ms {
		if m.Name == "index.json" {
			if err := json.Unmarshal(m.Data, &index); err != nil {
				t.Fatal(err)
			}
		}
	}
	img := index.Manifests[0]
	img.Annotations = nil
	attest := ociDescriptor{MediaType: mediaOCIManifest, Digest: img.Digest, Size: img.Size,
		Annotations: map[string]string{"vnd.docker.reference.type": "attestation-manifest"}}
	nested, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": mediaOCIIndex, "manifests": []ociDescriptor{img, attest}})
	top, _ := json.Marshal(map[string]any{"schemaVersion": 2, "manifests": []map[string]any{{
		"mediaType": mediaOCIIndex, "digest": imagetest.Digest(nested), "size": len(nested),
		"annotations": map[string]string{"io.containerd.image.name": "example/planted:1"},
	}}})
	t.Run("nested index", func(t *testing.T) {
		got := analyzeOK(t, save(t, "nested.tar", imagetest.Tar(replace(ms, "index.json", top, M{Name: blobName(nested), Data: nested}))))
		if d := cmp.Diff(want.Findings, got.Findings); d != "" || !cmp.Equal(got.Image.Tags, []string{"example/planted:1"}) {
			t.Errorf("tags %v; findings (-want +got):\n%s", got.Image.Tags, d)
		}
	})
	t.Run("nested index with a wrong digest", func(t *testing.T) {
		bad := append(bytes.Clone(nested), ' ')
		_, err := Analyze(save(t, "bad.tar", imagetest.Tar(replace(ms, "index.json", top, M{Name: blobName(nested), Data: bad}))), Options{})
		if err == nil || !strings.Contains(err.Error(), "digest mismatch") {
			t.Errorf("error %v", err)
		}
	})

	t.Run("legacy paths linked to blobs", func(t *testing.T) {
		// Docker 25+: manifest.json's layers as <id>/layer.tar links to the
		// blobs; read through manifest.json alone (no oci-layout)
		var legacy []legacyEntry
		var kept []M
		for _, m := range ms {
			switch m.Name {
			case "manifest.json":
				json.Unmarshal(m.Data, &legacy)
			case "oci-layout", "index.json":
			default:
				kept = append(kept, m)
			}
		}
		for i, l := range legacy[0].Layers {
			link := "l" + string(rune('0'+i)) + "/layer.tar"
			kept = append(kept, M{Name: link, Type: tar.TypeSymlink, Link: "../" + l})
			legacy[0].Layers[i] = link
		}
		manifest, _ := json.Marshal(legacy)
		got := analyzeOK(t, save(t, "linked.tar", imagetest.Tar(append(kept, M{Name: "manifest.json", Data: manifest}))))
		if d := cmp.Diff(want.Findings, got.Findings); d != "" || got.Layout != LayoutDocker {
			t.Errorf("layout %s; findings (-want +got):\n%s", got.Layout, d)
		}
	})

	t.Run("two images", func(t *testing.T) {
		clean := members(t, ociTar(t, cleanImage(), true))
		var cleanIndex ociIndex
		for _, m := range clean {
			if m.Name == "index.json" {
				json.Unmarshal(m.Data, &cleanIndex)
			}
		}
		both, _ := json.Marshal(ociIndex{SchemaVersion: 2, Manifests: append(index.Manifests, cleanIndex.Manifests...)})
		var blobs []M
		for _, m := range clean {
			if strings.HasPrefix(m.Name, "blobs/sha256/") && m.Type == tar.TypeReg {
				blobs = append(blobs, m)
			}
		}
		var all []M
		for _, m := range replace(ms, "index.json", both, blobs...) {
			if m.Name != "manifest.json" {
				all = append(all, m)
			}
		}
		p := save(t, "two.tar", imagetest.Tar(all))
		if _, err := Analyze(p, Options{}); err == nil || !strings.Contains(err.Error(), "holds 2 images (example/planted:1; example/clean:1)") {
			t.Errorf("no --image: %v", err)
		}
		r, err := Analyze(p, Options{Ref: "clean:1"})
		if err != nil || r.Image.Tags[0] != "example/clean:1" {
			t.Fatalf("--image clean:1: %v", err)
		}
		if _, err := Analyze(p, Options{Ref: "nope:1"}); err == nil || !strings.Contains(err.Error(), `no image tagged "nope:1"`) {
			t.Errorf("--image nope:1: %v", err)
		}
	})
}

// countingStore counts how often each member is opened.
type countingStore struct {
	store
	opens map[string]int
}

func (c *countingStore) open(name string) (io.ReadCloser, int64, error) {
	c.opens[name]++
	return c.store.open(name)
}

// TestIndexesShared: an index naming one nested index many times over
// reads each blob once, and a fan-out that would visit more descriptors
// than maxDescriptors is refused instead of walked.
func TestIndexesShared(t *testing.T) {
	ms := members(t, ociTar(t, plantedImage(), true))
	var index ociIndex
	for _, m := range ms {
		if m.Name == "index.json" {
			if err := json.Unmarshal(m.Data, &index); err != nil {
				t.Fatal(err)
			}
		}
	}
	img := index.Manifests[0]
	img.Annotations = nil
	// fanOut returns an index that names d n times, and its descriptor.
	fanOut := func(d ociDescriptor, n int) ([]byte, ociDescriptor) {
		list := make([]ociDescriptor, n)
		for i := range list {
			list[i] = d
		}
		b, err := json.Marshal(ociIndex{SchemaVersion: 2, Manifests: list})
		if err != nil {
			t.Fatal(err)
		}
		return b, ociDescriptor{MediaType: mediaOCIIndex, Digest: imagetest.Digest(b), Size: int64(len(b))}
	}
	tests := []struct {
		name    string
		fan     int
		wantErr string // "" for 25 images found
	}{
		{"5 by 5", 5, ""},
		{"300 by 300", 300, "more than 65536 descriptors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner, innerDesc := fanOut(img, tt.fan)
			outer, outerDesc := fanOut(innerDesc, tt.fan)
			top, err := json.Marshal(ociIndex{SchemaVersion: 2, Manifests: []ociDescriptor{outerDesc}})
			if err != nil {
				t.Fatal(err)
			}
			archive := imagetest.Tar(replace(ms, "index.json", top, M{Name: blobName(inner), Data: inner}, M{Name: blobName(outer), Data: outer}))
			s, err := openStore(save(t, "fan.tar", archive))
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			cs := &countingStore{store: s, opens: map[string]int{}}
			_, refs, err := images(cs, 16<<20)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("images: %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(refs) != tt.fan*tt.fan {
				t.Fatalf("images: %d refs, %v; want %d", len(refs), err, tt.fan*tt.fan)
			}
			for name, n := range cs.opens {
				if n != 1 {
					t.Errorf("%s opened %d times", name, n)
				}
			}
		})
	}
}
