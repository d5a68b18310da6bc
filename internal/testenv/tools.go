package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ToolsDir returns the directory scripts/install-deps.sh installs servers into:
// $FERRY_TOOLS_DIR when set, else <repo root>/.tools, found by walking up from the
// working directory to ferry's go.mod. It returns "" when neither is known.
func ToolsDir() string {
	if d := os.Getenv("FERRY_TOOLS_DIR"); d != "" {
		return d
	}
	if root := RepoRoot(); root != "" {
		return filepath.Join(root, ".tools")
	}
	return ""
}

// RepoRoot returns the directory of ferry's go.mod, walking up from the working
// directory (go test runs in the package's directory), or "" if there is none.
func RepoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && isFerryModule(data) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// isFerryModule tells ferry's go.mod from tools/go.mod, so a test run from the
// tools module still finds the repository root.
func isFerryModule(goMod []byte) bool {
	const want = "module github.com/ferrygw/ferry\n"
	return len(goMod) >= len(want) && string(goMod[:len(want)]) == want
}

// findBinary looks for an executable in <tools>/bin, then on PATH.
func findBinary(name string) (string, bool) {
	if dir := ToolsDir(); dir != "" {
		p := filepath.Join(dir, "bin", name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, true
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, true
	}
	return "", false
}

// npmRoot returns the directory whose node_modules holds the npm servers:
// <tools>/npm (what install-deps.sh fills), else tools/npm in the repository.
func npmRoot() (string, bool) {
	var candidates []string
	if dir := ToolsDir(); dir != "" {
		candidates = append(candidates, filepath.Join(dir, "npm"))
	}
	if root := RepoRoot(); root != "" {
		candidates = append(candidates, filepath.Join(root, "tools", "npm"))
	}
	for _, c := range candidates {
		if st, err := os.Stat(filepath.Join(c, "node_modules")); err == nil && st.IsDir() {
			return c, true
		}
	}
	return "", false
}

// requireNodePackage returns the npm root holding pkg, or ends the test the way
// missingServer does.
func requireNodePackage(t testing.TB, pkg string) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		missingServer(t, "node (Node.js) is not on PATH")
	}
	root, ok := npmRoot()
	if ok {
		if _, err := os.Stat(filepath.Join(root, "node_modules", pkg, "package.json")); err == nil {
			return root
		}
	}
	missingServer(t, "npm package "+pkg+" is not installed (looked in "+npmCandidatesText()+")")
	return ""
}

// requireBinary returns the path of an installed server binary, or ends the test
// the way missingServer does.
func requireBinary(t testing.TB, name string) string {
	t.Helper()
	p, ok := findBinary(name)
	if !ok {
		where := ToolsDir()
		if where == "" {
			where = "$FERRY_TOOLS_DIR"
		}
		missingServer(t, name+" is not installed (looked in "+filepath.Join(where, "bin")+" and PATH)")
	}
	return p
}

// npmCandidatesText names the npm roots npmRoot looks in, for messages.
func npmCandidatesText() string {
	var c []string
	if dir := ToolsDir(); dir != "" {
		c = append(c, filepath.Join(dir, "npm", "node_modules"))
	}
	if root := RepoRoot(); root != "" {
		c = append(c, filepath.Join(root, "tools", "npm", "node_modules"))
	}
	if len(c) == 0 {
		return "no tools directory: set FERRY_TOOLS_DIR"
	}
	return strings.Join(c, " and ")
}

// missingServer skips the test on a developer machine but fails it under CI=true,
// where every server must have been installed by `make deps`.
func missingServer(t testing.TB, problem string) {
	t.Helper()
	msg := problem + "; run make deps (scripts/install-deps.sh)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
