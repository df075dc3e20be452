"""Real passes hold no more memory than the service charges for them.

Run by scripts/check-memory.sh: SANET_BINARY=path python3 -m unittest discover -v -s Tests/Memory

The service admits a request when the memory it works out from the image headers fits its
budget, and the budget is what keeps the process inside its container's limit. The engine's
part of that figure is a fit to peak resident memory measured on a few processors (README.md,
"Limits"), and where the peak lands moves with the kernels a processor runs and with the code.
So each case here is one `sanet bench` pass in a fresh process, its peak read from wait4,
less a 32 px pass of the same method (the loaded weights), held to the memory_estimate_bytes
that the same run printed: the images and the engine's working memory the service charges.
"""
import os
import re
import subprocess
import unittest

BINARY = os.environ.get("SANET_BINARY", ".build/release/sanet")
GENERATED = "Tests/Reference/generated"
WEIGHTS = {"sanet": f"{GENERATED}/weights-zip", "adain": f"{GENERATED}/weights-zip",
           "magenta": f"{GENERATED}/magenta-weights"}
# Method, content side, style side, threads (None: one a core): each tier of the engine's
# estimate, the largest side (4096 px) that the default budget serves, a style as large as the
# content, and more threads than the estimate's figures were measured on.
CASES = [("sanet", 512, 512, None), ("sanet", 1024, 1024, None), ("sanet", 2048, 512, None),
         ("sanet", 4096, 512, None), ("sanet", 2048, 512, 16), ("adain", 2048, 512, None),
         ("adain", 4096, 512, None), ("magenta", 1024, 256, None), ("magenta", 2048, 256, 16)]
MIB = 1 << 20


def bench(method, size, style_size, threads):
    """Peak resident bytes of one pass's process and the estimate it printed."""
    command = [BINARY, "bench", "--weights", WEIGHTS[method], "--method", method, "--size", str(size),
               "--style-size", str(style_size), "--reps", "1", "--warmup", "0"]
    command += ["--threads", str(threads)] if threads else []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with process.stdout:
        output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{output}")
    estimate = re.search(r"^memory_estimate_bytes=(\d+)$", output, re.M)
    if not estimate:
        raise AssertionError(f"no memory_estimate_bytes line in:\n{output}")
    return usage.ru_maxrss * 1024, int(estimate.group(1))


class PeakMemoryWithinTheEstimate(unittest.TestCase):
    def test_each_pass_stays_within_what_the_service_charges(self):
        # A 32 px pass on as many threads: each thread's own allocations, once made, stay.
        baselines = {(method, threads): bench(method, 32, 32, threads)[0]
                     for method, threads in {(case[0], case[3]) for case in CASES}}
        print(f"\n{'method':8} {'content/style':>14} {'threads':>8} {'peak MiB':>9} {'above 32 px':>12} "
              f"{'estimate':>9}")
        for method, size, style_size, threads in CASES:
            with self.subTest(method=method, size=size, style_size=style_size, threads=threads):
                peak, estimate = bench(method, size, style_size, threads)
                above = peak - baselines[(method, threads)]
                print(f"{method:8} {f'{size}/{style_size}':>14} {threads or 'cores':>8} {peak / MIB:9.0f} "
                      f"{above / MIB:12.0f} {estimate / MIB:9.0f}", flush=True)
                self.assertLessEqual(above, estimate, f"{method} {size}/{style_size} px on {threads or 'all'} "
                                     f"threads held {above / MIB:.0f} MiB above a 32 px pass, over its "
                                     f"estimate of {estimate / MIB:.0f} MiB")


if __name__ == "__main__":
    unittest.main()
