#!/usr/bin/env python3
"""PyTorch CPU peer of bench/gpt.bench.ts: the character GPT descent's gpt() builds, trained on the same windows
in the same order.

The model is nanoGPT's stack written with torch.nn modules whose state_dict names are those descent's
toSafetensors() gives its gpt() network (so a descent initialization loads with strict names, and the parameter
count is checked by that load): token embedding (0), learned positions (1), per block a pre-LN residual attention
branch (LayerNorm, nn.MultiheadAttention(d, heads, batch_first=True) with a causal boolean mask) and a pre-LN
residual MLP branch (LayerNorm, Linear 4d, GELU(approximate='tanh'), Linear d), a final LayerNorm and a Linear
head with bias (no weight tying). Dropout 0. Initialization GPT-2's (nanoGPT's _init_weights): every weight
N(0, 0.02) (embeddings, positions, in_proj, linears, head), biases 0, layer norms 1 and 0, and the two residual
projections of each block (out_proj and the MLP's second Linear) N(0, 0.02/sqrt(2*blocks)), drawn after
torch.manual_seed(seed).

Data (written by the bench, read here): --ids, the int32 token ids of the whole text; --starts, int32 window
starts, steps*batch of them, the rows of step i being starts[i*batch:(i+1)*batch]; a row is ids[s:s+T] with the
next id at each position as its targets (ids[s+1:s+T+1]). Validation: the non-overlapping windows ids[v:v+T],
v = cut, cut+T, ... while v+T+1 <= len(ids), their loss the mean cross-entropy over every position of every window.

Training: torch.optim.AdamW(model.parameters(), lr, betas, weight_decay) (decay on every parameter, as descent's
adamw), one step per batch, the loss as F.cross_entropy over the rows*T positions.

With --init FILE (a descent safetensors file) the model starts from those parameters instead of its own draws.

Prints one JSON object: torch version, CPU capability, threads, seed, parameter count, the wall and CPU
milliseconds of every step, their medians after --warmup steps, the training loss of every step, and the
validation loss at step 0, every --eval-every steps and at the end.
"""
import argparse
import json
import math
import statistics
import time

import torch
from torch import nn
import torch.nn.functional as F


class Positions(nn.Module):
    """A learned [T, d] table added to every row (GPT-2's wpe, indexed by position)."""

    def __init__(self, T, d):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(T, d))

    def forward(self, x):
        return x + self.weight


class Residual(nn.Module):
    """x + layers(x): a pre-LN branch of a transformer block."""

    def __init__(self, *layers):
        super().__init__()
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.layers(x)


class CausalSelfAttention(nn.MultiheadAttention):
    """nn.MultiheadAttention called as attn(x, x, x) with position t attending to positions <= t."""

    def __init__(self, d, heads, T):
        super().__init__(d, heads, batch_first=True)
        self.register_buffer("mask", torch.triu(torch.ones(T, T, dtype=torch.bool), 1), persistent=False)

    def forward(self, x):
        return super().forward(x, x, x, attn_mask=self.mask, need_weights=False, is_causal=True)[0]


def make_gpt(vocab, T, d, heads, blocks):
    layers = [nn.Embedding(vocab, d), Positions(T, d)]
    for _ in range(blocks):
        layers.append(Residual(nn.LayerNorm(d), CausalSelfAttention(d, heads, T)))
        layers.append(Residual(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.GELU(approximate="tanh"), nn.Linear(4 * d, d)))
    layers += [nn.LayerNorm(d), nn.Linear(d, vocab)]
    return nn.Sequential(*layers)


def gpt2_init(model, blocks):
    std, proj = 0.02, 0.02 / math.sqrt(2 * blocks)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Embedding, Positions)):
                m.weight.normal_(0.0, std)
            elif isinstance(m, CausalSelfAttention):
                m.in_proj_weight.normal_(0.0, std)
                m.in_proj_bias.zero_()
                m.out_proj.weight.normal_(0.0, proj)
                m.out_proj.bias.zero_()
            elif isinstance(m, Residual) and isinstance(m.layers[1], nn.Linear):
                m.layers[1].weight.normal_(0.0, std)
                m.layers[1].bias.zero_()
                m.layers[3].weight.normal_(0.0, proj)
                m.layers[3].bias.zero_()
        model[-1].weight.normal_(0.0, std)
        model[-1].bias.zero_()


