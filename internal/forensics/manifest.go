package forensics

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Names of the files at the top of a bundle that describe the others.
const (
	ManifestFile = "manifest.json"
	SumsFile     = "SHA256SUMS"
)

// ManifestFormat names the layout of manifest.json; it changes when the
// meaning of a field does.
const ManifestFormat = "peregrine-forensics-bundle/1"

// Manifest is the machine-readable description of a bundle, written to
// manifest.json when the collection ends.
type Manifest struct {
	Format      string           `json:"format"`
	Case        string           `json:"case"`
	Tool        string           `json:"tool"`
	ToolVersion string           `json:"tool_version"`
	Operator    string           `json:"operator"`
	Host        HostIdentity     `json:"host"`
	Engine      EngineIdentity   `json:"engine"`
	Options     CollectFlags     `json:"options"`
	Started     time.Time        `json:"started"`
	Finished    time.Time        `json:"finished"`
	Containers  []ContainerEntry `json:"containers"`
	Artifacts   []Artifact       `json:"artifacts"`
}

// HostIdentity says which machine the evidence was collected on.
type HostIdentity struct {
	Hostname  string `json:"hostname"`
	MachineID string `json:"machine_id,omitempty"`
	Kernel    string `json:"kernel,omitempty"` // uname: sysname release version machine
}

// EngineIdentity says which container engine answered.
type EngineIdentity struct {
	Host          string `json:"host"`
	APIVersion    string `json:"api_version"`
	ServerVersion string `json:"server_version,omitempty"`
}

// CollectFlags records how the collection was asked for.
type CollectFlags struct {
	Pause  bool `json:"pause"`
	Export bool `json:"export"`
	Image  bool `json:"image"`
}

// ContainerEntry is one container of the case and where its evidence is.
type ContainerEntry struct {
	Ref       string `json:"ref"` // as given on the command line
	ID        string `json:"id"`
	Name      string `json:"name"`
	Image     string `json:"image"`               // image id
	Dir       string `json:"dir"`                 // folder in the bundle, relative
	State     string `json:"state"`               // status when collection began
	PID       int    `json:"pid"`                 // host pid of the container's first process, 0 when not running
	Paused    bool   `json:"paused"`              // paused by the collector
	ImageDump string `json:"image_tar,omitempty"` // bundle path of the saved image, maybe shared
}

// Artifact is one file of evidence: where it is in the bundle, its size
// and SHA-256 as computed while it was written, where it came from and
// when. Error is set when the source failed part way: the file then holds
// what arrived before the failure.
type Artifact struct {
	Path     string    `json:"path"` // slash-separated, relative to the bundle
	Size     int64     `json:"size"`
	SHA256   string    `json:"sha256"`
	Source   string    `json:"source"` // Engine API call or host path
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Error    string    `json:"error,omitempty"`
}

// ReadManifest reads the manifest of the bundle in dir.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if m.Format != ManifestFormat {
		return nil, fmt.Errorf("manifest %s: format %q, want %q", filepath.Join(dir, ManifestFile), m.Format, ManifestFormat)
	}
	return &m, nil
}
