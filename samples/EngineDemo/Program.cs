using System.Diagnostics;
using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Core.Backends.Reference;
using StructureReps.Nn.Modules;
using StructureReps.Nn.Optim;

// The engine on its own: a seeded 2-16-2 MLP learns two noisy rings with the reverse-mode tape and Adam.
// usage: dotnet run --project samples/EngineDemo -- [--steps 100] [--reference]
//   --reference runs the managed oracle backend (double accumulation) instead of the SIMD CPU backend.
int steps = 100;
IBackend backend = CpuBackend.Default;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--reference") backend = ReferenceBackend.Instance;
    else if (args[i] == "--steps" && i + 1 < args.Length && int.TryParse(args[i + 1], out steps) && steps > 0) i++;
    else
    {
        Console.Error.WriteLine($"error: unexpected option '{args[i]}' (expected --steps N, --reference)");
        return 2;
    }
}

// Two noisy rings, radius 1 (class 0) and 2 (class 1).
var rng = new Rng(2026);
int n = 512;
var xs = new float[n * 2];
var ys = new int[n];
for (int i = 0; i < n; i++)
{
    ys[i] = i % 2;
    double angle = rng.Uniform(0, 2 * Math.PI), radius = 1 + ys[i] + 0.15 * rng.NextGaussian();
    xs[2 * i] = (float)(radius * Math.Cos(angle));
    xs[2 * i + 1] = (float)(radius * Math.Sin(angle));
}
var init = new Rng(1);
var l1 = new Linear(2, 16, init, backend: backend);
var l2 = new Linear(16, 2, init, backend: backend);
var opt = new Adam([.. l1.Parameters(), .. l2.Parameters()], lr: 0.05f);
var x = Tensor.From(xs, [n, 2], backend);
var labels = new IndexTensor(ys);
Console.WriteLine($"engine demo: {l1} → ReLU → {l2}, Adam(lr=0.05), {n} points, backend {backend.Name}");
Console.WriteLine($"{"step",6} {"loss",10} {"accuracy",9}");
var clock = Stopwatch.StartNew();
for (int s = 1; s <= steps; s++)
{
    opt.ZeroGrad();
    var logits = l2.Forward(Ops.Relu(l1.Forward(x)));
    var loss = Ops.CrossEntropy(logits, labels);
    loss.Backward();
    opt.Step();
    if (s == 1 || s % Math.Max(1, steps / 10) == 0 || s == steps)
    {
        var l = logits.ToArray();
        int correct = Enumerable.Range(0, n).Count(i => (l[2 * i + 1] > l[2 * i] ? 1 : 0) == ys[i]);
        Console.WriteLine($"{s,6} {loss.Item(),10:F5} {correct / (double)n,9:P1}");
    }
}
Console.WriteLine($"done in {clock.Elapsed.TotalMilliseconds:F0} ms");
return 0;
