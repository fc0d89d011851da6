"""PyTorch eager's training step in thread CPU time, on one thread: the reference for StepProfile
with -Dprofile.cpu=true (docs/performance.md, "Java's share of a host-bound step").

    /usr/bin/python3 bench/reference/eager_step_cpu_time.py --norm bn --batch 2 --width 0.25 --image 8

The same model as pytorch_resnet18.py, random data, SGD with momentum 0.9 and weight decay 5e-4
(per parameter, or --foreach), zero_grad(set_to_none=True), forward, cross-entropy, backward, step,
loss.item(); median and 10th percentile of the timed steps, per round.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_resnet18 import build_model, reference_rbn  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--norm", default="bn", choices=["bn", "gn", "ln", "rbn"])
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--width", type=float, default=0.25)
    p.add_argument("--image", type=int, default=8, help="height and width of the random input")
    p.add_argument("--foreach", action="store_true", help="multi-tensor SGD (PyTorch's CUDA default)")
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = build_model(torch, args.norm, "relu", args.width, rbn=reference_rbn(torch)).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4,
                          foreach=args.foreach)
    x = torch.randn(args.batch, 3, args.image, args.image)
    y = torch.randint(0, 10, (args.batch,))
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(args.rounds):
        times = []
        for i in range(args.warmup + args.steps):
            t0 = time.thread_time_ns()
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            loss.item()
            if i >= args.warmup:
                times.append((time.thread_time_ns() - t0) / 1e6)
        times.sort()
        print("%s bs=%d w%g %dx%d %s: step %.2f ms (median), p10 %.2f ms, thread CPU time, torch %s"
              % (args.norm, args.batch, args.width, args.image, args.image,
                 "foreach SGD" if args.foreach else "per-parameter SGD",
                 statistics.median(times), times[len(times) // 10], torch.__version__))


if __name__ == "__main__":
    main()
