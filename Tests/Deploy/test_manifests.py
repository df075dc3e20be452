"""The deployment files parse and carry what running the service needs.

Run by scripts/check-deploy.sh: python3 -m unittest discover -s Tests/Deploy
"""
import os
import pathlib
import re
import shutil
import subprocess
import unittest

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
KUBERNETES = ROOT / "deploy" / "kubernetes"
# Peak RSS measured with two workers stylizing 512 px images (README.md, "Resources").
MEASURED_PEAK_BYTES = 539 * 1024 * 1024
DEFAULT_DRAIN_SECONDS = 60
DEFAULT_REQUEST_SECONDS = 300
# Beside the requests' memory budget: resident size once every method's weights are loaded,
# and the style cache when full (README.md, "Limits").
LOADED_BYTES = 160 * 1024 * 1024
STYLE_CACHE_BYTES = 128 * 1024 * 1024


def fits_the_budget(test, limit, environment):
    """The memory limit holds the weights, a full style cache and the requests' whole budget."""
    budget = int(environment["SANET_MEMORY_BUDGET"])
    test.assertGreaterEqual(quantity(limit), LOADED_BYTES + STYLE_CACHE_BYTES + budget)


def quantity(text):
    """A Kubernetes quantity (512Mi, 1Gi, 2, 500m) as a number."""
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3, "": 1}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(text)).groups()
    return float(number) * units[unit]


def seconds(text):
    number, unit = re.fullmatch(r"([0-9.]+)(s|m)?", str(text)).groups()
    return float(number) * (60 if unit == "m" else 1)


class KubernetesTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.documents = {}
        for path in sorted(KUBERNETES.glob("*.yaml")):
            for document in yaml.safe_load_all(path.read_text()):
                cls.documents[document["kind"]] = document
        cls.pod = cls.documents["Deployment"]["spec"]["template"]["spec"]
        cls.container = next(c for c in cls.pod["containers"] if c["name"] == "sanet")
        cls.env = {e["name"]: e["value"] for e in cls.container["env"]}

    def test_every_kind_is_there(self):
        self.assertLessEqual({"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                              "Kustomization"}, set(self.documents))
        listed = set(self.documents["Kustomization"]["resources"])
        self.assertEqual(listed, {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"})

    def test_probes(self):
        self.assertEqual(self.container["livenessProbe"]["httpGet"]["path"], "/healthz")
        self.assertEqual(self.container["readinessProbe"]["httpGet"]["path"], "/readyz")

    def test_resources_cover_the_measured_memory_and_one_core_per_worker(self):
        resources = self.container["resources"]
        for kind in ("requests", "limits"):
            self.assertIn("cpu", resources[kind])
            self.assertIn("memory", resources[kind])
        self.assertGreaterEqual(quantity(resources["requests"]["memory"]), MEASURED_PEAK_BYTES)
        self.assertGreaterEqual(quantity(resources["limits"]["memory"]), quantity(resources["requests"]["memory"]))
        self.assertGreaterEqual(quantity(resources["requests"]["cpu"]), int(self.env["SANET_WORKERS"]))
        fits_the_budget(self, resources["limits"]["memory"], self.env)

    def test_weights_come_from_an_init_container_into_a_shared_volume(self):
        init = self.pod["initContainers"][0]
        self.assertTrue(init["command"][0].endswith("fetch-weights.sh"))
        target = init["command"][1]
        self.assertIn(target, [m["mountPath"] for m in init["volumeMounts"]])
        mounts = {m["name"]: m for m in self.container["volumeMounts"]}
        self.assertEqual(mounts[init["volumeMounts"][0]["name"]]["mountPath"], self.env["SANET_WEIGHTS"])
        self.assertIn("fetch-weights.sh", (ROOT / "scripts" / "build-release.sh").read_text())

    def test_termination_outlasts_the_pause_and_the_drain(self):
        drain = float(self.env.get("SANET_DRAIN_TIMEOUT", DEFAULT_DRAIN_SECONDS))
        command = self.container["lifecycle"]["preStop"]["exec"]["command"]
        self.assertEqual(command[0], "sleep")
        pause = float(command[1])
        self.assertGreaterEqual(pause, 3, "long enough for the endpoints to drop the pod")
        self.assertGreater(self.pod["terminationGracePeriodSeconds"], pause + drain)

    def test_listens_on_all_interfaces_as_non_root(self):
        self.assertEqual(self.env["SANET_HOST"], "0.0.0.0")
        self.assertTrue(self.pod["securityContext"]["runAsNonRoot"])

    def test_service_autoscaler_and_budget_select_the_deployment(self):
        labels = self.documents["Deployment"]["spec"]["template"]["metadata"]["labels"]
        self.assertEqual(self.documents["Service"]["spec"]["selector"], labels)
        self.assertEqual(self.documents["Service"]["spec"]["ports"][0]["targetPort"],
                         self.container["ports"][0]["name"])
        self.assertEqual(self.documents["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"], labels)
        target = self.documents["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
        self.assertEqual((target["kind"], target["name"]), ("Deployment", self.documents["Deployment"]["metadata"]["name"]))


class ComposeTests(unittest.TestCase):
    def setUp(self):
        self.services = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]

    def test_weights_are_fetched_before_the_service_starts(self):
        self.assertTrue(self.services["fetch-weights"]["entrypoint"][0].endswith("fetch-weights.sh"))
        self.assertEqual(self.services["sanet"]["depends_on"]["fetch-weights"]["condition"],
                         "service_completed_successfully")
        self.assertEqual(self.services["sanet"]["environment"]["SANET_HOST"], "0.0.0.0")

    def test_stopping_outlasts_the_drain(self):
        sanet = self.services["sanet"]
        drain = float(sanet["environment"].get("SANET_DRAIN_TIMEOUT", DEFAULT_DRAIN_SECONDS))
        self.assertGreater(seconds(sanet["stop_grace_period"]), drain)
        self.assertGreaterEqual(quantity(sanet["deploy"]["resources"]["limits"]["memory"]), MEASURED_PEAK_BYTES)
        fits_the_budget(self, sanet["deploy"]["resources"]["limits"]["memory"], sanet["environment"])


class DockerfileTests(unittest.TestCase):
    def setUp(self):
        self.text = (ROOT / "Dockerfile").read_text()

    def test_builds_with_the_release_script_and_runs_as_non_root_with_a_health_check(self):
        self.assertIn("RUN scripts/build-release.sh /stage", self.text)
        self.assertIn("deploy/runtime-packages.txt", self.text)
        self.assertRegex(self.text, r"(?m)^USER 10001$")
        self.assertRegex(self.text, r"(?m)^HEALTHCHECK .*\n.*/healthz")
        self.assertIn("SANET_WEIGHTS=/weights", self.text)
        self.assertIn("SANET_HOST=0.0.0.0", self.text)


class HAProxyTests(unittest.TestCase):
    """deploy/haproxy/haproxy.cfg; Tests/LoadBalancer runs it with real replicas."""

    def setUp(self):
        self.path = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
        self.sections = {}
        section = None
        for line in self.path.read_text().splitlines():
            line = line.split("#", 1)[0].rstrip()
            if not line:
                continue
            if not line[0].isspace():
                section = line
                self.sections[section] = []
            else:
                self.sections[section].append(" ".join(line.split()))
        self.backend = self.sections["backend sanet"]

    @unittest.skipUnless(shutil.which("haproxy"), "haproxy is not installed (scripts/install-dependencies.sh --test)")
    def test_haproxy_accepts_it(self):
        environment = {name: value for name, value in os.environ.items() if not name.startswith("SANET_")}
        result = subprocess.run(["haproxy", "-dW", "-c", "-f", str(self.path)], env=environment,
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_checks_readiness_and_retries_only_what_was_never_sent(self):
        self.assertIn("option httpchk", self.backend)
        self.assertTrue(any(line.startswith("http-check send meth GET uri /readyz") for line in self.backend))
        self.assertIn("http-check expect status 200", self.backend)
        self.assertIn("retry-on conn-failure", self.backend)
        self.assertEqual([line for line in self.backend if line.startswith("retry-on")], ["retry-on conn-failure"])
        self.assertIn("option redispatch 1", self.backend)
        self.assertIn("balance leastconn", self.backend)
        self.assertFalse(any("shutdown-sessions" in line for line in self.backend))
        servers = [line for line in self.backend if line.startswith("server ")]
        self.assertGreaterEqual(len(servers), 2)

    def test_waits_longer_than_the_service(self):
        defaults = dict(line.rsplit(" ", 1) for line in self.sections["defaults"] if line.startswith("timeout "))
        self.assertGreater(seconds(defaults["timeout server"]), DEFAULT_REQUEST_SECONDS)
        self.assertGreater(seconds(defaults["timeout client"]), DEFAULT_REQUEST_SECONDS)

    def test_passes_the_request_id_the_service_reads(self):
        header = re.search(r'static let header = "([^"]+)"',
                           (ROOT / "Sources" / "StylizeService" / "Observability" / "RequestID.swift").read_text())[1]
        frontend = self.sections["frontend sanet"]
        self.assertTrue(any(line.startswith(f"http-request set-header {header} %[unique-id] unless") for line in frontend))
        self.assertTrue(any(line.startswith("unique-id-format ") for line in frontend))


if __name__ == "__main__":
    unittest.main()
