package forensics

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// VerifyReport is what [Verify] found in a bundle.
type VerifyReport struct {
	Dir      string     `json:"dir"`
	Case     string     `json:"case"`
	Checked  int        `json:"checked"` // artifacts re-hashed
	Changed  []Mismatch `json:"changed"`
	Missing  []string   `json:"missing"`
	Extra    []string   `json:"extra"`
	Problems []string   `json:"problems"` // disagreements between the manifest, SHA256SUMS and the custody log
}

// Mismatch is an artifact whose content is not what the manifest says.
type Mismatch struct {
	Path       string `json:"path"`
	WantSHA256 string `json:"want_sha256"`
	GotSHA256  string `json:"got_sha256"`
	WantSize   int64  `json:"want_size"`
	GotSize    int64  `json:"got_size"`
}

// OK reports whether the bundle is exactly as collected.
func (r *VerifyReport) OK() bool {
	return len(r.Changed) == 0 && len(r.Missing) == 0 && len(r.Extra) == 0 && len(r.Problems) == 0
}

// Verify re-reads every file of the bundle in dir and compares it with
// manifest.json and SHA256SUMS: files changed, missing or not listed, and
// disagreements between the two lists are reported. It also checks the
// custody log's chain and that its seal line holds the hashes of
// manifest.json and SHA256SUMS as they are now. The error is for a bundle
// that cannot be checked at all (no manifest).
func Verify(dir string) (*VerifyReport, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	r := &VerifyReport{Dir: dir, Case: m.Case}
	want := map[string]Artifact{}
	for _, a := range m.Artifacts {
		want[a.Path] = a
	}
	sums, bad, err := readSums(filepath.Join(dir, SumsFile))
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
	}
	r.Problems = append(r.Problems, bad...)
	for p, sum := range sums {
		a, ok := want[p]
		switch {
		case !ok:
			r.Problems = append(r.Problems, fmt.Sprintf("%s lists %s, the manifest does not", SumsFile, p))
		case a.SHA256 != sum:
			r.Problems = append(r.Problems, fmt.Sprintf("%s: %s says sha256 %s, the manifest %s", p, SumsFile, sum, a.SHA256))
		}
	}
	if sums != nil {
		for p := range want {
			if _, ok := sums[p]; !ok {
				r.Problems = append(r.Problems, fmt.Sprintf("the manifest lists %s, %s does not", p, SumsFile))
			}
		}
	}
	seen := map[string]bool{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if isMetaFile(rel) {
			return nil
		}
		a, ok := want[rel]
		if !ok || !d.Type().IsRegular() {
			r.Extra = append(r.Extra, rel)
			return nil
		}
		seen[rel] = true
		sum, size, err := hashFile(p)
		if err != nil {
			return err
		}
		r.Checked++
		if sum != a.SHA256 || size != a.Size {
			r.Changed = append(r.Changed, Mismatch{Path: rel, WantSHA256: a.SHA256, GotSHA256: sum, WantSize: a.Size, GotSize: size})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", dir, err)
	}
	for p := range want {
		if !seen[p] {
			r.Missing = append(r.Missing, p)
		}
	}
	r.Problems = append(r.Problems, checkSeal(dir)...)
	sort.Strings(r.Missing)
	sort.Strings(r.Extra)
	sort.Strings(r.Problems)
	return r, nil
}

// hashFile returns the SHA-256 and size of the file at p.
func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// sumsLine is one line of sha256sum's output in text or binary mode.
var sumsLine = regexp.MustCompile(`^([0-9a-f]{64}) [ *](.+)$`)

// readSums reads a SHA256SUMS file into path -> hash; lines that are not
// "<sha256>  <path>" are returned as problems.
func readSums(p string) (map[string]string, []string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", SumsFile, err)
	}
	defer f.Close()
	out := map[string]string{}
	var bad []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		m := sumsLine.FindStringSubmatch(sc.Text())
		if m == nil {
			bad = append(bad, fmt.Sprintf("%s line %d: not \"<sha256>  <path>\"", SumsFile, n))
			continue
		}
		out[m[2]] = m[1]
	}
	if err := sc.Err(); err != nil {
		return out, bad, fmt.Errorf("%s: %w", SumsFile, err)
	}
	return out, bad, nil
}

// checkSeal checks the custody log's chain and compares its seal line with
// the manifest and SHA256SUMS as they are now.
func checkSeal(dir string) []string {
	entries, err := CheckCustody(filepath.Join(dir, CustodyFile))
	if err != nil {
		return []string{err.Error()}
	}
	var seal *CustodyEntry
	for i := range entries {
		if entries[i].Event == "seal" {
			seal = &entries[i]
		}
	}
	if seal == nil {
		return []string{"custody log has no seal line (collection did not finish)"}
	}
	var out []string
	for _, name := range []string{ManifestFile, SumsFile} {
		sum, _, err := hashFile(filepath.Join(dir, name))
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		if !strings.Contains(seal.Detail, name+" sha256 "+sum) {
			out = append(out, fmt.Sprintf("%s: sha256 %s is not the one the custody log sealed", name, sum))
		}
	}
	return out
}
