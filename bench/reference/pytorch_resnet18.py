#!/usr/bin/env python3
"""PyTorch-eager anchor for normbench throughput cells.

Times the same training step as normbench's `throughput` cells - CIFAR ResNet18 (3x3 stem, no max-pool,
BasicBlocks 2-2-2-2, widths 64/128/256/512 x width), SGD momentum 0.9 + weight decay 5e-4, cross-entropy,
fixed random data - in plain PyTorch eager with torch.nn.BatchNorm2d / torch.nn.GroupNorm, and writes the
results as normbench cell directories (docs/results-format.md, implementation=pytorch-eager) so the report
and `make bench-compare` read them next to the DJL cells.

Runs with Debian's python3-torch (1.13, CPU) and any recent PyTorch (CPU or CUDA). Not on the path of
`make bench` or `make report`: it is a reference, nothing more.

  python3 bench/reference/pytorch_resnet18.py --out reports/runs/compare-x --norms bn,gn --batch-sizes 2,8,32,128
  python3 bench/reference/pytorch_resnet18.py --summarize reports/runs/compare-x
"""
import argparse
import csv
import datetime
import os
import statistics
import sys
import tempfile
import time

CELL_COLUMNS = ["cell_id", "kind", "norm", "norm_options", "activation", "activation_options", "batch_size",
                "device", "seed", "width", "dataset", "implementation", "status", "error", "params", "epochs",
                "steps", "final_train_loss", "test_loss", "test_accuracy", "train_seconds", "images_per_second",
                "step_ms_median", "step_ms_p90", "peak_memory_bytes", "lr", "started_at", "finished_at",
                "cpu_share", "contended", "lr_protocol", "model"]
# normbench's results format (docs/results-format.md); ReferenceScriptColumnsTest holds these lists to it.
OTHER_TABLES = {
    "curves.csv": ["cell_id", "step", "epoch", "train_loss", "lr", "val_loss", "val_accuracy"],
    "activations.csv": ["cell_id", "step", "layer", "layer_index", "mean", "std", "min", "max",
                        "frac_nonpositive", "dead_channel_frac", "zero_frac", "near_zero_frac",
                        "dead_channel_frac_window"],
    "histograms.csv": ["cell_id", "step", "layer", "bin", "lower", "upper", "count"],
}


def build_model(torch, norm, act, width, classes=10, groups=32, rbn=None):
    """CIFAR ResNet18 with norm bn, gn, ln (GroupNorm with one group: normbench's LayerNorm over C, H, W
    with a per-channel affine) or rbn (the RunningBatchNorm class `rbn`, see count_ops.py)."""
    nn = torch.nn

    def make_norm(c):
        if norm == "bn":
            return nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)
        if norm == "gn":
            g = min(groups, c)
            while c % g:
                g -= 1
            return nn.GroupNorm(g, c, eps=1e-5)
        if norm == "ln":
            return nn.GroupNorm(1, c, eps=1e-5)
        if norm == "rbn" and rbn is not None:
            return rbn(c)
        raise SystemExit("pytorch_resnet18.py: --norms allows bn, gn, ln, rbn (got %r)" % norm)

    def make_act():
        return nn.ReLU(inplace=False) if act == "relu" else nn.LeakyReLU(0.01)

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.n1 = make_norm(cout)
            self.a1 = make_act()
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.n2 = make_norm(cout)
            self.short = None
            if stride != 1 or cin != cout:
                self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), make_norm(cout))
            self.a2 = make_act()

        def forward(self, x):
            y = self.n2(self.conv2(self.a1(self.n1(self.conv1(x)))))
            return self.a2(y + (x if self.short is None else self.short(x)))

    widths = [max(1, int(round(w * width))) for w in (64, 128, 256, 512)]
    layers = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), make_norm(widths[0]), make_act()]
    cin = widths[0]
    for i, w in enumerate(widths):
        for b in range(2):
            layers.append(BasicBlock(cin, w, 2 if (i > 0 and b == 0) else 1))
            cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    model = nn.Sequential(*layers)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    return model


def peak_rss_bytes():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return ""


