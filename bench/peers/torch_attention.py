#!/usr/bin/env python3
"""PyTorch CPU, one thread, as a reference for bench/attention.bench.ts: torch.nn.MultiheadAttention
(batch_first, biases, need_weights=False: PyTorch's scaled_dot_product_attention path) on the bench's chunk,
causal by a -inf upper triangle, from the bench's own tensors.

`--dir DIR` holds raw little-endian float32 files written by the bench: x (rows, T, d), W (3d, d) =
in_proj_weight, b (3d) = in_proj_bias, Wo (d, d) = out_proj.weight, bo (d) = out_proj.bias, and dOut
(rows, T, d), the gradient of the output the backward pass starts from. The script writes back, into the same
directory, what it computed from them: out, gW, gb, gWo, gbo, dx (the bench compares them with descent's).

Two passes, each timed `--reps` times after `--warmup` runs, as descent's: forward (autograd on, as in
training) and forward + backward (the parameters' and the input's gradients). Prints one JSON object on
stdout: torch version, CPU capability, threads, median wall and CPU milliseconds of each pass.
"""
import argparse
import json
import os

import numpy as np
import torch

from timing import timed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--dim", type=int, required=True)
    ap.add_argument("--heads", type=int, required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--reps", type=int, default=50)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    n, T, d = a.rows, a.steps, a.dim

    def read(name, shape):
        return torch.from_numpy(np.fromfile(os.path.join(a.dir, name + ".f32"), dtype="<f4").reshape(shape).copy())

    def write(name, t):
        t.detach().numpy().astype("<f4").tofile(os.path.join(a.dir, name + ".f32"))

    mha = torch.nn.MultiheadAttention(d, a.heads, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(read("W", (3 * d, d)))
        mha.in_proj_bias.copy_(read("b", (3 * d,)))
        mha.out_proj.weight.copy_(read("Wo", (d, d)))
        mha.out_proj.bias.copy_(read("bo", (d,)))
    x = read("x", (n, T, d)).requires_grad_(True)
    d_out = read("dOut", (n, T, d))
    mask = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)

    def forward():
        return mha(x, x, x, attn_mask=mask, need_weights=False)[0]

    def both():
        mha.zero_grad(set_to_none=True)
        x.grad = None
        forward().backward(d_out)

    both()
    write("out", forward())
    for name, t in (("gW", mha.in_proj_weight.grad), ("gb", mha.in_proj_bias.grad), ("gWo", mha.out_proj.weight.grad),
                    ("gbo", mha.out_proj.bias.grad), ("dx", x.grad)):
        write(name, t)
    fw, fc = timed(forward, a.warmup, a.reps)
    bw, bc = timed(both, a.warmup, a.reps)
    print(json.dumps({
        "torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(), "threads": torch.get_num_threads(),
        "forwardMs": fw, "forwardCpuMs": fc, "backwardMs": bw, "backwardCpuMs": bc,
    }))


if __name__ == "__main__":
    main()
