package install

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/yaml"
)

// repoRoot is the checkout, seen from this package's directory.
var repoRoot = filepath.Join("..", "..")

var chartDir = filepath.Join(repoRoot, "charts", "account-operator")

// result is what a finished command wrote.
type result struct {
	stdout, stderr string
	err            error
}

// run runs a command with stdin and a deadline, so a hung apiserver or helm
// fails the spec instead of the whole test binary.
func run(stdin []byte, env []string, name string, args ...string) result {
	c, done := context.WithTimeout(context.Background(), 2*time.Minute)
	defer done()
	cmd := exec.CommandContext(c, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &stdout, &stderr
	err := cmd.Run()
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

func kubectl(stdin []byte, args ...string) result {
	return run(stdin, nil, kubectlBin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
}

func helm(args ...string) result {
	env := []string{
		"HELM_CACHE_HOME=" + filepath.Join(helmHome, "cache"),
		"HELM_CONFIG_HOME=" + filepath.Join(helmHome, "config"),
		"HELM_DATA_HOME=" + filepath.Join(helmHome, "data"),
		"KUBECONFIG=" + kubeconfig,
	}
	return run(nil, env, helmBin, args...)
}

// helmTemplate renders the chart as release "account-operator" in the test
// namespace with the given --set values, and fails the spec if it does not render.
func helmTemplate(sets ...string) []byte {
	GinkgoHelper()
	r := helmTemplateResult(sets...)
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
	return []byte(r.stdout)
}

func helmTemplateResult(sets ...string) result {
	args := []string{"template", "account-operator", chartDir, "--namespace", namespace}
	for _, s := range sets {
		args = append(args, "--set", s)
	}
	return helm(args...)
}

// kustomize renders a directory of config/.
func kustomize(dir string) []byte {
	GinkgoHelper()
	r := run(nil, nil, kubectlBin, "kustomize", filepath.Join(repoRoot, "config", dir))
	Expect(r.err).NotTo(HaveOccurred(), r.stderr)
	return []byte(r.stdout)
}

// document is one object of a multi-document manifest, raw and decoded.
type document struct {
	raw []byte
	obj *unstructured.Unstructured
}

// splitManifest decodes every non-empty document of a YAML stream.
func splitManifest(data []byte) []document {
	GinkgoHelper()
	r := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []document
	for {
		raw, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		Expect(err).NotTo(HaveOccurred())
		u := &unstructured.Unstructured{}
		Expect(yaml.Unmarshal(raw, &u.Object)).To(Succeed(), string(raw))
		if len(u.Object) > 0 {
			out = append(out, document{raw: raw, obj: u})
		}
	}
}

// ofKind returns the objects of one kind.
func ofKind(docs []document, kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, d := range docs {
		if d.obj.GetKind() == kind {
			out = append(out, d.obj)
		}
	}
	return out
}

// join writes documents back as one YAML stream.
func join(docs []document) []byte {
	var b bytes.Buffer
	for _, d := range docs {
		b.WriteString("---\n")
		b.Write(d.raw)
		if !bytes.HasSuffix(d.raw, []byte("\n")) {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// warnings are the API warnings kubectl printed.
func warnings(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "Warning:") {
			out = append(out, l)
		}
	}
	return out
}
