package mappingtemplate

import (
	"bytes"
	"encoding/base64"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestUtilAgainstJava compares $util's escapeJavaScript, urlEncode and
// base64Encode with the Java functions API Gateway runs (Commons Lang 2's
// StringEscapeUtils, java.net.URLEncoder, java.util.Base64) on fixed and
// random strings.
func TestUtilAgainstJava(t *testing.T) {
	const lang = "/usr/share/java/commons-lang.jar"
	if _, err := os.Stat(lang); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: install the Debian package libcommons-lang-java (a dependency of velocity)", lang)
		}
		t.Skipf("%s is missing: apt-get install libcommons-lang-java to compare $util with Java", lang)
	}
	if _, err := exec.LookPath("javac"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("javac is missing: install openjdk-17-jdk-headless")
		}
		t.Skip("javac is missing: install a JDK to compare $util with Java")
	}
	dir := t.TempDir()
	if out, err := exec.Command("javac", "-cp", lang, "-d", dir, "testdata/java/UtilRunner.java").CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	inputs := []string{"", "plain", "it's \"quoted\" / back\\slash", "tab\tnew\nline\r\b\f", "\x00\x01\x1f\x7f\u0080\u009f",
		"é ü ñ ß", "日本語", "😀 emoji", "a b+c&d=e?f#g%h~i*j.k-l_m", "\u2028\u2029", "</script>"}
	r := rand.New(rand.NewSource(1))
	alphabet := []rune("ab '\"\\/\t\n\r%+&=~*._-é日😀\x01\x7f\u2028")
	for i := 0; i < 300; i++ {
		var b strings.Builder
		for n := r.Intn(12); n > 0; n-- {
			b.WriteRune(alphabet[r.Intn(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	var stdin bytes.Buffer
	for _, s := range inputs {
		stdin.WriteString(base64.StdEncoding.EncodeToString([]byte(s)) + "\n")
	}
	cmd := exec.Command("java", "-cp", lang+":"+dir, "UtilRunner")
	cmd.Stdin = &stdin
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("java UtilRunner: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(inputs) {
		t.Fatalf("java answered %d lines for %d inputs", len(lines), len(inputs))
	}
	dec := func(s string) string {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for i, s := range inputs {
		f := strings.Split(lines[i], "\t")
		if got, want := escapeJavaScript(s), dec(f[0]); got != want {
			t.Errorf("escapeJavaScript(%q) = %q, Java %q", s, got, want)
		}
		if got, want := formEncode(s), dec(f[1]); got != want {
			t.Errorf("urlEncode(%q) = %q, Java %q", s, got, want)
		}
		if got, want := base64.StdEncoding.EncodeToString([]byte(s)), dec(f[2]); got != want {
			t.Errorf("base64Encode(%q) = %q, Java %q", s, got, want)
		}
	}
}
