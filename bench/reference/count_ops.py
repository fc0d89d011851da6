#!/usr/bin/env python3
"""Native ops per training step: DJL (from libtorch profiler traces) vs PyTorch eager (torch.profiler).

Counts the aten ops one training step dispatches - input, forward, loss, backward, optimizer, the loss
read - on CIFAR ResNet18 (the model of pytorch_resnet18.py, here with bn, gn, ln and rbn), in two
columns per side:
  top-level  aten events not nested in another aten event on the same thread (what the caller, Java or
             Python, dispatched itself; each is at least one kernel launch or host sync on a GPU)
  all        every aten event, nested ones included
The count is the same on CPU and GPU, so it is measured without one. One function counts both sides'
chrome traces, so the rule is the same for both.

PyTorch eager runs twice per norm: torch.optim.SGD per parameter (foreach=False) and foreach=True
(PyTorch's default on CUDA). Both zero gradients with set_to_none=True and read the loss with .item()
every step, as normbench's loop does; the input and label tensors are made once (no per-step copy).

  python3 bench/reference/count_ops.py --djl-traces /tmp/ops --norms bn,gn,ln,rbn --batch 8
  (make bench-ops writes the DJL traces first; see bench/reference/bench-ops.sh)
"""
import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_resnet18 import build_model  # noqa: E402


def count_trace(path, steps):
    """(top-level, all) aten events per step in a chrome trace of `steps` whole training steps."""
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = {}
    for e in events:
        if e.get("ph") == "X" and str(e.get("name", "")).startswith("aten::"):
            by_thread.setdefault((e.get("pid"), e.get("tid")), []).append((float(e["ts"]), float(e["dur"]), e["name"]))
    top, total, names = 0, 0, {}
    for evs in by_thread.values():
        evs.sort(key=lambda t: (t[0], -t[1]))
        open_until = -math.inf
        for ts, dur, name in evs:
            total += 1
            if ts >= open_until:  # not inside the last top-level aten event of this thread
                top += 1
                names[name] = names.get(name, 0) + 1
                open_until = ts + dur
    return top / steps, total / steps, {k: v / steps for k, v in names.items()}


def running_batch_norm(torch):
    """RunningBatchNorm of fast.ai course-v3 notebook 07 (shared REFERENCE.md): running sums, sums of
    squares and count interpolated with mom1 = 1 - (1 - mom) / sqrt(bs - 1), debiased while step < 100,
    variance clamped to >= 0.01 while fewer than 20 samples were seen, per-channel affine. Like normbench,
    the scalars (count, dbias, batch, step) depend only on shapes and stay on the host."""
    nn = torch.nn

    class RunningBatchNorm(nn.Module):
        def __init__(self, nf, mom=0.1, eps=1e-5):
            super().__init__()
            self.mom, self.eps = mom, eps
            self.mults = nn.Parameter(torch.ones(nf, 1, 1))
            self.adds = nn.Parameter(torch.zeros(nf, 1, 1))
            self.register_buffer("sums", torch.zeros(1, nf, 1, 1))
            self.register_buffer("sqrs", torch.zeros(1, nf, 1, 1))
            self.count, self.dbias, self.batch, self.step = 0.0, 0.0, 0, 0

        def update_stats(self, x):
            bs, nc = x.shape[0], x.shape[1]
            self.sums.detach_()
            self.sqrs.detach_()
            dims = (0, 2, 3)
            s = x.sum(dims, keepdim=True)
            ss = (x * x).sum(dims, keepdim=True)
            c = x.numel() / nc
            mom1 = 1 - (1 - self.mom) / math.sqrt(bs - 1)
            self.sums = torch.lerp(self.sums, s, mom1)
            self.sqrs = torch.lerp(self.sqrs, ss, mom1)
            self.count = self.count * (1 - mom1) + c * mom1
            self.dbias = self.dbias * (1 - mom1) + mom1
            self.batch += bs
            self.step += 1

        def forward(self, x):
            if self.training:
                self.update_stats(x)
            sums, sqrs, c = self.sums, self.sqrs, self.count
            if self.step < 100:
                sums, sqrs, c = sums / self.dbias, sqrs / self.dbias, c / self.dbias
            means = sums / c
            var = (sqrs / c).sub_(means * means)
            if self.batch < 20:
                var.clamp_min_(0.01)
            x = (x - means).div_(var.add_(self.eps).sqrt())
            return x.mul_(self.mults).add_(self.adds)

    return RunningBatchNorm


def profile_pytorch(torch, norm, batch, width, foreach, warmup, steps, trace):
    torch.manual_seed(0)
    model = build_model(torch, norm, "relu", width, rbn=running_batch_norm(torch)).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4, foreach=foreach)
    x = torch.randn(batch, 3, 32, 32)
    y = torch.randint(0, 10, (batch,))
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    prof.export_chrome_trace(trace)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--djl-traces", required=True, help="folder with DJL traces <norm>-bs<batch>.json (3 steps each)")
    p.add_argument("--norms", default="bn,gn,ln,rbn")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--steps", type=int, default=3, help="profiled steps per trace, both sides (default 3)")
    p.add_argument("--warmup", type=int, default=3, help="PyTorch steps before profiling (default 3)")
    p.add_argument("--top", type=int, default=0, help="also list the N most frequent top-level DJL ops per norm")
    args = p.parse_args()
    import torch
    torch.set_num_threads(1)
    rows = []
    for norm in args.norms.split(","):
        djl_trace = os.path.join(args.djl_traces, "%s-bs%d.json" % (norm, args.batch))
        djl = count_trace(djl_trace, args.steps)
        ref = {}
        for foreach in (False, True):
            trace = os.path.join(args.djl_traces, "pytorch-%s-bs%d-%s.json" % (norm, args.batch,
                                                                               "foreach" if foreach else "per-param"))
            profile_pytorch(torch, norm, args.batch, args.width, foreach, args.warmup, args.steps, trace)
            ref[foreach] = count_trace(trace, args.steps)
        rows.append((norm, djl, ref[False], ref[True]))
    print("aten ops per training step, CIFAR ResNet18 width %g, batch %d, CPU; DJL vs PyTorch eager %s"
          % (args.width, args.batch, torch.__version__))
    print()
    print("| norm | DJL top-level | PyTorch SGD top-level | PyTorch foreach top-level | DJL / SGD | DJL / foreach"
          " | DJL all | PyTorch SGD all | PyTorch foreach all |")
    print("|---|---|---|---|---|---|---|---|---|")
    for norm, djl, sgd, fe in rows:
        print("| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.0f | %.0f | %.0f |" % (
            norm, djl[0], sgd[0], fe[0], djl[0] / sgd[0], djl[0] / fe[0], djl[1], sgd[1], fe[1]))
    if args.top:
        for norm, djl, sgd, fe in rows:
            common = sorted(djl[2].items(), key=lambda kv: -kv[1])[:args.top]
            print()
            print("%s, most frequent top-level ops per step (DJL / PyTorch SGD / foreach): %s" % (norm, ", ".join(
                "%s %.0f/%.0f/%.0f" % (k[len("aten::"):], v, sgd[2].get(k, 0), fe[2].get(k, 0)) for k, v in common)))


if __name__ == "__main__":
    main()
