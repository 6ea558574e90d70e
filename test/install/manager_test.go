package install

import (
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

func toDeployment(u *unstructured.Unstructured) *appsv1.Deployment {
	GinkgoHelper()
	d := &appsv1.Deployment{}
	Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, d)).To(Succeed())
	return d
}

// shutdownTimeout is the manager's --graceful-shutdown-timeout (default 30s).
func shutdownTimeout(args []string) time.Duration {
	GinkgoHelper()
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "--graceful-shutdown-timeout="); ok {
			d, err := time.ParseDuration(v)
			Expect(err).NotTo(HaveOccurred())
			return d
		}
	}
	return 30 * time.Second
}

// expectSafeManager checks what the restricted standard does not: a read-only
// root, bounded resources, probes, and time to shut down cleanly.
func expectSafeManager(docs []document) {
	GinkgoHelper()
	deploys := ofKind(docs, "Deployment")
	Expect(deploys).To(HaveLen(1))
	pod := toDeployment(deploys[0]).Spec.Template.Spec
	Expect(pod.SecurityContext.RunAsNonRoot).To(HaveValue(BeTrue()))
	Expect(pod.SecurityContext.SeccompProfile.Type).To(Equal(corev1.SeccompProfileTypeRuntimeDefault))
	Expect(pod.Containers).To(HaveLen(1))
	c := pod.Containers[0]
	Expect(c.SecurityContext.ReadOnlyRootFilesystem).To(HaveValue(BeTrue()))
	Expect(c.SecurityContext.AllowPrivilegeEscalation).To(HaveValue(BeFalse()))
	Expect(c.SecurityContext.Capabilities.Drop).To(ConsistOf(corev1.Capability("ALL")))
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		Expect(c.Resources.Requests).To(HaveKey(r))
		Expect(c.Resources.Limits).To(HaveKey(r))
	}
	Expect(c.LivenessProbe).NotTo(BeNil())
	Expect(c.ReadinessProbe).NotTo(BeNil())
	Expect(pod.TerminationGracePeriodSeconds).NotTo(BeNil())
	grace := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second
	Expect(grace).To(BeNumerically(">=", shutdownTimeout(c.Args)))
	Expect(c.Args).To(ContainElement(HavePrefix("--leader-elect")))
}

// expectMonitorSelects checks that a ServiceMonitor scrapes the metrics port
// of exactly one of the Services.
func expectMonitorSelects(monitor *unstructured.Unstructured, services []*unstructured.Unstructured) {
	GinkgoHelper()
	selector, _, _ := unstructured.NestedStringMap(monitor.Object, "spec", "selector", "matchLabels")
	Expect(selector).NotTo(BeEmpty())
	var matched []*unstructured.Unstructured
	for _, s := range services {
		if hasLabels(s.GetLabels(), selector) {
			matched = append(matched, s)
		}
	}
	Expect(matched).To(HaveLen(1))
	ports, _, _ := unstructured.NestedSlice(matched[0].Object, "spec", "ports")
	Expect(ports).To(ContainElement(HaveKeyWithValue("name", "metrics")))
	endpoints, _, _ := unstructured.NestedSlice(monitor.Object, "spec", "endpoints")
	Expect(endpoints).To(ConsistOf(HaveKeyWithValue("port", "metrics")))
}

// expectSecureScrape checks that a ServiceMonitor scrapes over HTTPS with
// Prometheus' ServiceAccount token, as the manager's metrics endpoint
// (--metrics-secure) requires, accepting its self-signed certificate.
func expectSecureScrape(monitor *unstructured.Unstructured) {
	GinkgoHelper()
	endpoints, _, _ := unstructured.NestedSlice(monitor.Object, "spec", "endpoints")
	Expect(endpoints).To(ConsistOf(SatisfyAll(
		HaveKeyWithValue("scheme", "https"),
		HaveKeyWithValue("bearerTokenFile", "/var/run/secrets/kubernetes.io/serviceaccount/token"),
		HaveKeyWithValue("tlsConfig", HaveKeyWithValue("insecureSkipVerify", true)))))
}

// expectSecureMetrics checks that the manager serves metrics securely (the
// default of --metrics-secure) on the container port its Service targets.
func expectSecureMetrics(docs []document) {
	GinkgoHelper()
	c := toDeployment(ofKind(docs, "Deployment")[0]).Spec.Template.Spec.Containers[0]
	Expect(c.Args).NotTo(ContainElement("--metrics-secure=false"))
	var port int32
	for _, p := range c.Ports {
		if p.Name == "metrics" {
			port = p.ContainerPort
		}
	}
	Expect(c.Args).To(ContainElement(fmt.Sprintf("--metrics-bind-address=:%d", port)))
	services := ofKind(docs, "Service")
	Expect(services).To(HaveLen(1))
	ports, _, _ := unstructured.NestedSlice(services[0].Object, "spec", "ports")
	Expect(ports).To(ConsistOf(SatisfyAll(HaveKeyWithValue("name", "metrics"), HaveKeyWithValue("targetPort", "metrics"))))
}

func hasLabels(labels, want map[string]string) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

var _ = Describe("The manager Deployment", func() {
	It("is safe as config/default installs it", func() {
		expectSafeManager(splitManifest(kustomize("default")))
	})

	It("is safe as the chart installs it", func() {
		expectSafeManager(splitManifest(helmTemplate()))
	})

	It("serves metrics over HTTPS on the port its Service targets, from config/default and the chart", func() {
		expectSecureMetrics(splitManifest(kustomize("default")))
		expectSecureMetrics(splitManifest(helmTemplate()))
	})

	It("runs the same image from config/default and the chart", func() {
		image := func(docs []document) string {
			return toDeployment(ofKind(docs, "Deployment")[0]).Spec.Template.Spec.Containers[0].Image
		}
		Expect(image(splitManifest(helmTemplate()))).To(Equal(image(splitManifest(kustomize("default")))))
	})
})

var _ = Describe("config/prometheus", func() {
	It("scrapes the metrics Service of config/default once added to it", func() {
		monitors := ofKind(splitManifest(kustomize("prometheus")), "ServiceMonitor")
		Expect(monitors).To(HaveLen(1))
		expectMonitorSelects(monitors[0], ofKind(splitManifest(kustomize("default")), "Service"))
		expectSecureScrape(monitors[0])
	})
})
