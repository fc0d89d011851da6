#!/usr/bin/env python3
"""Golden values for normbench's norm conformance suite (NormGoldenTest, RunningBatchNormNotebookTest).

Runs PyTorch's reference implementations (torch.nn.functional.batch_norm / group_norm / layer_norm)
in float64 on fixed, seeded inputs and writes them as JSON to
bench/src/test/resources/golden/norms.json. The Java test feeds the same inputs to normbench's
bn / gn / ln blocks and requires agreement to 1e-5 (float32) and 1e-9 (float64).

For rbn it runs fast.ai course-v3 notebook 07's RunningBatchNorm (the version with debiasing, written
out below as the notebook has it) through a sequence of training steps and an eval step, and records
each step's output and the gradients of sum(out * dy) with respect to the input, mults and adds, in
bench/src/test/resources/golden/rbn_notebook.json.

Regenerate (Debian: apt-get install python3-torch):
    /usr/bin/python3 bench/reference/golden_norms.py
The output depends only on the seed and on torch's float64 arithmetic, so any torch >= 1.10
reproduces it to ~1e-15; the committed file was made with Debian's python3-torch 1.13.1 (reports 1.13.0a0).
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "golden")
OUT = os.path.join(GOLDEN, "norms.json")
RBN_OUT = os.path.join(GOLDEN, "rbn_notebook.json")


def tensor_input(gen, shape):
    # Per-channel offsets and scales so that a wrong reduction axis cannot pass by accident.
    c = shape[1]
    x = torch.randn(shape, generator=gen, dtype=torch.float64)
    scale = torch.rand(c, generator=gen, dtype=torch.float64) * 3 + 0.5
    shift = torch.randn(c, generator=gen, dtype=torch.float64) * 2
    view = [1, c] + [1] * (len(shape) - 2)
    return x * scale.view(view) + shift.view(view)


def affine(gen, c):
    w = torch.rand(c, generator=gen, dtype=torch.float64) + 0.5
    b = torch.randn(c, generator=gen, dtype=torch.float64) * 0.5
    return w, b


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def case(name, norm, options, x, w, b, train_out, extra=None):
    d = {
        "name": name,
        "norm": norm,
        "options": options,
        "shape": list(x.shape),
        "x": flat(x),
        "weight": flat(w),
        "bias": flat(b),
        "train_out": flat(train_out),
    }
    d.update(extra or {})
    return d


class NotebookRunningBatchNorm(torch.nn.Module):
    """fast.ai course-v3 part 2, 07_batchnorm.ipynb, RunningBatchNorm (sums/sqrs/count, dbias), float64."""

    def __init__(self, nf, mom=0.1, eps=1e-5):
        super().__init__()
        self.mom, self.eps = mom, eps
        self.mults = torch.nn.Parameter(torch.ones(nf, 1, 1, dtype=torch.float64))
        self.adds = torch.nn.Parameter(torch.zeros(nf, 1, 1, dtype=torch.float64))
        self.register_buffer("sums", torch.zeros(1, nf, 1, 1, dtype=torch.float64))
        self.register_buffer("sqrs", torch.zeros(1, nf, 1, 1, dtype=torch.float64))
        for n in ("batch", "count", "step", "dbias"):
            self.register_buffer(n, torch.tensor(0., dtype=torch.float64))

    def update_stats(self, x):
        bs, nc, *_ = x.shape
        self.sums.detach_()
        self.sqrs.detach_()
        dims = (0, 2, 3)
        s = x.sum(dims, keepdim=True)
        ss = (x * x).sum(dims, keepdim=True)
        c = self.count.new_tensor(x.numel() / nc)
        mom1 = self.dbias.new_tensor(1 - (1 - self.mom) / math.sqrt(bs - 1))
        self.sums.lerp_(s, mom1)
        self.sqrs.lerp_(ss, mom1)
        self.count.lerp_(c, mom1)
        self.dbias = self.dbias * (1 - mom1) + mom1
        self.batch += bs
        self.step += 1

    def forward(self, x):
        if self.training:
            self.update_stats(x)
        sums, sqrs, c = self.sums, self.sqrs, self.count
        if self.step < 100:
            sums = sums / self.dbias
            sqrs = sqrs / self.dbias
            c = c / self.dbias
        means = sums / c
        vars = (sqrs / c).sub_(means * means)
        if bool(self.batch < 20):
            vars.clamp_min_(0.01)
        x = (x - means).div_((vars.add_(self.eps)).sqrt())
        return x.mul_(self.mults).add_(self.adds)


def rbn_sequence(gen, name, shapes, quiet_channel):
    """Training steps on inputs of the given shapes, then one eval step on a batch of one."""
    c = shapes[0][1]
    m = NotebookRunningBatchNorm(c)
    w, b = affine(gen, c)
    with torch.no_grad():
        m.mults.copy_(w.view(c, 1, 1))
        m.adds.copy_(b.view(c, 1, 1))
    steps = []
    for i, shape in enumerate(shapes + [(1,) + tuple(shapes[0][1:])]):
        training = i < len(shapes)
        m.train(training)
        x = tensor_input(gen, shape)
        if quiet_channel:
            # Channel 0 nearly constant: its variance stays below 0.01, so the clamp binds while batch < 20.
            x[:, 0] = 0.5 + 0.01 * x[:, 0]
        x.requires_grad_(True)
        dy = torch.randn(shape, generator=gen, dtype=torch.float64)
        m.mults.grad = None
        m.adds.grad = None
        y = m(x)
        step = {"training": training, "shape": list(shape), "x": flat(x.detach()), "dy": flat(dy), "out": flat(y.detach())}
        if training:
            (y * dy).sum().backward()
            step.update(dx=flat(x.grad), dweight=flat(m.mults.grad), dbias=flat(m.adds.grad))
        steps.append(step)
    return {"name": name, "norm": "rbn", "options": {}, "weight": flat(w), "bias": flat(b), "steps": steps}


def main():
    gen = torch.Generator().manual_seed(20261125)
    cases = []

    # BatchNorm: training output, running stats after one step, eval output on other data.
    for name, shape, momentum, eps in [("bn_default", (4, 6, 3, 3), 0.1, 1e-5), ("bn_momentum_eps", (3, 5, 4, 2), 0.3, 1e-3)]:
        x = tensor_input(gen, shape)
        w, b = affine(gen, shape[1])
        rm = torch.zeros(shape[1], dtype=torch.float64)
        rv = torch.ones(shape[1], dtype=torch.float64)
        y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=momentum, eps=eps)
        x2 = tensor_input(gen, (2,) + tuple(shape[1:]))
        y2 = F.batch_norm(x2, rm, rv, w, b, training=False, momentum=momentum, eps=eps)
        opts = {} if (momentum, eps) == (0.1, 1e-5) else {"momentum": repr(momentum), "eps": repr(eps)}
        cases.append(case(name, "bn", opts, x, w, b, y, {
            "running_mean": flat(rm), "running_var": flat(rv),
            "eval_shape": list(x2.shape), "eval_x": flat(x2), "eval_out": flat(y2)}))

    # GroupNorm: every divisor of 6 channels, and a non-default eps.
    for groups, eps in [(1, 1e-5), (2, 1e-5), (3, 1e-5), (6, 1e-5), (2, 1e-2)]:
        x = tensor_input(gen, (3, 6, 4, 4))
        w, b = affine(gen, 6)
        y = F.group_norm(x, groups, w, b, eps=eps)
        opts = {"groups": str(groups)}
        if eps != 1e-5:
            opts["eps"] = repr(eps)
        cases.append(case("gn_g%d_eps%g" % (groups, eps), "gn", opts, x, w, b, y))

    # LayerNorm over (C, H, W) per sample with a per-channel affine (normbench's ln).
    for name, shape in [("ln", (3, 6, 4, 4)), ("ln_batch1", (1, 8, 3, 5))]:
        x = tensor_input(gen, shape)
        w, b = affine(gen, shape[1])
        y = F.layer_norm(x, shape[1:], eps=1e-5) * w.view(1, -1, 1, 1) + b.view(1, -1, 1, 1)
        cases.append(case(name, "ln", {}, x, w, b, y))

    doc = {
        "generator": "bench/reference/golden_norms.py",
        "torch_version": torch.__version__,
        "dtype": "float64",
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        # One case per line: small diffs when a case changes, still plain JSON.
        head = {k: v for k, v in doc.items() if k != "cases"}
        f.write(json.dumps(head)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")
    print("wrote %d cases to %s" % (len(cases), os.path.normpath(OUT)), file=sys.stderr)

    # RunningBatchNorm, its own generator so that adding these cases leaves norms.json unchanged.
    gen = torch.Generator().manual_seed(7)
    rbn = [rbn_sequence(gen, "rbn_batch2_clamped", [(2, 3, 2, 2), (2, 3, 2, 2), (4, 3, 2, 2)], True),
           rbn_sequence(gen, "rbn_batch2_unclamped", [(2, 4, 3, 3)] * 11 + [(8, 4, 3, 3)], False)]
    with open(RBN_OUT, "w") as f:
        f.write(json.dumps({"generator": "bench/reference/golden_norms.py", "torch_version": torch.__version__,
                            "dtype": "float64", "cases": rbn}) + "\n")
    print("wrote %d rbn cases to %s" % (len(rbn), os.path.normpath(RBN_OUT)), file=sys.stderr)


if __name__ == "__main__":
    main()
