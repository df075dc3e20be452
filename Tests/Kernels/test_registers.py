"""The release binary's matrix-product kernels keep their sums in registers.

Run by scripts/check-kernels.sh: SANET_BINARY=path python3 -m unittest discover -s Tests/Kernels

A product kernel's innermost loop is a chain of fused multiply-adds into accumulators that must
stay in vector registers. A small change to how a kernel is called (a flag that stopped being a
constant once inlined) once made clang keep them on the stack: every output stayed the same to
the bit, so no test of results could notice, and the products took 2.7 times as long. This
reads the compiled loops instead, which needs neither the processor they are for nor a timing.
"""
import os
import platform
import re
import subprocess
import unittest

BINARY = os.environ.get("SANET_BINARY", ".build/release/sanet")
# Each kernel and its blocks of rows compiled to separate loops (the AVX2 one: 6 ... 1 rows).
KERNELS = {"product_avx2": 6, "product_avx512": 12}

INSTRUCTION = re.compile(r"^\s*([0-9a-f]+):\s+(.*)$")
JUMP = re.compile(r"^j\w+\s+([0-9a-f]+)\b")
VECTOR_ON_STACK = re.compile(r"%[xyz]mm\d+.*\(%r[sb]p\)|\(%r[sb]p\).*%[xyz]mm\d+")


def disassembly(function):
    """(address, instruction) for each instruction of `function` in the binary."""
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--disassemble={function}", BINARY],
                          check=True, capture_output=True, text=True).stdout
    body = text.split(f"<{function}>:", 1)[1] if f"<{function}>:" in text else ""
    return [(int(m.group(1), 16), m.group(2).strip()) for m in map(INSTRUCTION.match, body.splitlines()) if m]


def innermost_loops(instructions):
    """Each loop (its instructions) that closes with a backward jump and holds no other loop."""
    backward = [(int(JUMP.match(text).group(1), 16), address) for address, text in instructions
                if JUMP.match(text) and int(JUMP.match(text).group(1), 16) <= address]
    loops = []
    for start, end in backward:
        if not any(start <= other_start and other_end < end for other_start, other_end in backward
                   if (other_start, other_end) != (start, end)):
            loops.append([text for address, text in instructions if start <= address <= end])
    return loops


@unittest.skipUnless(platform.machine() == "x86_64", "the kernels checked are x86-64's")
class ProductKernelRegisters(unittest.TestCase):
    def test_every_multiply_add_loop_keeps_its_vectors_off_the_stack(self):
        for function, blocks in KERNELS.items():
            with self.subTest(function=function):
                instructions = disassembly(function)
                self.assertTrue(instructions, f"{function} is not in {BINARY}")
                loops = [loop for loop in innermost_loops(instructions) if any("fmadd" in text for text in loop)]
                self.assertGreaterEqual(len(loops), blocks, f"{function}: fewer multiply-add loops than blocks")
                for loop in loops:
                    spills = [text for text in loop if VECTOR_ON_STACK.search(text)]
                    self.assertEqual(spills, [], f"{function}: an inner loop moves vectors to or from the stack")


if __name__ == "__main__":
    unittest.main()
