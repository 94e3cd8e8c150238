package image

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"
)

// Layout names the way an image was saved.
const (
	LayoutDocker = "docker-save" // manifest.json, <id>/layer.tar, repositories
	LayoutOCI    = "oci"         // oci-layout, index.json, blobs/sha256/...
)

// Media types of the OCI image layout and of Docker's registry format.
const (
	mediaOCIIndex       = "application/vnd.oci.image.index.v1+json"
	mediaOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	mediaDockerList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
)

// blobRef is a file of the archive that an index or manifest names, with
// the digest its bytes must have ("" when the layout gives none).
type blobRef struct {
	name   string
	digest string // "sha256:<hex>" of the stored bytes
}

// imageRef is one image of an archive as its manifest describes it.
type imageRef struct {
	tags   []string
	config blobRef
	layers []blobRef
}

// legacyEntry is one element of a docker save manifest.json.
type legacyEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// ociDescriptor points at a blob of an OCI layout.
type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
	} `json:"platform"`
}

// ociIndex is index.json or a nested image index.
type ociIndex struct {
	SchemaVersion int             `json:"schemaVersion"`
	Manifests     []ociDescriptor `json:"manifests"`
}

// ociManifest is an image manifest.
type ociManifest struct {
	SchemaVersion int             `json:"schemaVersion"`
	Config        ociDescriptor   `json:"config"`
	Layers        []ociDescriptor `json:"layers"`
}

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// readJSON reads the member name of s (at most limit bytes), checks it
// against want ("" for no check) and decodes it into v.
func readJSON(s store, name, want string, limit int64, v any) error {
	data, err := readBlob(s, name, want, limit)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readBlob reads a whole small member, verifying its digest.
func readBlob(s store, name, want string, limit int64) ([]byte, error) {
	rc, size, err := s.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if size > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d allowed for metadata", name, size, limit)
	}
	data, err := io.ReadAll(io.LimitReader(rc, limit))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if want != "" {
		sum := sha256.Sum256(data)
		if got := "sha256:" + hex.EncodeToString(sum[:]); got != want {
			return nil, fmt.Errorf("%s: digest mismatch: content is %s, want %s", name, got, want)
		}
	}
	return data, nil
}

// blobPath is where the OCI image layout stores the blob with digest d.
func blobPath(d string) (string, error) {
	if !digestRE.MatchString(d) {
		return "", fmt.Errorf("digest %q: want sha256:<64 hex digits>", d)
	}
	return "blobs/sha256/" + strings.TrimPrefix(d, "sha256:"), nil
}

// pathDigest is the digest a member name implies: blobs/sha256/<hex> and
// the legacy <hex>.json config are named after their content.
func pathDigest(name string) string {
	hexPart := ""
	switch {
	case strings.HasPrefix(name, "blobs/sha256/"):
		hexPart = strings.TrimPrefix(name, "blobs/sha256/")
	case strings.HasSuffix(name, ".json") && !strings.Contains(name, "/"):
		hexPart = strings.TrimSuffix(name, ".json")
	}
	if d := "sha256:" + hexPart; digestRE.MatchString(d) {
		return d
	}
	return ""
}

// images reads the images an archive holds, from index.json when it is an
// OCI layout and from manifest.json otherwise.
func images(s store, limit int64) (string, []imageRef, error) {
	var legacy []legacyEntry
	hasLegacy := s.has("manifest.json")
	if hasLegacy {
		if err := readJSON(s, "manifest.json", "", limit, &legacy); err != nil {
			return "", nil, err
		}
	}
	if s.has("oci-layout") && s.has("index.json") {
		refs, err := ociImages(s, limit)
		if err != nil {
			return "", nil, err
		}
		for i := range refs {
			if len(refs[i].tags) > 0 {
				continue
			}
			for _, e := range legacy {
				if pathDigest(e.Config) == refs[i].config.digest {
					refs[i].tags = e.RepoTags
				}
			}
		}
		return LayoutOCI, refs, nil
	}
	if !hasLegacy {
		return "", nil, errors.New("neither index.json with oci-layout nor manifest.json: not a docker save archive or OCI image layout")
	}
	if len(legacy) == 0 {
		return "", nil, errors.New("manifest.json: no image")
	}
	refs := make([]imageRef, 0, len(legacy))
	for i, e := range legacy {
		if e.Config == "" {
			return "", nil, fmt.Errorf("manifest.json: image %d: no Config", i)
		}
		r := imageRef{tags: e.RepoTags, config: blobRef{name: e.Config, digest: pathDigest(e.Config)}}
		for _, l := range e.Layers {
			r.layers = append(r.layers, blobRef{name: l, digest: pathDigest(l)})
		}
		refs = append(refs, r)
	}
	return LayoutDocker, refs, nil
}

