#!/usr/bin/env python3
"""Native ops per training step: DJL (from libtorch profiler traces) vs PyTorch eager (torch.profiler).

Counts the aten ops one training step dispatches - input, forward, loss, backward, optimizer, the loss
read - on CIFAR ResNet18 (the model of pytorch_resnet18.py, here with bn, gn, ln and rbn), three ways
per side:
  top-level  aten events not nested in another aten event on the same thread (what the caller, Java or
             Python, or autograd's engine dispatched itself; each costs a trip through the dispatcher).
             This is the count issue 14's target ("at most 1.1x PyTorch eager") is about.
  work       top-level ops less the metadata-only ones (METADATA_ONLY below: views and aliases, which
             only make a new tensor header on the host and launch nothing on a GPU). What is left is a
             kernel launch, an allocation or a host sync on a GPU.
  all        every aten event, nested ones included
The count is the same on CPU and GPU, so it is measured without one. One function counts both sides'
chrome traces, so the rules are the same for both.

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


# Ops whose result is a view or alias of their input (PyTorch's "view ops", docs/tensor_view, plus
# the autograd detach): they make a tensor header on the host, touch no data and launch no kernel on a
# GPU. reshape, flatten, contiguous and to are views only when they need no copy; a copy shows as a
# nested op outside this set (clone, _to_copy, copy_), and then the op counts as work. Kept in one place
# so both sides are counted by the same rule.
METADATA_ONLY = frozenset("aten::" + name for name in (
    "alias", "as_strided", "chunk", "contiguous", "detach", "detach_", "diagonal", "expand",
    "expand_as", "flatten", "movedim", "narrow", "permute", "_reshape_alias", "reshape", "reshape_as",
    "select", "slice", "split", "split_with_sizes", "squeeze", "swapaxes", "t", "to", "transpose",
    "unbind", "unflatten", "unfold", "unsqueeze", "_unsafe_view", "view", "view_as", "view_as_real",
    "view_as_complex",
))


def count_trace(path, steps):
    """Per step in a chrome trace of `steps` whole training steps: (top-level, work, all) aten events,
    and the top-level events by name. work = top-level events that are not METADATA_ONLY (an event
    counts as metadata-only when it and every aten event nested in it are in METADATA_ONLY)."""
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = {}
    for e in events:
        if e.get("ph") == "X" and str(e.get("name", "")).startswith("aten::"):
            by_thread.setdefault((e.get("pid"), e.get("tid")), []).append((float(e["ts"]), float(e["dur"]), e["name"]))
    top, work, total, names = 0, 0, 0, {}
    for evs in by_thread.values():
        evs.sort(key=lambda t: (t[0], -t[1]))
        open_until = -math.inf
        current = None  # [name, metadata-only so far] of the open top-level event
        for ts, dur, name in evs:
            total += 1
            if ts >= open_until:  # not inside the last top-level aten event of this thread
                if current is not None and not current[1]:
                    work += 1
                top += 1
                names[name] = names.get(name, 0) + 1
                open_until = ts + dur
                current = [name, name in METADATA_ONLY]
            elif name not in METADATA_ONLY:
                current[1] = False
        if current is not None and not current[1]:
            work += 1
    return top / steps, work / steps, total / steps, {k: v / steps for k, v in names.items()}


def self_test():
    """Checks count_trace's rules on a hand-made trace (no torch needed): an alias and a view are
    metadata-only, a reshape that copies and a convolution are work, nesting is not counted twice."""
    import tempfile
    events = [
        ("aten::detach", 0, 1), ("detach", 0.2, 0.5),  # alias (its inner record is not an aten event)
        ("aten::reshape", 2, 3), ("aten::view", 2.5, 1),  # a view
        ("aten::reshape", 6, 3), ("aten::clone", 6.5, 1), ("aten::_unsafe_view", 8, 0.5),  # a copy
        ("aten::conv2d", 10, 5), ("aten::convolution", 10.5, 4),
        ("aten::to", 16, 1),  # to the same type and device: an alias
    ]
    trace = {"traceEvents": [{"ph": "X", "name": n, "ts": ts, "dur": dur, "pid": 1, "tid": 1}
                             for n, ts, dur in events]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(trace, f)
    try:
        top, work, total, names = count_trace(f.name, 1)
    finally:
        os.unlink(f.name)
    expected = (5, 2, 9, {"aten::detach": 1, "aten::reshape": 2, "aten::conv2d": 1, "aten::to": 1})
    if (top, work, total, names) != expected:
        sys.exit("count_ops.py self-test failed: got %r, expected %r" % ((top, work, total, names), expected))
    print("count_ops.py self-test: ok")


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
    p.add_argument("--djl-traces", help="folder with DJL traces <norm>-bs<batch>.json (3 steps each)")
    p.add_argument("--self-test", action="store_true", help="check the counting rules on a made-up trace and exit")
    p.add_argument("--norms", default="bn,gn,ln,rbn")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--steps", type=int, default=3, help="profiled steps per trace, both sides (default 3)")
    p.add_argument("--warmup", type=int, default=3, help="PyTorch steps before profiling (default 3)")
    p.add_argument("--top", type=int, default=0, help="also list the N most frequent top-level DJL ops per norm")
    args = p.parse_args()
    if args.self_test:
        self_test()
        return
    if not args.djl_traces:
        p.error("--djl-traces is required")
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
    print("Top-level ops (issue 14's count):")
    print()
    print("| norm | DJL top-level | PyTorch SGD top-level | PyTorch foreach top-level | DJL / SGD | DJL / foreach"
          " | DJL all | PyTorch SGD all | PyTorch foreach all |")
    print("|---|---|---|---|---|---|---|---|---|")
    for norm, djl, sgd, fe in rows:
        print("| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.0f | %.0f | %.0f |" % (
            norm, djl[0], sgd[0], fe[0], djl[0] / sgd[0], djl[0] / fe[0], djl[2], sgd[2], fe[2]))
    print()
    print("Top-level ops that launch work (less views and aliases, METADATA_ONLY in count_ops.py):")
    print()
    print("| norm | DJL work | PyTorch SGD work | PyTorch foreach work | DJL / SGD | DJL / foreach |")
    print("|---|---|---|---|---|---|")
    for norm, djl, sgd, fe in rows:
        print("| %s | %.0f | %.0f | %.0f | %.2f | %.2f |" % (
            norm, djl[1], sgd[1], fe[1], djl[1] / sgd[1], djl[1] / fe[1]))
    if args.top:
        for norm, djl, sgd, fe in rows:
            common = sorted(djl[3].items(), key=lambda kv: -kv[1])[:args.top]
            print()
            print("%s, most frequent top-level ops per step (DJL / PyTorch SGD / foreach): %s" % (norm, ", ".join(
                "%s %.0f/%.0f/%.0f" % (k[len("aten::"):], v, sgd[3].get(k, 0), fe[3].get(k, 0)) for k, v in common)))


if __name__ == "__main__":
    main()
