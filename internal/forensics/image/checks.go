package image

import (
	"archive/tar"
	"fmt"
	"path"
	"strings"
)

// minerNames are the program names of known cryptocurrency miners
// (Falco's miner_binaries list plus common forks).
var minerNames = []string{
	"xmrig", "xmr-stak", "xmr-stak-cpu", "xmr-stak-rx", "minerd", "minergate", "cpuminer", "cpuminer-multi",
	"ccminer", "ethminer", "cgminer", "bfgminer", "sgminer", "claymore", "nbminer", "t-rex", "gminer",
	"lolminer", "phoenixminer", "teamredminer", "nanominer", "bminer", "wildrig", "srbminer", "srbminer-multi",
	"xmr-proxy", "kdevtmpfsi", "kinsing",
}

// minerName returns the known miner a file name is, or "". A name matches
// when it is the miner's name or starts with it followed by '-', '_' or
// '.' (xmrig-6.21.0, xmrig.exe), ignoring case.
func minerName(base string) string {
	b := strings.ToLower(base)
	for _, m := range minerNames {
		if b == m {
			return m
		}
		if strings.HasPrefix(b, m) && strings.ContainsRune("-_.", rune(b[len(m)])) {
			return m
		}
	}
	return ""
}

// secretFile says whether a path looks like a credential file, and which
// kind. Key and certificate stores (*.pem, *.key ...) are weak: images
// carry public certificates under such names.
func secretFile(p string) (kind string, strong bool) {
	k := secretKind(p)
	return k, k != "" && k != weakSecret
}

const weakSecret = "a key or certificate store"

func secretKind(p string) string {
	base := path.Base(p)
	dir := path.Base(path.Dir(p))
	switch base {
	case "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk":
		return "an SSH private key"
	case ".env":
		return "an environment file"
	case ".git-credentials", ".netrc", ".pgpass", ".npmrc", ".pypirc", ".htpasswd":
		return "a credentials file"
	case "credentials":
		if dir == ".aws" || dir == "gcloud" || dir == ".docker" {
			return "a cloud credentials file"
		}
	case "config.json":
		if dir == ".docker" {
			return "a Docker registry credentials file"
		}
	case "kubeconfig", "shadow":
		if base == "shadow" && p == "etc/shadow" {
			return ""
		}
		return "a credentials file"
	}
	if strings.HasPrefix(base, ".env.") {
		return "an environment file"
	}
	switch path.Ext(base) {
	case ".pem", ".key", ".p12", ".pfx", ".jks", ".keystore":
		return weakSecret
	}
	return ""
}

// usualSetuid are the programs that distributions install setuid or
// setgid. In a standard binary directory they are reported at INFO.
var usualSetuid = map[string]bool{
	"su": true, "sudo": true, "sudoedit": true, "passwd": true, "chsh": true, "chfn": true, "newgrp": true,
	"gpasswd": true, "mount": true, "umount": true, "ping": true, "ping6": true, "pkexec": true,
	"fusermount": true, "fusermount3": true, "unix_chkpwd": true, "chage": true, "expiry": true,
	"ssh-keysign": true, "ssh-agent": true, "crontab": true, "wall": true, "write": true, "dotlockfile": true,
	"dbus-daemon-launch-helper": true, "polkit-agent-helper-1": true, "newuidmap": true, "newgidmap": true,
	"Xorg.wrap": true, "at": true, "bsd-write": true, "mlocate": true, "plocate": true, "pam_extrausers_chkpwd": true,
}

// standardBinDir reports whether dir is where a distribution installs
// programs.
func standardBinDir(dir string) bool {
	for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin", "usr/lib", "usr/libexec", "usr/lib64", "lib"} {
		if dir == d || strings.HasPrefix(dir, d+"/") {
			return true
		}
	}
	return false
}

// tempDirs are where programs should not live.
var tempDirs = []string{"tmp", "var/tmp", "dev/shm"}

// inTemp returns the temporary directory p lies below, or "".
func inTemp(p string) string {
	for _, d := range tempDirs {
		if strings.HasPrefix(p, d+"/") {
			return "/" + d
		}
	}
	return ""
}

// hiddenDir returns the first hidden directory on the way to p, or "".
func hiddenDir(p string) string {
	parts := split(p)
	for i, part := range parts[:len(parts)-1] {
		if strings.HasPrefix(part, ".") {
			return "/" + strings.Join(parts[:i+1], "/")
		}
	}
	return ""
}

// treeFinding is a finding about an entry of the effective tree.
type treeFinding struct {
	severity Severity
	rule     string
	reason   string
}

// checkEntry judges one entry of the effective tree by its metadata.
func checkEntry(p string, n *node) []treeFinding {
	var out []treeFinding
	mode := n.mode
	switch n.typ {
	case tar.TypeReg:
		if mode&(0o4000|0o2000) != 0 {
			out = append(out, setuidFinding(p, n))
		}
		if mode&0o002 != 0 {
			out = append(out, treeFinding{Medium, "world-writable", fmt.Sprintf("regular file writable by every user (mode %04o)", mode&0o7777)})
		}
		if mode&0o111 != 0 {
			if d := inTemp(p); d != "" {
				out = append(out, treeFinding{High, "executable-in-temp", fmt.Sprintf("executable file in %s (mode %04o)", d, mode&0o7777)})
			} else if d := hiddenDir(p); d != "" {
				out = append(out, treeFinding{Medium, "executable-in-hidden-dir", fmt.Sprintf("executable file below the hidden directory %s (mode %04o)", d, mode&0o7777)})
			}
		}
	case tar.TypeDir:
		if mode&0o002 != 0 && mode&0o1000 == 0 {
			out = append(out, treeFinding{Medium, "world-writable", fmt.Sprintf("directory writable by every user without the sticky bit (mode %04o)", mode&0o7777)})
		}
	}
	return out
}

// setuidFinding rates a setuid or setgid file: a usual program in a
// binary directory is INFO; anything else owned by root and setuid is
// HIGH; other setuid or setgid files are MEDIUM.
func setuidFinding(p string, n *node) treeFinding {
	what := "setuid"
	switch {
	case n.mode&0o4000 != 0 && n.mode&0o2000 != 0:
		what = "setuid and setgid"
	case n.mode&0o2000 != 0:
		what = "setgid"
	}
	reason := fmt.Sprintf("%s file owned by %d:%d (mode %04o)", what, n.uid, n.gid, n.mode&0o7777)
	switch {
	case usualSetuid[path.Base(p)] && standardBinDir(path.Dir(p)):
		return treeFinding{Info, "setuid", reason + ", a program distributions install this way"}
	case n.mode&0o4000 != 0 && n.uid == 0:
		return treeFinding{High, "setuid", reason + ": runs as root for whoever starts it"}
	}
	return treeFinding{Medium, "setuid", reason}
}

// rootUser reports whether a container of the image runs as root.
func rootUser(user string) bool {
	u, _, _ := strings.Cut(user, ":")
	return u == "" || u == "root" || u == "0"
}
