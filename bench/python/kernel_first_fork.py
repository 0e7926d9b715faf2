"""The wait a student sees in the real .NET Interactive kernel: a fresh kernel, the set-up cell (#r the lab,
Fork.Prepare()), then the first cell that calls Fork.Run with a body never compiled before, then a second one.
Run after scripts/setup (it needs the .net-csharp kernelspec and Debian's python3-nbclient):

    /usr/bin/python3 bench/python/kernel_first_fork.py [PAUSE_SECONDS ...]

PAUSE_SECONDS: how long the "student" reads between the set-up cell and the first Fork.Run cell (default: 0 and 3).
prints one line per pause: seconds for the kernel to start, the set-up cell, the first and the second Fork.Run cell.
"""
import os
import random
import sys
import time

import nbformat
from nbclient import NotebookClient

LAB = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "artifacts", "lab", "Ipc.Lab.dll"))


def run(pause):
    nonce = random.randrange(10**12)   # a body text never seen: the compiler must compile it
    setup = f'#r "{LAB}"\nusing Ipc.Lab;\nusing Ipc.Lab.Processes;\nFork.Prepare();'
    first = f'var first = Fork.Run(() => Console.WriteLine("first child {nonce}"));\nfirst.Wait();'
    second = f'var second = Fork.Run(() => Console.WriteLine("second child {nonce}"));\nsecond.Wait();'
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in ("1 + 1", setup, first, second)]
    client = NotebookClient(nb, timeout=600, kernel_name=".net-csharp")
    times = []
    start = time.time()
    with client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        times.append(time.time() - start)
        for i in (1, 2, 3):
            if i == 2:
                time.sleep(pause)
            t = time.time()
            client.execute_cell(nb.cells[i], i)
            times.append(time.time() - t)
            text = "".join(o.get("text", "") for o in nb.cells[i].outputs)
            if i > 1 and str(nonce) not in text:
                sys.exit(f"cell {i} did not print its child's line: {text!r}")
    return times


if __name__ == "__main__":
    pauses = [float(a) for a in sys.argv[1:]] or [0.0, 3.0]
    print("| pause after set-up | kernel ready | set-up cell | first Fork.Run cell | second Fork.Run cell |")
    print("|---:|---:|---:|---:|---:|")
    for p in pauses:
        k, s, f, g = run(p)
        print(f"| {p:.0f} s | {k:.2f} s | {s:.2f} s | {f:.2f} s | {g:.2f} s |", flush=True)
