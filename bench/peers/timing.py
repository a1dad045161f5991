"""Timing shared by the PyTorch peers: `timed(fn, warmup, reps)` runs fn `warmup` times, then `reps` timed
times, and returns the median wall and CPU milliseconds of one call."""
import statistics
import time


def timed(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return statistics.median(wall), statistics.median(cpu)
