package incident

import (
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Kind is what a resource key names.
type Kind string

// The kinds of keys. The strong ones name one resource; host and account
// (account and region) are weak: many resources share them.
const (
	KindInstance  Kind = "instance"
	KindContainer Kind = "container"
	KindImage     Kind = "image"
	KindAccessKey Kind = "access-key"
	KindPrincipal Kind = "principal"
	KindDomain    Kind = "pool-domain"
	KindEndpoint  Kind = "pool-endpoint"
	KindHost      Kind = "host"
	KindAccount   Kind = "account-region"
)

// strong reports whether keys of kind k name a single resource.
func (k Kind) strong() bool { return k != KindHost && k != KindAccount }

// kindOrder is the order resources are listed and acted on in.
var kindOrder = []Kind{KindContainer, KindInstance, KindAccessKey, KindPrincipal, KindDomain, KindEndpoint, KindImage, KindHost, KindAccount}

// Key is one resource a signal points to.
type Key struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
}

// String gives the key as "kind value", e.g. "instance i-0a1b2c3d4e5f60718".
func (k Key) String() string { return string(k.Kind) + " " + k.Value }

// fieldKey maps an output field to the kind of key its value holds: the
// field name itself, or (suffix) any name ending with it. New sources add
// a line here.
type fieldKey struct {
	name   string
	suffix bool
	kind   Kind
}

// fieldKeys is the table of fields that carry keys.
var fieldKeys = []fieldKey{
	// Containers: syscall and compute alerts, GuardDuty container details.
	{"container.id", false, KindContainer},
	{".container.id", true, KindContainer},
	{".containerid", true, KindContainer},
	{"container_id", true, KindContainer},
	{".container.full_id", true, KindContainer},
	// Images.
	{"container.image.repository", false, KindImage},
	{".container.image", true, KindImage},
	{".image.repository", true, KindImage},
	// Instances: GuardDuty instance details, compute samples, CloudTrail.
	{".instanceid", true, KindInstance},
	{".instance.id", true, KindInstance},
	{".instanceids", true, KindInstance},
	{"instance_id", true, KindInstance},
	{"ct.response", false, KindInstance},
	{"ct.resources", false, KindInstance},
	{"ct.request", false, KindInstance},
	{"ct.info", false, KindInstance},
	// Access keys and principals.
	{".accesskeyid", true, KindAccessKey},
	{".accesskey.id", true, KindAccessKey},
	{"ct.user.arn", false, KindPrincipal},
	{".principal.arn", true, KindPrincipal},
	{".principalarn", true, KindPrincipal},
	{".user.arn", true, KindPrincipal},
	// Pool domains: GuardDuty DNS requests, resolved names, command lines.
	{".dns.domain", true, KindDomain},
	{".domain", true, KindDomain},
	{"fd.sip.name", false, KindDomain},
	{"proc.cmdline", false, KindDomain},
	{"compute.proc.cmdline", false, KindDomain},
	// Hosts.
	{"compute.host", false, KindHost},
	{".hostname", true, KindHost},
}

// endpointFields pairs the fields that give a remote address and its port.
var endpointFields = [][2]string{
	{"fd.sip", "fd.sport"},
	{"fd.rip", "fd.rport"},
	{"guardduty.network.remote_ip", "guardduty.network.remote_port"},
}

// accountFields and regionFields give an alert's account and region.
var (
	accountFields = []string{"ct.user.accountid", "ct.recipientaccountid", "guardduty.account"}
	regionFields  = []string{"ct.region", "guardduty.region"}
)

// hostSources are the sources whose alerts' hostname is where the event
// happened; for the others (CloudTrail, GuardDuty replayed anywhere) it is
// only the machine that read them.
var hostSources = map[string]bool{"syscall": true, "compute": true}

// Patterns of the keys found inside free text (responses, command lines).
var (
	instancePattern  = regexp.MustCompile(`\bi-(?:[0-9a-f]{17}|[0-9a-f]{8})\b`)
	accessKeyPattern = regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`)
	hexPattern       = regexp.MustCompile(`^[0-9a-f]{12}(?:[0-9a-f]{52})?$`)
	stratumPattern   = regexp.MustCompile(`(?i)stratum[0-9]?\+(?:tcp|ssl|tls|udp)://(?:[^@/\s]*@)?([^/\s:]+)(?::([0-9]+))?`)
	hostPattern      = regexp.MustCompile(`[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}`)
)

// poolDomains are domains of well-known pools (and XMRig's donation
// servers); a host name on a command line under one of them is a pool.
var poolDomains = []string{
	"moneroocean.stream", "supportxmr.com", "hashvault.pro", "nanopool.org", "2miners.com",
	"c3pool.com", "unmineable.com", "herominers.com", "minexmr.com", "xmrpool.eu", "f2pool.com",
	"nicehash.com", "ethermine.org", "minergate.com", "xmrig.com", "nicehash.net",
}

