#!/usr/bin/env python3
"""PyTorch CPU, one thread, as a reference for bench/network.bench.ts and bench/cnn.bench.ts: the epochs
descent times.

--arch mlp: 784-128-10 (nn.Linear, ReLU, nn.Linear); --arch cnn: the issue's small CNN on [1, 28, 28]
(Conv2d 8 3x3, ReLU, MaxPool2d 2, Conv2d 16 3x3, ReLU, MaxPool2d 2, Flatten, Linear 400-10).
nn.CrossEntropyLoss on the logits (mean over the batch),
torch.optim.Adam(lr), batches of `--batch` rows drawn by torch.randperm each epoch (what a careful user
writes: no DataLoader, one index_select per batch), the loss read back per batch as descent's train()
reports the epoch's mean loss. Data: MNIST-10k from data/mnist.u8.gz (format in data/README.md: a 16-byte
header, then 784 pixel bytes and one label byte per row), pixels / 255, the every-5th split's training
rows (index % 5 != 0, 8,000 rows).

Prints one JSON object on stdout: torch version and CPU capability, threads, rows, the wall and CPU
milliseconds of each timed epoch and their medians.

With --init FILE --out FILE it first trains one epoch with shuffling off from the parameters in FILE
(float32 little-endian, descent's layout: every weight matrix layer after layer as units x inputs, then
every bias; convolution kernels as filters x channels x k x k) over the first --check-rows rows, and writes the parameters after it to --out (same layout);
the JSON then carries that epoch's mean loss, for the bench's equality check against descent's js backend.
"""
import argparse
import gzip
import json
import statistics
import sys
import time

import torch


def load_mnist(path):
    raw = gzip.open(path, "rb").read()
    if raw[:8] != b"MNIST-U8":
        sys.exit(f"{path}: not an MNIST-U8 file")
    rows = int.from_bytes(raw[8:12], "little")
    feats = raw[12] * raw[13] * raw[14]
    rec = feats + 1
    body = torch.frombuffer(bytearray(raw[16:16 + rows * rec]), dtype=torch.uint8).view(rows, rec)
    X = body[:, :feats].to(torch.float32) / 255.0
    y = body[:, feats].to(torch.int64)
    train = torch.arange(rows) % 5 != 0
    return X[train].contiguous(), y[train].contiguous()


def make_cnn():
    nn = torch.nn
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10),
    )


def make_model(sizes):
    layers = []
    for i in range(1, len(sizes)):
        layers.append(torch.nn.Linear(sizes[i - 1], sizes[i]))
        if i < len(sizes) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def linears(model):
    """The layers with parameters, in order (descent's layout: all their weights, then all their biases)."""
    return [m for m in model if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]


def set_flat(model, flat):
    off = 0
    with torch.no_grad():
        for lin in linears(model):
            n = lin.weight.numel()
            lin.weight.copy_(flat[off:off + n].view_as(lin.weight))
            off += n
        for lin in linears(model):
            n = lin.bias.numel()
            lin.bias.copy_(flat[off:off + n])
            off += n


def get_flat(model):
    ls = linears(model)
    return torch.cat([lin.weight.detach().reshape(-1) for lin in ls] + [lin.bias.detach() for lin in ls])


def epoch(model, opt, loss_fn, X, y, batch, shuffle):
    n = X.shape[0]
    order = torch.randperm(n) if shuffle else torch.arange(n)
    total = 0.0
    for s in range(0, n, batch):
        idx = order[s:s + batch]
        xb = X.index_select(0, idx)
        yb = y.index_select(0, idx)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * idx.shape[0]
    return total / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/mnist.u8.gz")
    ap.add_argument("--arch", choices=["mlp", "cnn"], default="mlp")
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--epochs", type=int, default=10, help="timed epochs (after one warm-up epoch)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init")
    ap.add_argument("--out")
    ap.add_argument("--check-rows", type=int, default=0, help="rows of the check epoch (0: all)")
    ap.add_argument("--standardize", action="store_true",
                    help="each pixel column minus its mean over the training rows, over its std (1 where 0), as descent's train()")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    X, y = load_mnist(a.data)
    if a.standardize:
        std = X.std(0, unbiased=False)
        X = ((X - X.mean(0)) / torch.where(std > 0, std, torch.ones_like(std))).contiguous()
    sizes = [X.shape[1], a.hidden, 10]
    make = make_cnn if a.arch == "cnn" else (lambda: make_model(sizes))
    loss_fn = torch.nn.CrossEntropyLoss()
    out = {
        "torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
        "threads": torch.get_num_threads(), "rows": X.shape[0], "batch": a.batch, "arch": a.arch,
        "sizes": sizes if a.arch == "mlp" else None,
    }

    if a.init:
        flat = torch.frombuffer(bytearray(open(a.init, "rb").read()), dtype=torch.float32)
        model = make()
        set_flat(model, flat)
        opt = torch.optim.Adam(model.parameters(), lr=a.lr)
        rows = a.check_rows or X.shape[0]
        out["checkLoss"] = epoch(model, opt, loss_fn, X[:rows], y[:rows], a.batch, False)
        out["checkRows"] = rows
        if a.out:
            with open(a.out, "wb") as f:
                f.write(bytes(get_flat(model).contiguous().untyped_storage()))  # float32, little-endian on x86

    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    epoch(model, opt, loss_fn, X, y, a.batch, True)  # warm-up
    wall, cpu, losses = [], [], []
    for _ in range(a.epochs):
        t0, c0 = time.perf_counter(), time.process_time()
        losses.append(epoch(model, opt, loss_fn, X, y, a.batch, True))
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    out.update({
        "wallMs": wall, "cpuMs": cpu, "medianMs": statistics.median(wall), "medianCpuMs": statistics.median(cpu),
        "losses": losses,
    })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
