"""weights/fetch.sh when the network fails: it says what was not fetched and exits by its own message.

The scripts are copied into a temporary folder beside stand-ins for curl and pip that fail as
they do offline, so every failure path runs without touching the network.
"""
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write_executable(path, text):
    with open(path, "w") as file:
        file.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


class FetchFailureTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.scripts = os.path.join(self.folder, "weights")
        os.mkdir(self.scripts)
        for name in ("fetch.sh", "fetch-magenta.sh"):
            shutil.copy(os.path.join(REPOSITORY, "weights", name), self.scripts)
        self.bin = os.path.join(self.folder, "bin")
        os.mkdir(self.bin)
        # Offline: curl cannot resolve a host (its exit 6), pip cannot download.
        write_executable(os.path.join(self.bin, "curl"), "#!/bin/sh\necho 'curl: (6) Could not resolve host' >&2\nexit 6\n")
        write_executable(os.path.join(self.bin, "python3"),
                         "#!/bin/sh\n[ \"$3\" = --version ] && { echo 'pip 23'; exit 0; }\n"
                         "echo 'ERROR: Could not find a version' >&2\nexit 1\n")
        self.target = os.path.join(self.folder, "out")

    def tearDown(self):
        shutil.rmtree(self.folder)

    def run_fetch(self):
        environment = dict(os.environ, PATH=self.bin + ":/usr/bin:/bin")
        return subprocess.run(["bash", os.path.join(self.scripts, "fetch.sh"), self.target],
                              env=environment, capture_output=True, text=True, timeout=60)

    def test_nothing_reachable_fails_with_its_messages(self):
        result = self.run_fetch()
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertNotIn("command not found", result.stderr)
        self.assertIn("fetch.sh: Magenta's networks were not fetched", result.stderr)
        self.assertIn("not fetched: vgg_normalised.pth decoder.pth", result.stderr)
        self.assertIn("no method's weights are complete", result.stderr)

    def test_magenta_alone_is_enough(self):
        write_executable(os.path.join(self.scripts, "fetch-magenta.sh"),
                         "#!/bin/sh\nmkdir -p \"$1\" && touch \"$1/arbitrary_predict.onnx\" \"$1/arbitrary_transform.onnx\"\n")
        result = self.run_fetch()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("complete for: magenta", result.stdout)
        self.assertIn("not fetched: vgg_normalised.pth", result.stderr)


if __name__ == "__main__":
    unittest.main()