// keysOf extracts the keys of s, sorted and without repeats; s must have
// its category.
func keysOf(s *Signal) []Key {
	var ks []Key
	add := func(k Kind, v string) {
		if v = normalise(k, v); v != "" {
			ks = append(ks, Key{k, v})
		}
	}
	for _, f := range s.Fields {
		name := fieldName(f.Name)
		for _, fk := range fieldKeys {
			if fk.name == name || fk.suffix && strings.HasSuffix(name, fk.name) {
				valuesOf(fk.kind, f.Value, add)
				break
			}
		}
	}
	for _, p := range endpointFields {
		// An address without its port is a pool only in a network
		// signal: elsewhere (an API call) it is the caller's.
		ip, ok := s.Field(p[0])
		port, withPort := s.Field(p[1])
		if ok && (withPort || s.Category == CategoryNetwork) {
			add(KindEndpoint, ip+"|"+port)
		}
	}
	// Any text may name an access key; the pattern is specific enough.
	for _, f := range s.Fields {
		if strings.Contains(f.Value, "AKIA") || strings.Contains(f.Value, "ASIA") {
			for _, m := range accessKeyPattern.FindAllString(f.Value, -1) {
				add(KindAccessKey, m)
			}
		}
	}
	if hostSources[s.Source] && s.Hostname != "" {
		add(KindHost, s.Hostname)
	}
	if acct, region := first(s, accountFields), first(s, regionFields); acct != "" && region != "" {
		add(KindAccount, acct+"/"+region)
	}
	return sortKeys(ks)
}

// sortKeys sorts keys by kind and value and drops repeats.
func sortKeys(ks []Key) []Key {
	slices.SortFunc(ks, func(a, b Key) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return strings.Compare(a.Value, b.Value)
	})
	return slices.Compact(ks)
}

// fieldName gives the lower-case name of a field as the key table matches
// it; a JSON pointer field, json.value[/responseElements/.../instanceId],
// has its slashes turned to dots, so that suffixes match it too.
func fieldName(name string) string {
	name = strings.ToLower(name)
	if strings.HasPrefix(name, "json.value[") || strings.HasPrefix(name, "jevt.value[") {
		name = strings.TrimSuffix(strings.ReplaceAll(name, "/", "."), "]")
	}
	return name
}

// valuesOf passes the keys of kind k in a field value to add: every
// instance id in a text, every pool named on a command line, or the
// value itself.
func valuesOf(k Kind, v string, add func(Kind, string)) {
	switch {
	case k == KindInstance:
		if !strings.Contains(v, "i-") {
			return
		}
		for _, m := range instancePattern.FindAllString(v, -1) {
			add(KindInstance, m)
		}
	case k == KindDomain && strings.ContainsAny(v, " \t"):
		// A command line: Stratum URIs, then host names under known pools.
		if strings.Contains(strings.ToLower(v), "stratum") {
			for _, m := range stratumPattern.FindAllStringSubmatch(v, -1) {
				if _, err := netip.ParseAddr(m[1]); err != nil {
					add(KindDomain, m[1])
				} else if m[2] != "" {
					add(KindEndpoint, m[1]+"|"+m[2])
				}
			}
		}
		if containsAny(strings.ToLower(v), poolDomains) {
			for _, m := range hostPattern.FindAllString(v, -1) {
				if knownPool(m) {
					add(KindDomain, m)
				}
			}
		}
	default:
		add(k, v)
	}
}

// knownPool reports whether host is, or is under, a known pool domain.
func knownPool(host string) bool {
	host = strings.ToLower(host)
	for _, d := range poolDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// normalise gives the canonical form of a key's value, or "" for a value
// that names nothing (empty, <NA>, the host pseudo-container, loopback).
func normalise(k Kind, v string) string {
	v = strings.TrimSpace(v)
	if v == "" || v == "<NA>" || v == "null" || v == "[]" {
		return ""
	}
	switch k {
	case KindContainer:
		v = strings.ToLower(strings.TrimPrefix(v, "docker://"))
		v = strings.TrimPrefix(v, "containerd://")
		if !hexPattern.MatchString(v) {
			return ""
		}
		return v[:12]
	case KindDomain:
		v = strings.TrimSuffix(strings.ToLower(v), ".")
		if _, err := netip.ParseAddr(v); err == nil || !strings.Contains(v, ".") {
			return ""
		}
		return v
	case KindEndpoint:
		ip, port, _ := strings.Cut(v, "|")
		a, err := netip.ParseAddr(strings.Trim(ip, "[]"))
		if err != nil || a.IsLoopback() || a.IsUnspecified() {
			return ""
		}
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return a.String()
		}
		return netip.AddrPortFrom(a, uint16(n)).String()
	case KindImage:
		return imageRepository(v)
	case KindHost:
		return strings.ToLower(v)
	}
	return v
}

// imageRepository gives the repository of an image reference, as
// container.image.repository has it: no digest, no tag, no docker.io/ or
// docker.io/library/ prefix, in lower case.
func imageRepository(ref string) string {
	ref = strings.ToLower(ref)
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	ref = strings.TrimPrefix(ref, "docker.io/")
	return strings.TrimPrefix(ref, "library/")
}

// first returns the first of the named fields s has a value for.
func first(s *Signal, names []string) string {
	for _, n := range names {
		if v, ok := s.Field(n); ok && v != "" && v != "<NA>" {
			return v
		}
	}
	return ""
}
