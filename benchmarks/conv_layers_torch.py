#!/usr/bin/python3
"""PyTorch's side of Conv2dBenchmarks: each zoo layer's forward + backward (x when it has more than 3 channels, w,
bias), min of 25 runs after 3 warm-ups, 2 threads. Run: /usr/bin/python3 benchmarks/conv_layers_torch.py"""
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
SHAPES = {  # the same table as Conv2dBenchmarks.Shapes: batch, in, side, out, kernel, stride, padding
    "cifar-1 3→16 32²": (64, 3, 32, 16, 3, 1, 1),
    "cifar-2 16→32 16²": (64, 16, 16, 32, 3, 1, 1),
    "cifar-3 32→32 8²": (64, 32, 8, 32, 3, 1, 1),
    "fashion-2 16→16 13² s2": (64, 16, 13, 16, 3, 2, 0),
    "peer 16→16 32²": (32, 16, 32, 16, 3, 1, 1),
    "64→64 32²": (32, 64, 32, 64, 3, 1, 1),
}


def best_ms(fn):
    for _ in range(3):
        fn()
    times = []
    for _ in range(25):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


for name, (b, c, h, o, k, s, p) in SHAPES.items():
    x = torch.randn(b, c, h, h, requires_grad=c > 3)
    w = torch.randn(o, c, k, k, requires_grad=True)
    bias = torch.randn(o, requires_grad=True)

    def step():
        y = F.conv2d(x, w, bias, stride=s, padding=p)
        y.backward(torch.ones_like(y))
        x.grad = w.grad = bias.grad = None

    print(f"{name:24s} forward + backward {best_ms(step):8.3f} ms")
