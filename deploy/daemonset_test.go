package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"peregrine/internal/config"
)

// The parts of the Kubernetes API the DaemonSet uses, with the API's field
// names: decoding with KnownFields refuses a misspelt or misplaced field.
type (
	daemonSet struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Metadata   meta   `yaml:"metadata"`
		Spec       struct {
			Selector struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"selector"`
			UpdateStrategy struct {
				Type          string `yaml:"type"`
				RollingUpdate struct {
					MaxUnavailable int `yaml:"maxUnavailable"`
				} `yaml:"rollingUpdate"`
			} `yaml:"updateStrategy"`
			Template struct {
				Metadata meta    `yaml:"metadata"`
				Spec     podSpec `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	meta struct {
		Name        string            `yaml:"name"`
		Namespace   string            `yaml:"namespace"`
		Labels      map[string]string `yaml:"labels"`
		Annotations map[string]string `yaml:"annotations"`
	}
	podSpec struct {
		ServiceAccountName            string `yaml:"serviceAccountName"`
		HostPID                       bool   `yaml:"hostPID"`
		PriorityClassName             string `yaml:"priorityClassName"`
		TerminationGracePeriodSeconds int    `yaml:"terminationGracePeriodSeconds"`
		Tolerations                   []struct {
			Operator string `yaml:"operator"`
		} `yaml:"tolerations"`
		Containers []container `yaml:"containers"`
		Volumes    []volume    `yaml:"volumes"`
	}
	container struct {
		Name            string   `yaml:"name"`
		Image           string   `yaml:"image"`
		ImagePullPolicy string   `yaml:"imagePullPolicy"`
		Args            []string `yaml:"args"`
		Env             []struct {
			Name      string `yaml:"name"`
			ValueFrom struct {
				FieldRef struct {
					FieldPath string `yaml:"fieldPath"`
				} `yaml:"fieldRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
			Protocol      string `yaml:"protocol"`
		} `yaml:"ports"`
		StartupProbe   probe `yaml:"startupProbe"`
		LivenessProbe  probe `yaml:"livenessProbe"`
		ReadinessProbe probe `yaml:"readinessProbe"`
		Resources      struct {
			Requests map[string]string `yaml:"requests"`
			Limits   map[string]string `yaml:"limits"`
		} `yaml:"resources"`
		SecurityContext struct {
			Privileged               bool `yaml:"privileged"`
			AllowPrivilegeEscalation bool `yaml:"allowPrivilegeEscalation"`
			ReadOnlyRootFilesystem   bool `yaml:"readOnlyRootFilesystem"`
			RunAsUser                int  `yaml:"runAsUser"`
			Capabilities             struct {
				Drop []string `yaml:"drop"`
				Add  []string `yaml:"add"`
			} `yaml:"capabilities"`
			SeccompProfile struct {
				Type string `yaml:"type"`
			} `yaml:"seccompProfile"`
		} `yaml:"securityContext"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
			ReadOnly  bool   `yaml:"readOnly"`
		} `yaml:"volumeMounts"`
	}
	probe struct {
		HTTPGet struct {
			Path string `yaml:"path"`
			Port string `yaml:"port"`
		} `yaml:"httpGet"`
		PeriodSeconds    int `yaml:"periodSeconds"`
		FailureThreshold int `yaml:"failureThreshold"`
	}
	configMapRef struct {
		Name     string `yaml:"name"`
		Optional bool   `yaml:"optional"`
	}
	volume struct {
		Name      string        `yaml:"name"`
		ConfigMap *configMapRef `yaml:"configMap"`
		Projected *struct {
			Sources []struct {
				ConfigMap *configMapRef `yaml:"configMap"`
			} `yaml:"sources"`
		} `yaml:"projected"`
		HostPath *struct {
			Path string `yaml:"path"`
			Type string `yaml:"type"`
		} `yaml:"hostPath"`
		EmptyDir *struct {
			SizeLimit string `yaml:"sizeLimit"`
		} `yaml:"emptyDir"`
	}
	configMap struct {
		APIVersion string            `yaml:"apiVersion"`
		Kind       string            `yaml:"kind"`
		Metadata   meta              `yaml:"metadata"`
		Data       map[string]string `yaml:"data"`
	}
)

// agentCaps are the capabilities the agent needs in a container: those of
// the systemd unit, plus SYS_RESOURCE (the unit raises the memlock limit
// with LimitMEMLOCK= instead).
var agentCaps = []string{"BPF", "DAC_READ_SEARCH", "PERFMON", "SYS_PTRACE", "SYS_RESOURCE"}

// webPort is the web server's port: Falco's, the configuration's default.
const webPort = 8765

func daemonSetOf(t *testing.T, objs []object) daemonSet {
	t.Helper()
	var ds daemonSet
	strict(t, find(t, objs, "DaemonSet", "peregrine"), &ds)
	return ds
}

func TestDaemonSet(t *testing.T) {
	objs := manifests(t)
	ds := daemonSetOf(t, objs)
	pod := ds.Spec.Template.Spec
	for k, v := range ds.Spec.Selector.MatchLabels {
		if ds.Spec.Template.Metadata.Labels[k] != v {
			t.Errorf("selector %s=%s does not select the pod template", k, v)
		}
	}
	if !pod.HostPID {
		t.Error("hostPID is off: the agent would see its own pod's processes only")
	}
	find(t, objs, "ServiceAccount", pod.ServiceAccountName)
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers", len(pod.Containers))
	}
	c := pod.Containers[0]

	sc := c.SecurityContext
	if sc.Privileged || sc.AllowPrivilegeEscalation || !sc.ReadOnlyRootFilesystem {
		t.Errorf("security context %+v: want unprivileged, no escalation, read-only root", sc)
	}
	if !slices.Equal(sc.Capabilities.Drop, []string{"ALL"}) {
		t.Errorf("capabilities dropped %v, want ALL", sc.Capabilities.Drop)
	}
	add := slices.Sorted(slices.Values(sc.Capabilities.Add))
	if !slices.Equal(add, agentCaps) {
		t.Errorf("capabilities added %v, want %v", add, agentCaps)
	}

	// The web server's port, probed and scraped.
	if len(c.Ports) != 1 || c.Ports[0].ContainerPort != webPort {
		t.Fatalf("ports %+v, want %d", c.Ports, webPort)
	}
	for name, p := range map[string]probe{"startup": c.StartupProbe, "liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if p.HTTPGet.Path != "/healthz" || p.HTTPGet.Port != c.Ports[0].Name {
			t.Errorf("%s probe %+v, want /healthz on port %s", name, p.HTTPGet, c.Ports[0].Name)
		}
	}
	if got := ds.Spec.Template.Metadata.Annotations["prometheus.io/port"]; got != "8765" {
		t.Errorf("prometheus.io/port %q", got)
	}

	// Every mount has its volume; every ConfigMap a volume names exists
	// unless it is optional.
	vols := map[string]volume{}
	for _, v := range pod.Volumes {
		vols[v.Name] = v
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		if _, ok := vols[m.Name]; !ok {
			t.Errorf("mount %s: no volume", m.Name)
		}
		mounts[m.Name] = m.MountPath
	}
	var refs []*configMapRef
	for _, v := range pod.Volumes {
		refs = append(refs, v.ConfigMap)
		if v.Projected != nil {
			for _, s := range v.Projected.Sources {
				refs = append(refs, s.ConfigMap)
			}
		}
	}
	for _, r := range refs {
		if r != nil && !r.Optional {
			find(t, objs, "ConfigMap", r.Name)
		}
	}

	// The configuration: -c names peregrine.yaml in the config mount, the
	// ConfigMap has it, and its rules_files are the rules mount.
	i := slices.Index(c.Args, "-c")
	if len(c.Args) == 0 || c.Args[0] != "run" || i < 0 || i+1 >= len(c.Args) {
		t.Fatalf("args %q: want run -c FILE", c.Args)
	}
	cfgPath := c.Args[i+1]
	if dir := filepath.Dir(cfgPath); dir != mounts["config"] {
		t.Errorf("-c %s is not in the config mount %s", cfgPath, mounts["config"])
	}
	var cm configMap
	strict(t, find(t, objs, "ConfigMap", vols["config"].ConfigMap.Name), &cm)
	text, ok := cm.Data[filepath.Base(cfgPath)]
	if !ok {
		t.Fatalf("ConfigMap %s has no %s", cm.Metadata.Name, filepath.Base(cfgPath))
	}
	cfg := validConfig(t, text)
	if !slices.Equal(cfg.RulesFiles, []string{mounts["rules"]}) {
		t.Errorf("rules_files %v, want the rules mount %s", cfg.RulesFiles, mounts["rules"])
	}
	ws := cfg.Webserver
	if !ws.Enabled || !ws.PrometheusMetricsEnabled || ws.ListenPort != webPort || ws.K8sHealthzEndpoint != "/healthz" || !cfg.Metrics.Enabled {
		t.Errorf("webserver %+v, metrics enabled %v: the probes and the scrape need the server, its /metrics and port %d",
			ws, cfg.Metrics.Enabled, webPort)
	}
	if want := "unix://" + mounts["host-run"] + "/docker.sock"; cfg.Peregrine.DockerHost != want {
		t.Errorf("docker_host %q, want %q (the host's /var/run mount)", cfg.Peregrine.DockerHost, want)
	}

	checkFlags(t, "DaemonSet args", c.Args)
}

// validConfig writes text to a file and loads it as peregrine run -c
// would; warnings fail the test too.
func validConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "peregrine.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := config.Load(path, nil)
	for _, w := range warnings {
		t.Errorf("configuration: %s", w)
	}
	if err != nil {
		t.Fatalf("configuration: %v", err)
	}
	return cfg
}

// TestLocalRules compiles the rules the manifests ship.
func TestLocalRules(t *testing.T) {
	var cm configMap
	strict(t, find(t, manifests(t), "ConfigMap", "peregrine-local-rules"), &cm)
	if len(cm.Data) == 0 {
		t.Fatal("no rules")
	}
	dir := t.TempDir()
	for name, text := range cm.Data {
		if !strings.HasSuffix(name, ".yaml") {
			t.Errorf("%s: the rules directory loads .yaml files", name)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := peregrine(t, "rules", "validate", "--strict", dir)
	if err != nil {
		t.Errorf("peregrine rules validate: %v\n%s", err, out)
	}
}