def scheduler_ns():
    """(CPU time, time waiting runnable for a CPU) of this process's threads, in ns, from
    /proc/self/task/*/schedstat (Linux); None elsewhere. normbench's cpu_share comes from the same."""
    run = wait = 0
    try:
        for task in os.listdir("/proc/self/task"):
            try:
                with open("/proc/self/task/%s/schedstat" % task) as f:
                    fields = f.read().split()
                run += int(fields[0])
                wait += int(fields[1])
            except OSError:
                pass  # a thread that ended meanwhile
    except OSError:
        return None
    return run, wait


def reference_rbn(torch):
    """The PyTorch RunningBatchNorm of fast.ai's notebook 07 that make bench-ops counts (count_ops.py, next
    to this script): PyTorch eager's rbn, to time against normbench's."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from count_ops import running_batch_norm
    return running_batch_norm(torch)


def time_cell(torch, norm, act, bs, width, device, warmup, steps, seed, lr):
    torch.manual_seed(seed)
    dev = torch.device(device)
    model = build_model(torch, norm, act, width, rbn=reference_rbn(torch)).to(dev).train()
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(bs, 3, 32, 32, device=dev)
    y = torch.randint(0, 10, (bs,), device=dev)
    loss_fn = torch.nn.CrossEntropyLoss()
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats(dev)
    times = []
    loss = None
    sched = None
    for i in range(warmup + steps):
        if i == warmup:
            sched = scheduler_ns()
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss_value = loss.item()  # the same host sync normbench's loop makes each step
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000.0)
    end = scheduler_ns()
    cpu_share = ""
    if sched is not None and end is not None and (end[0] - sched[0]) + (end[1] - sched[1]) > 0:
        cpu_share = (end[0] - sched[0]) / ((end[0] - sched[0]) + (end[1] - sched[1]))
    times.sort()
    median = statistics.median(times)
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    peak = torch.cuda.max_memory_allocated(dev) if dev.type == "cuda" else peak_rss_bytes()
    return params, median, p90, peak, loss_value, sum(times) / 1000.0, cpu_share


def write_cell(run_dir, row):
    cells = os.path.join(run_dir, "cells")
    os.makedirs(cells, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".tmp-" + row["cell_id"] + "-", dir=cells)
    with open(os.path.join(tmp, "cells.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CELL_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerow(row)
    for name, cols in OTHER_TABLES.items():
        with open(os.path.join(tmp, name), "w", newline="") as f:
            f.write(",".join(cols) + "\n")
    target = os.path.join(cells, row["cell_id"])
    if os.path.exists(target):
        import shutil
        shutil.rmtree(target)
    os.rename(tmp, target)


def device_label(device):
    if device.startswith("cuda"):
        return "gpu:" + (device.split(":")[1] if ":" in device else "0")
    return device


def fmt_width(w):
    return ("%g" % w) if w != int(w) else "%.1f" % w


def run(args):
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    now = lambda: datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for norm in args.norms.split(","):
        for bs in [int(b) for b in args.batch_sizes.split(",")]:
            dev = device_label(args.device)
            cell_id = "throughput-%s-%s-bs%d-w%s-%s-s%d-pytorch" % (norm, args.activation, bs, fmt_width(args.width),
                                                                     dev.replace(":", ""), args.seed)
            started = now()
            lr = args.base_lr * bs / args.reference_batch
            row = {c: "" for c in CELL_COLUMNS}
            row.update(cell_id=cell_id, kind="throughput", norm=norm, activation=args.activation, batch_size=bs,
                       device=dev, seed=args.seed, width=float(args.width), dataset="random",
                       implementation="pytorch-eager", lr=lr, started_at=started, epochs="", steps=args.steps,
                       lr_protocol="linear_scaling", model="resnet18")
            try:
                params, med, p90, peak, loss, secs, share = time_cell(torch, norm, args.activation, bs, args.width,
                                                               args.device, args.warmup, args.steps, args.seed, lr)
                row.update(status="ok", params=params, step_ms_median=med, step_ms_p90=p90,
                           images_per_second=bs * 1000.0 / med, peak_memory_bytes=peak, final_train_loss=loss,
                           train_seconds=secs, cpu_share=share,
                           contended="" if share == "" else str(share < 0.8).lower())
                print("pytorch-eager %-3s bs=%-4d median %.1f ms  p90 %.1f ms  %.0f img/s" % (norm, bs, med, p90,
                                                                                               bs * 1000.0 / med),
                      flush=True)
            except RuntimeError as e:  # CUDA OOM and friends: record, go on
                status = "oom" if "out of memory" in str(e).lower() else "error"
                row.update(status=status, error=str(e).splitlines()[0][:500])
                print("pytorch-eager %s bs=%d: %s" % (norm, bs, row["error"]), file=sys.stderr)
            row["finished_at"] = now()
            write_cell(args.out, row)
    with open(os.path.join(args.out, "pytorch-eager-provenance.txt"), "w") as f:
        f.write("torch %s, threads %d, device %s, python %s\n" % (torch.__version__, torch.get_num_threads(),
                                                                 args.device, sys.version.split()[0]))


def summarize(run_dir):
    rows = []
    with open(os.path.join(run_dir, "cells.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] == "throughput" and r["status"] == "ok"]
    key = lambda r: (r["norm"], r["activation"], r["device"], r["width"], int(r["batch_size"]))
    djl = {key(r): float(r["step_ms_median"]) for r in rows if r["implementation"] == "djl"}
    ref = {key(r): float(r["step_ms_median"]) for r in rows if r["implementation"] == "pytorch-eager"}
    print("%-5s %-11s %-6s %6s %12s %14s %10s" % ("norm", "activation", "device", "batch", "djl ms", "pytorch ms",
                                                    "djl/pytorch"))
    worst = 0.0
    for k in sorted(set(djl) & set(ref)):
        ratio = djl[k] / ref[k]
        if k[0] != "rbn":  # the 1.05 target is for bn, gn and ln; rbn's is against bn, below
            worst = max(worst, ratio)
        print("%-5s %-11s %-6s %6d %12.1f %14.1f %10.3f" % (k[0], k[1], k[2], k[4], djl[k], ref[k], ratio))
    missing = sorted(set(djl) ^ set(ref))
    if missing:
        print("unpaired cells (no counterpart): %s" % missing)
    print("worst DJL/PyTorch step-time ratio, bn/gn/ln: %.3f (target <= 1.05)" % worst)
    # RunningBatchNorm: DJL's step against DJL's bn (target <= 1.3); PyTorch eager's rbn (fast.ai's
    # notebook code) against its bn for scale, where the run has it.
    rbn = sorted(k for k in djl if k[0] == "rbn" and ("bn",) + k[1:] in djl)
    if rbn:
        print("%-11s %-6s %6s %12s %12s %10s" % ("activation", "device", "batch", "rbn ms", "bn ms", "rbn/bn"))
        for k in rbn:
            bn = djl[("bn",) + k[1:]]
            eager = ""
            if k in ref and ("bn",) + k[1:] in ref:
                eager = "   (PyTorch eager: rbn/bn %.3f)" % (ref[k] / ref[("bn",) + k[1:]])
            print("%-11s %-6s %6d %12.1f %12.1f %10.3f%s" % (k[1], k[2], k[4], djl[k], bn, djl[k] / bn, eager))
        print("worst rbn/bn step-time ratio (DJL): %.3f (target <= 1.3)"
              % max(djl[k] / djl[("bn",) + k[1:]] for k in rbn))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", help="run directory to add pytorch-eager cells to (reports/runs/<run-id>)")
    p.add_argument("--summarize", metavar="RUN_DIR", help="print DJL/PyTorch step-time ratios of a run and exit")
    p.add_argument("--norms", default="bn,gn", help="comma list of bn, gn, ln, rbn (default bn,gn)")
    p.add_argument("--activation", default="relu", choices=["relu", "leaky_relu"])
    p.add_argument("--batch-sizes", default="2,8,32,128")
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N")
    p.add_argument("--warmup", type=int, default=10, help="untimed steps first (default 10, like timm)")
    p.add_argument("--steps", type=int, default=40, help="timed steps (default 40, like timm)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0 = torch default)")
    p.add_argument("--base-lr", type=float, default=0.1)
    p.add_argument("--reference-batch", type=int, default=128)
    args = p.parse_args()
    if args.summarize:
        summarize(args.summarize)
    elif args.out:
        run(args)
    else:
        p.error("one of --out or --summarize is required")


if __name__ == "__main__":
    main()
