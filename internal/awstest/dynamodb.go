package awstest

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// simulatorPackage is the npm package that ships AWS's DynamoDB Local jar.
const simulatorPackage = "amplify-dynamodb-simulator@2.9.30"

// DynamoDB returns the base URL of this binary's DynamoDB Local, starting
// it on first use (fetching the jar with `npm pack` if it is not cached).
// Tables are in memory and vanish with the server; tests should use table
// names of their own.
func DynamoDB(t testing.TB) string {
	t.Helper()
	return start(t, "dynamodb-local", launchDynamoDB)
}

func launchDynamoDB() (*exec.Cmd, string, string, error) {
	dir, err := dynamoDBJar()
	if err != nil {
		return nil, "", "", err
	}
	port, err := freePort()
	if err != nil {
		return nil, "", "", err
	}
	cmd := exec.Command("java", "-Djava.library.path=DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar",
		"-inMemory", "-disableTelemetry", "-port", strconv.Itoa(port))
	cmd.Dir = dir
	return launchProcess(cmd, "dynamodb-local", port)
}

// dynamoDBJar returns the directory holding DynamoDBLocal.jar, unpacking
// the npm package into the cache on first use. Concurrent test binaries
// each unpack into a temporary directory and rename it into place; the
// loser of the race uses the winner's copy.
func dynamoDBJar() (string, error) {
	cache, err := CacheDir("")
	if err != nil {
		return "", err
	}
	final := filepath.Join(cache, "dynamodb-local-2.9.30")
	if _, err := os.Stat(filepath.Join(final, "DynamoDBLocal.jar")); err == nil {
		return final, nil
	}
	tmp, err := os.MkdirTemp(cache, "dynamodb-local-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	pack := exec.Command("npm", "pack", "--silent", simulatorPackage)
	pack.Dir = tmp
	out, err := pack.Output()
	if err != nil {
		return "", fmt.Errorf("npm pack %s: %w", simulatorPackage, err)
	}
	tgz := filepath.Join(tmp, strings.TrimSpace(string(out)))
	unpacked := filepath.Join(tmp, "emulator")
	if err := extractPrefix(tgz, "package/emulator/", unpacked); err != nil {
		return "", fmt.Errorf("unpacking %s: %w", tgz, err)
	}
	if err := os.Rename(unpacked, final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, "DynamoDBLocal.jar")); statErr == nil {
			return final, nil
		}
		return "", err
	}
	return final, nil
}

// extractPrefix writes the regular files of the gzipped tar at tgz whose
// names start with prefix into dir, without the prefix.
func extractPrefix(tgz, prefix, dir string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rel, ok := strings.CutPrefix(h.Name, prefix)
		if !ok || h.Typeflag != tar.TypeReg || rel == "" || strings.Contains(rel, "..") {
			continue
		}
		if err := writeFile(filepath.Join(dir, rel), tr); err != nil {
			return err
		}
	}
}

func writeFile(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	w, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
