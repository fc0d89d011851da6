#!/usr/bin/env python3
"""Golden values for normbench's norm conformance suite (NormGoldenTest).

Runs PyTorch's reference implementations (torch.nn.functional.batch_norm / group_norm / layer_norm)
in float64 on fixed, seeded inputs and writes them as JSON to
bench/src/test/resources/golden/norms.json. The Java test feeds the same inputs to normbench's
bn / gn / ln blocks and requires agreement to 1e-5 (float32) and 1e-9 (float64).

Regenerate (Debian: apt-get install python3-torch):
    /usr/bin/python3 bench/reference/golden_norms.py
The output depends only on the seed and on torch's float64 arithmetic, so any torch >= 1.10
reproduces it to ~1e-15; the committed file was made with Debian's python3-torch 1.13.1 (reports 1.13.0a0).
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "golden", "norms.json")


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


if __name__ == "__main__":
    main()
