#!/usr/bin/env python3
"""PyTorch CPU, one thread, as a reference for bench/recurrent.bench.ts: the passes descent times on the
recurrent network embedding(vocab, dim) -> GRU or LSTM(units, batch_first, last state) -> Linear(units, vocab),
nn.CrossEntropyLoss (mean over the rows) on the logits.

The chunk: `--rows` rows of `--steps` token ids, x[r, t] = ((r * steps + t) * 7919) % vocab, targets
y[r] = (r * 31) % vocab (the bench's data). Two passes, each timed `--reps` times after `--warmup` runs:
forward (inference, torch.no_grad) and forward + backpropagation through time (zero_grad, loss, backward:
the gradient descent's lossGrad computes; no optimizer step). With --step the second pass also runs
torch.optim.Adam's step (lr 1e-3), what one training step costs.

With --init FILE (a safetensors file in PyTorch's state_dict names, as descent's toSafetensors writes it)
the parameters start there and the JSON carries the loss of the first forward pass, for the bench's check
against descent. Prints one JSON object on stdout: torch version, CPU capability, threads, the median wall
and CPU milliseconds of each pass and the check loss.
"""
import argparse
import json

import torch

from timing import timed


class CharNet(torch.nn.Module):
    """embedding -> gru/lstm (last state) -> linear; children named 0, 1, 2 as descent's state_dict names."""

    def __init__(self, cell, vocab, dim, units):
        super().__init__()
        rnn = torch.nn.GRU if cell == "gru" else torch.nn.LSTM
        self.add_module("0", torch.nn.Embedding(vocab, dim))
        self.add_module("1", rnn(dim, units, batch_first=True))
        self.add_module("2", torch.nn.Linear(units, vocab))

    def forward(self, x):
        emb, rnn, lin = self._modules["0"], self._modules["1"], self._modules["2"]
        out, _ = rnn(emb(x))
        return lin(out[:, -1, :])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cell", choices=["gru", "lstm"], default="gru")
    ap.add_argument("--rows", type=int, default=128)
    ap.add_argument("--steps", type=int, default=32)
    ap.add_argument("--units", type=int, default=128)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--vocab", type=int, default=82)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--step", action="store_true", help="add Adam's step to the backward pass")
    ap.add_argument("--init")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = CharNet(a.cell, a.vocab, a.dim, a.units)
    if a.init:
        from safetensors.torch import load_file
        model.load_state_dict(load_file(a.init))
    ids = torch.arange(a.rows * a.steps, dtype=torch.int64)
    x = ((ids * 7919) % a.vocab).view(a.rows, a.steps)
    y = (torch.arange(a.rows, dtype=torch.int64) * 31) % a.vocab
    loss_fn = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    with torch.no_grad():
        check = float(loss_fn(model(x), y))

    def forward():
        with torch.no_grad():
            model(x)

    def backward():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        if a.step:
            opt.step()

    fwd_ms, fwd_cpu = timed(forward, a.warmup, a.reps)
    # Without --step the parameters never move, so every timed pass computes the same gradient.
    bwd_ms, bwd_cpu = timed(backward, a.warmup, a.reps)
    print(json.dumps({
        "torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
        "threads": torch.get_num_threads(), "cell": a.cell, "rows": a.rows, "steps": a.steps, "units": a.units,
        "dim": a.dim, "vocab": a.vocab, "checkLoss": check, "forwardMs": fwd_ms, "forwardCpuMs": fwd_cpu,
        "backwardMs": bwd_ms, "backwardCpuMs": bwd_cpu, "step": a.step,
    }))


if __name__ == "__main__":
    main()
