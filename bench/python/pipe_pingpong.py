"""Python baseline for the C# ping-pong: multiprocessing.Pipe, 64-byte round trips.

usage: pipe_pingpong.py ITERATIONS CPU   (CPU < 0: unpinned)
prints: median_us p99_us, one line
"""
import multiprocessing as mp
import os
import sys
import time

MSG = b"x" * 64


def echo(conn, n):
    for _ in range(n):
        conn.send_bytes(conn.recv_bytes())
    conn.close()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    cpu = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    warm = n // 10 + 10
    if cpu >= 0:
        # Before the child starts, so it inherits the same single CPU (as the C and C# versions do).
        os.sched_setaffinity(0, {cpu})
    # fork, not spawn: the child then costs nothing to start and the figure is the round trip alone.
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    p = ctx.Process(target=echo, args=(child, n + warm))
    p.start()
    times = []
    clock = time.perf_counter_ns
    for i in range(n + warm):
        start = clock()
        parent.send_bytes(MSG)
        parent.recv_bytes()
        if i >= warm:
            times.append((clock() - start) / 1000)
    p.join()
    times.sort()
    print(f"{times[n // 2]:.3f} {times[int(n * 0.99)]:.3f}")


if __name__ == "__main__":
    main()
