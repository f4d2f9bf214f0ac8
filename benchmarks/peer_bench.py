#!/usr/bin/python3
"""Peer benchmark: the same workloads in StructureReps (C#) and in PyTorch, in one run, with the ratios.

Runs the engine's `peer` timing mode (benchmarks/StructureReps.Benchmarks), then the PyTorch equivalents on the
same shapes, and prints a Markdown table: median milliseconds each and ours/torch (< 1: we are faster).

PyTorch comes from Debian (`apt-get install python3-torch`, 1.13, CPU); TorchSharp does not run on Debian 12.
Kept out of CI. Usage: /usr/bin/python3 benchmarks/peer_bench.py [--repeats 10] [--threads 2]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

GRAPH_NODES, GRAPH_EDGES, GRAPH_FEATURES = 100_000, 1_000_000, 16
CONV_BATCH, CONV_CHANNELS, CONV_SIZE = 32, 16, 32


def median_ms(fn, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def torch_timings(repeats):
    out = {}
    g = torch.Generator().manual_seed(0)
    for n in (256, 1024):
        a, b = torch.rand(n, n, generator=g) * 2 - 1, torch.rand(n, n, generator=g) * 2 - 1
        out[f"gemm{n}"] = median_ms(lambda: torch.mm(a, b), repeats)

    x = (torch.rand(CONV_BATCH, CONV_CHANNELS, CONV_SIZE, CONV_SIZE, generator=g) * 2 - 1).requires_grad_()
    w = ((torch.rand(CONV_CHANNELS, CONV_CHANNELS, 3, 3, generator=g) * 2 - 1) * 0.3).requires_grad_()
    bias = ((torch.rand(CONV_CHANNELS, generator=g) * 2 - 1) * 0.3).requires_grad_()
    seed = torch.rand(CONV_BATCH, CONV_CHANNELS, CONV_SIZE, CONV_SIZE, generator=g) * 2 - 1

    def conv_fwd():
        with torch.no_grad():
            F.conv2d(x, w, bias, padding=1)

    def conv_fwd_bwd():
        F.conv2d(x, w, bias, padding=1).backward(seed)
        x.grad = w.grad = bias.grad = None

    out["conv2d_fwd"] = median_ms(conv_fwd, repeats)
    out["conv2d_fwd_bwd"] = median_ms(conv_fwd_bwd, repeats)

    src = torch.randint(0, GRAPH_NODES, (GRAPH_EDGES,), generator=g)
    dst = torch.randint(0, GRAPH_NODES, (GRAPH_EDGES,), generator=g)
    nodes = torch.rand(GRAPH_NODES, GRAPH_FEATURES, generator=g) * 2 - 1
    edges = torch.rand(GRAPH_EDGES, GRAPH_FEATURES, generator=g) * 2 - 1
    dst_f = dst.view(-1, 1).expand(-1, GRAPH_FEATURES)

    def segment_softmax():  # torch_geometric.utils.softmax, written out (PyG is not in Debian)
        m = torch.zeros(GRAPH_NODES, GRAPH_FEATURES).scatter_reduce_(0, dst_f, edges, "amax", include_self=False)
        e = (edges - m.index_select(0, dst)).exp()
        s = torch.zeros(GRAPH_NODES, GRAPH_FEATURES).index_add_(0, dst, e) + 1e-16
        return e / s.index_select(0, dst)

    out["gather"] = median_ms(lambda: nodes.index_select(0, src), repeats)
    out["scatter_add"] = median_ms(lambda: torch.zeros(GRAPH_NODES, GRAPH_FEATURES).index_add_(0, dst, edges), repeats)
    out["segment_softmax"] = median_ms(segment_softmax, repeats)
    out.update(epoch_timings(max(3, repeats // 3)))
    return out


def train_epoch(model, x, y, loss_fn, batch, opt, gen):
    order = torch.randperm(x.shape[0], generator=gen)
    for start in range(0, x.shape[0], batch):
        idx = order[start:start + batch]
        opt.zero_grad()
        loss_fn(model(x[idx]), y[idx]).backward()
        opt.step()


def epoch_timings(repeats):
    """One epoch of the zoo networks on synthetic data of the tasks' shapes (as EpochWorkloads.cs)."""
    import torch.nn as nn
    g = torch.Generator().manual_seed(9)
    out = {}
    mlp = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    xc, yc = torch.randn(16_512, 8, generator=g), torch.randn(16_512, 1, generator=g)
    opt = torch.optim.Adam(mlp.parameters(), lr=1e-3)
    out["epoch_california_mlp"] = median_ms(lambda: train_epoch(mlp, xc, yc, F.mse_loss, 64, opt, g), repeats, warmup=1)

    class SmallCnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.convs = nn.ModuleList([nn.Conv2d(1, 16, 3, stride=2), nn.Conv2d(16, 16, 3, stride=2), nn.Conv2d(16, 16, 3, stride=2)])
            self.head = nn.Linear(16, 10)

        def forward(self, x):
            for c in self.convs:
                x = F.relu(c(x))
            return self.head(x.mean(dim=(2, 3)))

    cnn = SmallCnn()
    xf, yf = torch.randn(15_000, 1, 28, 28, generator=g), torch.randint(0, 10, (15_000,), generator=g)
    opt = torch.optim.Adam(cnn.parameters(), lr=1e-3)
    out["epoch_fashion_cnn"] = median_ms(lambda: train_epoch(cnn, xf, yf, F.cross_entropy, 64, opt, g), repeats, warmup=1)
    return out


def our_timings(repeats):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    project = os.path.join(root, "benchmarks", "StructureReps.Benchmarks")
    result = subprocess.run(["dotnet", "run", "-c", "Release", "--project", project, "--", "peer", str(repeats)],
                            check=True, capture_output=True, text=True)
    out = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2:
            out[parts[0]] = float(parts[1])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    ours = our_timings(args.repeats)
    theirs = torch_timings(args.repeats)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"threads: {args.threads}; torch {torch.__version__}; python {platform.python_version()}")
    print()
    print("| workload | StructureReps (ms) | PyTorch (ms) | ours / torch |")
    print("|---|---:|---:|---:|")
    for name, t in theirs.items():
        o = ours.get(name)
        ratio = f"{o / t:.2f}" if o else "n/a"
        print(f"| {name} | {o:.3f} | {t:.3f} | {ratio} |" if o else f"| {name} | n/a | {t:.3f} | n/a |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
