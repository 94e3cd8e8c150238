package image

// Report is the result of [Analyze]. Its JSON form is stable: fields keep
// their names, lists are sorted and times are RFC 3339 in UTC.
type Report struct {
	Source   string    `json:"source"` // the file or directory analysed
	Layout   string    `json:"layout"` // LayoutDocker or LayoutOCI
	Image    ImageInfo `json:"image"`
	Config   Config    `json:"config"`
	Layers   []Layer   `json:"layers"`
	History  []History `json:"history"`
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
}

// ImageInfo identifies the image.
type ImageInfo struct {
	Tags          []string `json:"tags"`
	ID            string   `json:"id"` // digest of the configuration
	OS            string   `json:"os"`
	Architecture  string   `json:"architecture"`
	Variant       string   `json:"variant,omitempty"`
	Created       string   `json:"created,omitempty"`
	Author        string   `json:"author,omitempty"`
	DockerVersion string   `json:"docker_version,omitempty"`
}

// Config is the effective configuration a container of the image starts
// with. Secret-looking values are redacted.
type Config struct {
	User         string            `json:"user"`
	Env          []string          `json:"env"`
	Entrypoint   []string          `json:"entrypoint"`
	Cmd          []string          `json:"cmd"`
	WorkingDir   string            `json:"workdir"`
	ExposedPorts []string          `json:"exposed_ports"`
	Volumes      []string          `json:"volumes"`
	Labels       map[string]string `json:"labels"`
}

// Layer is one file system layer, in the order layers are applied.
type Layer struct {
	Index      int    `json:"index"`
	DiffID     string `json:"diff_id"`               // digest of the uncompressed tar
	Blob       string `json:"blob"`                  // member of the archive
	BlobDigest string `json:"blob_digest,omitempty"` // digest of the stored bytes
	Compressed bool   `json:"compressed"`            // stored gzip-compressed
	StoredSize int64  `json:"stored_size"`           // bytes in the archive
	Size       int64  `json:"size"`                  // bytes of the uncompressed tar
	Entries    int    `json:"entries"`
	Whiteouts  int    `json:"whiteouts"`
	History    *int   `json:"history,omitempty"` // index into Report.History
	CreatedBy  string `json:"created_by,omitempty"`
	Comment    string `json:"comment,omitempty"`
	Created    string `json:"created,omitempty"`
}

// History is one step of the image's build, as the configuration records
// it. Steps with EmptyLayer set changed only the configuration.
type History struct {
	Index      int    `json:"index"`
	Created    string `json:"created,omitempty"`
	CreatedBy  string `json:"created_by"` // secrets redacted
	Comment    string `json:"comment,omitempty"`
	EmptyLayer bool   `json:"empty_layer"`
	Layer      *int   `json:"layer,omitempty"` // the layer this step made
}

// Summary counts what the analysis saw.
type Summary struct {
	Files      int            `json:"files"`       // entries of the effective tree
	Bytes      int64          `json:"bytes"`       // sum of regular file sizes in it
	Scanned    int64          `json:"scanned"`     // content bytes scanned, all layers
	Truncated  int            `json:"truncated"`   // files scanned only up to the cap
	Recovered  int            `json:"recoverable"` // files deleted later, kept by a layer
	BySeverity map[string]int `json:"by_severity"`
	Omitted    int            `json:"omitted_findings,omitempty"` // beyond Options.MaxFindings
}

// Finding is one suspicious thing about the image.
type Finding struct {
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Path     string   `json:"path,omitempty"`  // in the image's file system
	Where    string   `json:"where,omitempty"` // outside it: config.Env, history[3] ...
	Layer    *int     `json:"layer,omitempty"`
	Digest   string   `json:"layer_digest,omitempty"`
	Reason   string   `json:"reason"`
	Evidence string   `json:"evidence,omitempty"` // redacted
	// DeletedIn is the layer that removed the file (it can still be
	// recovered from Layer).
	DeletedIn *int `json:"deleted_in,omitempty"`
}

// Severity ranks findings.
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "CRITICAL"
	High     Severity = "HIGH"
	Medium   Severity = "MEDIUM"
	Low      Severity = "LOW"
	Info     Severity = "INFO"
)

// Rank orders severities: Critical is 4, Info 0, anything else -1.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	case Info:
		return 0
	}
	return -1
}

// Severities lists the severities, most severe first.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low, Info} }
