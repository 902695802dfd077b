package deploy

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const templatePath = "template.yaml"

func mustLoad(t *testing.T) tree {
	t.Helper()
	tmpl, err := loadTemplate(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestTemplatePassesEveryCheck(t *testing.T) {
	tmpl := mustLoad(t)
	for _, c := range allChecks() {
		for _, err := range c.run(tmpl) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestShortFormTagsExpand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.yaml")
	src := "A: !Ref X\nB: !GetAtt R.Arn\nC: !Sub ${X}-y\nD: !If [Cond, !Ref X, !Ref AWS::NoValue]\nE: [1, two]\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := loadTemplate(path)
	if err != nil {
		t.Fatal(err)
	}
	want := tree{
		"A": tree{"Ref": "X"},
		"B": tree{"Fn::GetAtt": []any{"R", "Arn"}},
		"C": tree{"Fn::Sub": "${X}-y"},
		"D": tree{"Fn::If": []any{"Cond", tree{"Ref": "X"}, tree{"Ref": "AWS::NoValue"}}},
		"E": []any{"1", "two"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}

func TestDuplicateKeysAreRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(path, []byte("A: 1\nB:\n  C: 1\n  C: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadTemplate(path); err == nil || !strings.Contains(err.Error(), `duplicate key "C"`) {
		t.Fatalf("got %v", err)
	}
}

// cfnLint runs the machine's cfn-lint on path; the test fails if it is
// missing (it is part of the toolchain this repository assumes).
func cfnLint(t *testing.T, path string) (string, error) {
	t.Helper()
	bin, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatalf("cfn-lint is not on PATH (pip install cfn-lint into the machine's Python 3.11): %v", err)
	}
	out, err := exec.Command(bin, "--", path).CombinedOutput()
	return string(out), err
}

func TestCFNLint(t *testing.T) {
	t.Parallel()
	if out, err := cfnLint(t, templatePath); err != nil {
		t.Fatalf("cfn-lint %s: %v\n%s", templatePath, err, out)
	}
}

// TestCFNLintCatchesABadRef shows the lint test can fail: the same template
// with a Ref to a parameter that does not exist must be rejected.
func TestCFNLintCatchesABadRef(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(templatePath)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(raw), "!Ref UploadQuery", "!Ref NoSuchParameter", 1)
	if bad == string(raw) {
		t.Fatal("template has no !Ref UploadQuery to break")
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := cfnLint(t, path)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(out, "NoSuchParameter") {
		t.Fatalf("cfn-lint accepted a Ref to a missing parameter: %v\n%s", err, out)
	}
}
