#!/usr/bin/python3
"""Peer benchmark: the same workloads in StructureReps (C#) and in PyTorch, in one run, with the ratios.

Runs the engine's `peer` timing mode (benchmarks/StructureReps.Benchmarks), then the PyTorch equivalents on the
same shapes, and prints a Markdown table: median milliseconds each and ours/torch (< 1: we are faster).

PyTorch comes from Debian (`apt-get install python3-torch`, 1.13, CPU); TorchSharp does not run on Debian 12.
Each of our workloads runs in a fresh process, and reports the MB it allocated and the full collections it
caused per run beside its time. Kept out of CI. Usage: /usr/bin/python3 benchmarks/peer_bench.py [--repeats 10] [--threads 2]
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

# PyTorch's CPU allocator takes each buffer from glibc malloc. With glibc's defaults a freed buffer of a few MB goes
# back to the kernel (munmap, or a trim of the heap top), so the next call's output is fresh pages, and on a VM where
# a page fault is dear PyTorch's conv2d_fwd swings between 0.7 and 10 ms from one process to the next. Raised
# thresholds keep freed buffers in the heap: PyTorch at its best, the peer to beat. (Our engine pools its buffers.)
GLIBC_HEAP_ENV = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(1 << 40)}
if __name__ == "__main__" and any(os.environ.get(k) != v for k, v in GLIBC_HEAP_ENV.items()):
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **GLIBC_HEAP_ENV})

import torch
import torch.nn.functional as F

GRAPH_NODES, GRAPH_EDGES, GRAPH_FEATURES = 100_000, 1_000_000, 16
CONV_BATCH, CONV_CHANNELS, CONV_SIZE = 32, 16, 32
# Epochs run before the timed ones, on both sides (PeerTimings.EpochWarmup): an epoch of a long training run is
# the figure to compare, and .NET's tiered compilation is still replacing code during the first one or two.
EPOCH_WARMUP = 3


# The least warm-up time of every workload, on both sides (PeerTimings.WarmupTime): .NET's tiered compilation
# reaches the code a training run keeps after about a second; PyTorch gets the same warm-up.
WARMUP_SECONDS = 2.0


def median_ms(fn, repeats, warmup=3):
    start, done = time.perf_counter(), 0
    while done < warmup or time.perf_counter() - start < WARMUP_SECONDS:
        fn()
        done += 1
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
    epochs = max(3, repeats // 3)  # as PeerTimings.cs: the same number of timed epochs on both sides
    mlp = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
    xc, yc = torch.randn(16_512, 8, generator=g), torch.randn(16_512, 1, generator=g)
    opt = torch.optim.Adam(mlp.parameters(), lr=1e-3)
    out["epoch_california_mlp"] = median_ms(lambda: train_epoch(mlp, xc, yc, F.mse_loss, 64, opt, g), epochs, warmup=EPOCH_WARMUP)

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
    out["epoch_fashion_cnn"] = median_ms(lambda: train_epoch(cnn, xf, yf, F.cross_entropy, 64, opt, g), epochs, warmup=EPOCH_WARMUP)

    class CifarCnn(nn.Module):  # the CIFAR-10 zoo network (Tasks.cs): conv-relu-pool ×2, conv-relu, GAP, linear
        def __init__(self):
            super().__init__()
            self.convs = nn.ModuleList([nn.Conv2d(3, 16, 3, padding=1), nn.Conv2d(16, 32, 3, padding=1), nn.Conv2d(32, 32, 3, padding=1)])
            self.head = nn.Linear(32, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.convs[0](x)), 2)
            x = F.max_pool2d(F.relu(self.convs[1](x)), 2)
            x = F.relu(self.convs[2](x))
            return self.head(x.mean(dim=(2, 3)))

    cifar = CifarCnn()
    xc10, yc10 = torch.randn(2_500, 3, 32, 32, generator=g), torch.randint(0, 10, (2_500,), generator=g)
    opt = torch.optim.Adam(cifar.parameters(), lr=1e-3)
    out["epoch_cifar_cnn"] = median_ms(lambda: train_epoch(cifar, xc10, yc10, F.cross_entropy, 64, opt, g), epochs, warmup=EPOCH_WARMUP)
    return out


def seg_softmax(s, dst, n):
    """torch_geometric.utils.softmax written out: max-shifted, +1e-16, over the edges into each node."""
    idx = dst.view(-1, 1).expand_as(s)
    m = torch.zeros(n, s.shape[1]).scatter_reduce_(0, idx, s, "amax", include_self=False)
    e = (s - m.index_select(0, dst)).exp()
    return e / (torch.zeros(n, s.shape[1]).index_add_(0, dst, e) + 1e-16).index_select(0, dst)


def encoder_timings(repeats):
    """One VGAE epoch over 256 zoo graphs in batches of 32, as EncoderEpochWorkloads.cs (EA+TC+LF and EA+GC+LF)."""
    import math
    import torch.nn as nn

    class EdgeAttention(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.lin_edge, self.lin, self.att = nn.Linear(d, 16), nn.Linear(16 + 2 * d, 16), nn.Parameter(torch.randn(16, 1) * 0.3)

        def forward(self, ea, dst, n):
            t = F.leaky_relu(self.lin_edge(ea), 0.2)
            p = self.lin(torch.cat([t, ea, ea + 0.1 * torch.randn_like(ea)], 1))
            a = seg_softmax(F.leaky_relu(p @ self.att, 0.2), dst, n)
            return torch.zeros(n, ea.shape[1]).index_add_(0, dst, ea * a)

    class TransformerConv(nn.Module):  # PyG's TransformerConv, heads=1, edge_dim, root weight
        def __init__(self, i, o, d):
            super().__init__()
            self.q, self.k, self.v, self.skip = nn.Linear(i, o), nn.Linear(i, o), nn.Linear(i, o), nn.Linear(i, o)
            self.e, self.o = nn.Linear(d, o, bias=False), o

        def forward(self, x, src, dst, ea):
            e = self.e(ea)
            k, v = self.k(x).index_select(0, src) + e, self.v(x).index_select(0, src) + e
            s = (self.q(x).index_select(0, dst) * k).sum(-1, keepdim=True) / math.sqrt(self.o)
            a = seg_softmax(s, dst, x.shape[0])
            return torch.zeros(x.shape[0], self.o).index_add_(0, dst, v * a) + self.skip(x)

    class GATConv(nn.Module):  # PyG's GATConv, heads=1, edge_dim, self-loops with mean-filled edge features
        def __init__(self, i, o, d):
            super().__init__()
            self.lin, self.e = nn.Linear(i, o, bias=False), nn.Linear(d, o, bias=False)
            self.a_src, self.a_dst, self.a_e = (nn.Parameter(torch.randn(o) * 0.3) for _ in range(3))
            self.bias, self.o = nn.Parameter(torch.zeros(o)), o

        def forward(self, x, src, dst, ea):
            n = x.shape[0]
            loops = torch.arange(n)
            cnt = torch.zeros(n).index_add_(0, dst, torch.ones(dst.shape[0])).clamp(min=1).view(-1, 1)
            fill = torch.zeros(n, ea.shape[1]).index_add_(0, dst, ea) / cnt
            src2, dst2, ea2 = torch.cat([src, loops]), torch.cat([dst, loops]), torch.cat([ea, fill])
            h = self.lin(x)
            s = (h * self.a_src).sum(-1).index_select(0, src2) + (h * self.a_dst).sum(-1).index_select(0, dst2) + (self.e(ea2) * self.a_e).sum(-1)
            a = seg_softmax(F.leaky_relu(s, 0.2).view(-1, 1), dst2, n)
            return torch.zeros(n, self.o).index_add_(0, dst2, h.index_select(0, src2) * a) + self.bias

    class Vgae(nn.Module):
        def __init__(self, conv, d):
            super().__init__()
            self.ea = EdgeAttention(d)
            self.c1, self.mu, self.ls = conv(8 + d, 32, d), conv(32, 16, d), conv(32, 16, d)

        def loss(self, x, src, dst, ea, pos, neg):
            x = torch.cat([x, self.ea(ea, dst, x.shape[0])], 1)
            h = F.relu(self.c1(x, src, dst, ea))
            mu, ls = self.mu(h, src, dst, ea), self.ls(h, src, dst, ea).clamp(max=10)
            z = mu + torch.randn_like(mu) * ls.exp()
            p = torch.sigmoid((z[pos[0]] * z[pos[1]]).sum(1))
            q = torch.sigmoid((z[neg[0]] * z[neg[1]]).sum(1))
            recon = -torch.log(p + 1e-15).mean() - torch.log(1 - q + 1e-15).mean()
            kl = -0.5 * torch.mean(torch.sum(1 + 2 * ls - mu ** 2 - ls.exp() ** 2, dim=1))
            return recon + kl / x.shape[0]

    def layered(sizes):
        src, dst, off = [], [], 0
        for a, b in zip(sizes, sizes[1:]):
            for o in range(b):
                for i in range(a):
                    src.append(off + i); dst.append(off + a + o)
            off += a
        return torch.tensor(src), torch.tensor(dst), off + sizes[-1]

    out = {}
    for zoo, sizes, d in (("california_mlp", [8, 64, 64, 1], 1), ("fashion_cnn", [1, 16, 16, 16, 10], 9)):
        s1, d1, n1 = layered(sizes)
        b = 32
        off = torch.arange(b).repeat_interleave(s1.shape[0]) * n1
        fs, fd = s1.repeat(b) + off, d1.repeat(b) + off
        src, dst = torch.cat([fs, fd]), torch.cat([fd, fs])
        batches = []
        for _ in range(256 // b):
            ea_f = torch.randn(fs.shape[0], d)
            neg = torch.randint(0, n1, (2, fs.shape[0])) + off
            batches.append((torch.randn(b * n1, 8), torch.cat([ea_f, ea_f]), torch.stack([fs, fd]), neg))
        for name, conv in (("ea_tc_lf", TransformerConv), ("ea_gc_lf", GATConv)):
            model = Vgae(conv, d)
            opt = torch.optim.Adam(model.parameters(), lr=0.01)

            def epoch():
                for x, ea, pos, neg in batches:
                    opt.zero_grad()
                    model.loss(x, src, dst, ea, pos, neg).backward()
                    opt.step()
            out[f"encoder_{name}_{zoo}"] = median_ms(epoch, repeats, warmup=1)
    return out


def our_timings(repeats, names):
    """Each workload in a fresh process: the garbage collector's state left by one workload must not time the next."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    project = os.path.join(root, "benchmarks", "StructureReps.Benchmarks")
    subprocess.run(["dotnet", "build", "-c", "Release", project], check=True, capture_output=True, text=True)
    dll = os.path.join(project, "bin", "Release", "net10.0", "StructureReps.Benchmarks.dll")
    dotnet_env = {k: v for k, v in os.environ.items() if k not in GLIBC_HEAP_ENV}  # as a user runs ours
    out = {}
    for name in names:
        result = subprocess.run(["dotnet", dll, "peer", str(repeats), name, "exact"], env=dotnet_env,
                                check=True, capture_output=True, text=True)
        for line in result.stdout.splitlines():
            parts = line.split()
            if len(parts) == 4 and parts[0] == name:
                out[name] = (float(parts[1]), float(parts[2]), float(parts[3]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--only", default="", help="run only the workloads whose name starts with this (e.g. encoder_)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    theirs = {}
    if "encoder_".startswith(args.only) or args.only.startswith("encoder_"):
        theirs.update(encoder_timings(max(3, args.repeats // 3)))
    if not args.only.startswith("encoder_"):
        theirs.update({k: v for k, v in torch_timings(args.repeats).items() if k.startswith(args.only)})
    theirs = {k: v for k, v in theirs.items() if k.startswith(args.only)}
    ours = our_timings(args.repeats, list(theirs))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"threads: {args.threads}; torch {torch.__version__}; python {platform.python_version()}")
    print()
    print("| workload | StructureReps (ms) | PyTorch (ms) | ours / torch | ours: MB allocated per run | ours: full GCs per run |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, t in theirs.items():
        if name in ours:
            o, mb, full = ours[name]
            print(f"| {name} | {o:.3f} | {t:.3f} | {o / t:.2f} | {mb:.1f} | {full:.2f} |")
        else:
            print(f"| {name} | n/a | {t:.3f} | n/a | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
