// Package imagetest writes small container images in the layouts that
// "docker save" produces (legacy and OCI) for the tests of package image
// and of the command line, deterministically so that reports of them can
// be compared with golden files. It is for tests only.
package imagetest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// epoch is the time every generated entry and step carries.
func epoch() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC) }

// Member is one entry of a tar archive. Type defaults to a regular file;
// Size, when set, is the size the header declares regardless of Data.
type Member struct {
	Name     string
	Type     byte
	Mode     int64
	UID, GID int
	Data     []byte
	Link     string
	Size     int64
}

// Tar writes members as a tar archive. A member whose declared Size
// differs from its data makes the archive inconsistent on purpose: the
// archive then ends right after that member's header and data.
func Tar(members []Member) []byte {
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	for _, m := range members {
		h := &tar.Header{Name: m.Name, Typeflag: m.Type, Mode: m.Mode, Uid: m.UID, Gid: m.GID, Linkname: m.Link,
			ModTime: epoch(), Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(m.Data))
		}
		if m.Size != 0 {
			h.Size = m.Size
			// write the header and what data there is, then stop
			if err := w.WriteHeader(h); err != nil {
				panic(err)
			}
			w.Write(m.Data)
			w.Flush()
			return buf.Bytes()
		}
		if err := w.WriteHeader(h); err != nil {
			panic(err)
		}
		if _, err := w.Write(m.Data); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Step is one entry of the build history.
type Step struct {
	CreatedBy  string
	EmptyLayer bool
}

// Image is an image to write. Every non-empty step of History made the
// next of Layers.
type Image struct {
	Tags         []string
	Layers       [][]Member
	History      []Step
	User         string
	Env          []string
	Entrypoint   []string
	Cmd          []string
	WorkingDir   string
	ExposedPorts []string
	Volumes      []string
	Labels       map[string]string
}

// Digest is the "sha256:<hex>" digest of b.
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

func hexOf(d string) string { return d[len("sha256:"):] }

// built is an image's blobs.
type built struct {
	layers  [][]byte // uncompressed tars
	diffIDs []string
	config  []byte
}

func (im *Image) build() built {
	var b built
	for _, l := range im.Layers {
		t := Tar(l)
		b.layers = append(b.layers, t)
		b.diffIDs = append(b.diffIDs, Digest(t))
	}
	set := func(xs []string) map[string]struct{} {
		if xs == nil {
			return nil
		}
		m := map[string]struct{}{}
		for _, x := range xs {
			m[x] = struct{}{}
		}
		return m
	}
	type hist struct {
		Created    time.Time `json:"created"`
		CreatedBy  string    `json:"created_by,omitempty"`
		EmptyLayer bool      `json:"empty_layer,omitempty"`
	}
	var h []hist
	for _, s := range im.History {
		h = append(h, hist{epoch(), s.CreatedBy, s.EmptyLayer})
	}
	cfg := map[string]any{
		"architecture": "amd64", "os": "linux", "created": epoch(),
		"config": map[string]any{
			"User": im.User, "Env": im.Env, "Entrypoint": im.Entrypoint, "Cmd": im.Cmd, "WorkingDir": im.WorkingDir,
			"ExposedPorts": set(im.ExposedPorts), "Volumes": set(im.Volumes), "Labels": im.Labels,
		},
		"history": h,
		"rootfs":  map[string]any{"type": "layers", "diff_ids": b.diffIDs},
	}
	var err error
	if b.config, err = json.Marshal(cfg); err != nil {
		panic(err)
	}
	return b
}

// WriteLegacy writes the image as Docker 20.10's docker save does:
// <id>/layer.tar per layer, <config digest>.json, manifest.json and
// repositories.
func (im *Image) WriteLegacy(w io.Writer) error {
	b := im.build()
	return writeLegacy(w, b, im.Tags)
}

func writeLegacy(w io.Writer, b built, tags []string) error {
	var members []Member
	var paths []string
	for i, l := range b.layers {
		id := hexOf(Digest(fmt.Appendf(nil, "%d %s", i, b.diffIDs[i])))
		members = append(members,
			Member{Name: id + "/", Type: tar.TypeDir},
			Member{Name: id + "/VERSION", Data: []byte("1.0")},
			Member{Name: id + "/layer.tar", Data: l})
		paths = append(paths, id+"/layer.tar")
	}
	cfgName := hexOf(Digest(b.config)) + ".json"
	manifest, err := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": tags, "Layers": paths}})
	if err != nil {
		return err
	}
	members = append(members, Member{Name: cfgName, Data: b.config}, Member{Name: "manifest.json", Data: manifest})
	_, err = w.Write(Tar(members))
	return err
}

// WriteOCI writes the image in the OCI image layout as Docker 25 and
// later save it: oci-layout, index.json, blobs/sha256/..., and a
// manifest.json naming the same blobs. Layers are gzip-compressed when gz
// is set.
func (im *Image) WriteOCI(w io.Writer, gz bool) error {
	return writeOCI(w, im.build(), im.Tags, gz)
}

func writeOCI(w io.Writer, b built, tags []string, gz bool) error {
	type desc struct {
		MediaType   string            `json:"mediaType"`
		Digest      string            `json:"digest"`
		Size        int               `json:"size"`
		Annotations map[string]string `json:"annotations,omitempty"`
	}
	var members []Member
	blob := func(data []byte) string {
		d := Digest(data)
		members = append(members, Member{Name: "blobs/sha256/" + hexOf(d), Data: data})
		return d
	}
	members = append(members, Member{Name: "blobs/", Type: tar.TypeDir}, Member{Name: "blobs/sha256/", Type: tar.TypeDir})
	var layers []desc
	var paths []string
	for _, l := range b.layers {
		data, mt := l, "application/vnd.oci.image.layer.v1.tar"
		if gz {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(l)
			zw.Close()
			data, mt = buf.Bytes(), mt+"+gzip"
		}
		d := blob(data)
		layers = append(layers, desc{MediaType: mt, Digest: d, Size: len(data)})
		paths = append(paths, "blobs/sha256/"+hexOf(d))
	}
	cfgDigest := blob(b.config)
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": desc{MediaType: "application/vnd.oci.image.config.v1+json", Digest: cfgDigest, Size: len(b.config)},
		"layers": layers,
	})
	if err != nil {
		return err
	}
	mDigest := blob(manifest)
	var ann map[string]string
	if len(tags) > 0 {
		ann = map[string]string{"io.containerd.image.name": tags[0], "org.opencontainers.image.ref.name": tags[0]}
	}
	index, err := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
		"manifests": []desc{{MediaType: "application/vnd.oci.image.manifest.v1+json", Digest: mDigest, Size: len(manifest), Annotations: ann}},
	})
	if err != nil {
		return err
	}
	legacy, err := json.Marshal([]map[string]any{{"Config": "blobs/sha256/" + hexOf(cfgDigest), "RepoTags": tags, "Layers": paths}})
	if err != nil {
		return err
	}
	members = append(members,
		Member{Name: "oci-layout", Data: []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		Member{Name: "index.json", Data: index},
		Member{Name: "manifest.json", Data: legacy})
	_, err = w.Write(Tar(members))
	return err
}

// LegacyToOCI rewrites a legacy docker save archive (held in memory; test
// images are small) in the OCI layout, with gzip-compressed layers.
func LegacyToOCI(legacy []byte, w io.Writer) error {
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(legacy))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read legacy archive: %w", err)
		}
		if h.Typeflag == tar.TypeReg {
			data, err := io.ReadAll(tr)
			if err != nil {
				return fmt.Errorf("read %s: %w", h.Name, err)
			}
			files[h.Name] = data
		}
	}
	var m []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil || len(m) != 1 {
		return fmt.Errorf("manifest.json: want one image: %v", err)
	}
	b := built{config: files[m[0].Config]}
	for _, p := range m[0].Layers {
		b.layers = append(b.layers, files[p])
	}
	return writeOCI(w, b, m[0].RepoTags, true)
}