// maxDescriptors bounds the descriptors an OCI walk visits: indexes may
// name one nested index many times over, which would otherwise multiply
// at every level.
const maxDescriptors = 1 << 16

// ociWalker walks index.json (and nested indexes) to the image manifests.
// Each index and manifest blob is read and decoded once, however many
// descriptors name it.
type ociWalker struct {
	s         store
	limit     int64
	visited   int
	indexes   map[string]ociIndex
	manifests map[string]ociManifest
	refs      []imageRef
}

// ociImages returns the images index.json leads to.
func ociImages(s store, limit int64) ([]imageRef, error) {
	var idx ociIndex
	if err := readJSON(s, "index.json", "", limit, &idx); err != nil {
		return nil, err
	}
	w := &ociWalker{s: s, limit: limit, indexes: map[string]ociIndex{}, manifests: map[string]ociManifest{}}
	if err := w.walk("index.json", idx, nil, 0); err != nil {
		return nil, err
	}
	if len(w.refs) == 0 {
		return nil, errors.New("index.json: no image manifest")
	}
	return w.refs, nil
}

// walk adds the images that index idx (read from where) names.
func (w *ociWalker) walk(where string, idx ociIndex, tags []string, depth int) error {
	if depth > 4 {
		return fmt.Errorf("%s: image indexes nested too deep", where)
	}
	for i, d := range idx.Manifests {
		if w.visited++; w.visited > maxDescriptors {
			return fmt.Errorf("%s: more than %d descriptors in the image indexes", where, maxDescriptors)
		}
		name, err := blobPath(d.Digest)
		if err != nil {
			return fmt.Errorf("%s: manifests[%d]: %w", where, i, err)
		}
		t := tags
		if n := refName(d.Annotations); n != "" {
			t = []string{n}
		}
		switch d.MediaType {
		case mediaOCIIndex, mediaDockerList:
			sub, ok := w.indexes[d.Digest]
			if !ok {
				if err := readJSON(w.s, name, d.Digest, w.limit, &sub); err != nil {
					return err
				}
				w.indexes[d.Digest] = sub
			}
			if err := w.walk(name, sub, t, depth+1); err != nil {
				return err
			}
		case mediaOCIManifest, mediaDockerManifest:
			if d.Platform != nil && d.Platform.OS == "unknown" {
				continue // build attestations, not an image
			}
			if d.Annotations["vnd.docker.reference.type"] != "" {
				continue
			}
			r, err := w.image(name, d.Digest)
			if err != nil {
				return err
			}
			r.tags = slices.Clone(t)
			w.refs = append(w.refs, r)
		default:
			return fmt.Errorf("%s: manifests[%d]: media type %q is neither an image index nor an image manifest", where, i, d.MediaType)
		}
	}
	return nil
}

// image reads the image manifest name with digest d (once) and returns
// the image it describes, without tags.
func (w *ociWalker) image(name, d string) (imageRef, error) {
	m, ok := w.manifests[d]
	if !ok {
		if err := readJSON(w.s, name, d, w.limit, &m); err != nil {
			return imageRef{}, err
		}
		w.manifests[d] = m
	}
	cfg, err := blobPath(m.Config.Digest)
	if err != nil {
		return imageRef{}, fmt.Errorf("%s: config: %w", name, err)
	}
	r := imageRef{config: blobRef{name: cfg, digest: m.Config.Digest}}
	for j, l := range m.Layers {
		p, err := blobPath(l.Digest)
		if err != nil {
			return imageRef{}, fmt.Errorf("%s: layers[%d]: %w", name, j, err)
		}
		r.layers = append(r.layers, blobRef{name: p, digest: l.Digest})
	}
	return r, nil
}

// refName is the image name an index annotates a manifest with.
func refName(a map[string]string) string {
	if n := a["io.containerd.image.name"]; n != "" {
		return n
	}
	return a["org.opencontainers.image.ref.name"]
}

// pick chooses the image ref (by tag) among refs; with no ref there must
// be exactly one image.
func pick(refs []imageRef, ref string) (imageRef, error) {
	if ref == "" {
		if len(refs) == 1 {
			return refs[0], nil
		}
		var all []string
		for _, r := range refs {
			all = append(all, strings.Join(r.tags, ","))
		}
		return imageRef{}, fmt.Errorf("the archive holds %d images (%s): choose one with --image", len(refs), strings.Join(all, "; "))
	}
	for _, r := range refs {
		for _, t := range r.tags {
			if t == ref || strings.HasSuffix(t, "/"+ref) {
				return r, nil
			}
		}
	}
	return imageRef{}, fmt.Errorf("no image tagged %q in the archive: %w", ref, fs.ErrNotExist)
}