def read_i32(path):
    return torch.frombuffer(bytearray(open(path, "rb").read()), dtype=torch.int32).to(torch.int64)


def windows(ids, starts, T):
    idx = starts[:, None] + torch.arange(T)[None, :]
    return ids[idx], ids[idx + 1]


def val_loss(model, xv, yv, vocab, chunk=256):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for s in range(0, xv.shape[0], chunk):
            logits = model(xv[s:s + chunk])
            total += F.cross_entropy(logits.reshape(-1, vocab), yv[s:s + chunk].reshape(-1), reduction="sum").item()
    model.train()
    return total / yv.numel()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ids", required=True)
    ap.add_argument("--starts", required=True)
    ap.add_argument("--cut", type=int, required=True, help="first id of the validation text")
    ap.add_argument("--vocab", type=int, required=True)
    ap.add_argument("--context", type=int, default=32)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--blocks", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--beta1", type=float, default=0.9)
    ap.add_argument("--beta2", type=float, default=0.95)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--eval-every", type=int, default=250, help="0: validation at step 0 and at the end only")
    ap.add_argument("--no-eval", action="store_true", help="no validation at all (timing runs)")
    ap.add_argument("--warmup", type=int, default=10, help="steps left out of the medians")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--init", help="a descent safetensors file to start from (strict state_dict names)")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    T, V = a.context, a.vocab
    ids = read_i32(a.ids)
    starts = read_i32(a.starts)
    if starts.numel() < a.steps * a.batch:
        raise SystemExit(f"{a.starts}: {starts.numel()} starts, {a.steps * a.batch} needed")
    xt, yt = windows(ids, starts[:a.steps * a.batch], T)
    nval = (ids.numel() - a.cut - T - 1) // T + 1
    xv, yv = windows(ids, a.cut + T * torch.arange(nval), T)

    model = make_gpt(V, T, a.dim, a.heads, a.blocks)
    if a.init:
        from safetensors.torch import load_file
        model.load_state_dict(load_file(a.init), strict=True)
    else:
        gpt2_init(model, a.blocks)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(a.beta1, a.beta2), weight_decay=a.weight_decay)

    evals = []
    if not a.no_eval:
        evals.append({"step": 0, "valLoss": val_loss(model, xv, yv, V)})
    wall, cpu, losses = [], [], []
    train_ms = 0.0
    for i in range(a.steps):
        xb, yb = xt[i * a.batch:(i + 1) * a.batch], yt[i * a.batch:(i + 1) * a.batch]
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb).reshape(-1, V), yb.reshape(-1))
        loss.backward()
        opt.step()
        lv = loss.item()
        dt = (time.perf_counter() - t0) * 1e3
        wall.append(dt)
        cpu.append((time.process_time() - c0) * 1e3)
        train_ms += dt
        losses.append(lv)
        step = i + 1
        if not a.no_eval and ((a.eval_every > 0 and step % a.eval_every == 0) or step == a.steps):
            if evals[-1]["step"] != step:
                evals.append({"step": step, "valLoss": val_loss(model, xv, yv, V)})
    for e in evals:
        e["valPerplexity"] = math.exp(e["valLoss"])
    timed = wall[a.warmup:] or wall
    timed_cpu = cpu[a.warmup:] or cpu
    print(json.dumps({
        "torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability(),
        "threads": torch.get_num_threads(), "seed": a.seed, "init": "descent" if a.init else "gpt2",
        "params": sum(p.numel() for p in model.parameters()), "steps": a.steps, "batch": a.batch,
        "validationWindows": nval, "warmup": a.warmup,
        "medianMs": statistics.median(timed), "medianCpuMs": statistics.median(timed_cpu), "trainMs": train_ms,
        "stepMs": wall, "losses": losses, "evals": evals,
    }))


if __name__ == "__main__":
    main()
