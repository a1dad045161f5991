#!/usr/bin/env python3
"""PyTorch CPU, one thread: the test accuracy of bench/mnist-accuracy.bench.ts's recipe, as the reference descent's
figure is compared to.

Reads the rows the bench wrote (--data FILE): the 8 bytes b"DACC-U8\\0", the training and test row counts and the
features (three little-endian uint32), then the training pixels (rows x features bytes), their labels (one byte
each), the test pixels and their labels. Pixels are byte / 255, not standardized (as the bench trains descent).

--arch mlp: 784-128-10 (nn.Linear, ReLU, nn.Linear); --arch cnn: Conv2d 8 3x3, ReLU, MaxPool2d 2, Conv2d 16 3x3,
ReLU, MaxPool2d 2, Flatten, Linear 400-10 on [1, 28, 28]. PyTorch's default initialization after
torch.manual_seed(--seed), nn.CrossEntropyLoss on the logits, torch.optim.Adam(--lr), batches of --batch rows drawn
by torch.randperm each epoch (the last one short), --epochs epochs, the test accuracy after each.

Prints one JSON object on stdout: torch version, threads, the epochs' mean training losses and test accuracies,
and the training time in seconds.
"""
import argparse
import json
import struct
import time

import torch


def load(path):
    raw = open(path, "rb").read()
    if raw[:8] != b"DACC-U8\0":
        raise SystemExit(f"{path}: not a DACC-U8 file")
    n_train, n_test, feats = struct.unpack_from("<3I", raw, 8)
    buf = torch.frombuffer(bytearray(raw[20:]), dtype=torch.uint8)
    off = 0

    def take(n):
        nonlocal off
        t = buf[off:off + n]
        off += n
        return t

    x_train = take(n_train * feats).view(n_train, feats).to(torch.float32) / 255.0
    y_train = take(n_train).to(torch.int64)
    x_test = take(n_test * feats).view(n_test, feats).to(torch.float32) / 255.0
    y_test = take(n_test).to(torch.int64)
    if off != buf.numel():
        raise SystemExit(f"{path}: {buf.numel() - off} bytes left over")
    return x_train, y_train, x_test, y_test


def make(arch, features):
    nn = torch.nn
    if arch == "mlp":
        return nn.Sequential(nn.Linear(features, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 10),
    )


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        right = sum(int((model(x[s:s + 1000]).argmax(1) == y[s:s + 1000]).sum()) for s in range(0, x.shape[0], 1000))
    model.train()
    return right / x.shape[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--arch", choices=["mlp", "cnn"], required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    x, y, xt, yt = load(a.data)
    model = make(a.arch, x.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses, accs = [], []
    t0 = time.perf_counter()
    for _ in range(a.epochs):
        order = torch.randperm(x.shape[0])
        total = 0.0
        for s in range(0, x.shape[0], a.batch):
            idx = order[s:s + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x.index_select(0, idx)), y.index_select(0, idx))
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        losses.append(total / x.shape[0])
        accs.append(accuracy(model, xt, yt))
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "seed": a.seed,
        "trainRows": x.shape[0], "testRows": xt.shape[0], "losses": losses, "accuracy": accs,
        "seconds": time.perf_counter() - t0,
    }))


if __name__ == "__main__":
    main()
