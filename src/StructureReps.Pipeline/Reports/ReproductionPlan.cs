using System.Diagnostics;
using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Spectral;
using StructureReps.Zoo;
using StructureReps.Zoo.Training;

namespace StructureReps.Pipeline.Reports;

/// <summary>One stage of a reproduction: what it does and how long it should take on this machine (0 when on disk).</summary>
public sealed record StageEstimate(string Task, string Stage, string Work, double Seconds, string Status);

/// <summary>
/// `reproduce --plan`: each stage's time, estimated before anything runs from costs measured here and now on the
/// task's own data and network — one training epoch on a sample (scaled to the run's training set, plus the
/// per-epoch evaluation), one checkpoint converted to a graph with its Laplacian PE, and each encoder's epoch over
/// copies of that graph (a 6-epoch run less a 2-epoch one), each the fastest of three timings after a warm-up — times
/// the plan's sizes, less what is already on disk.
/// </summary>
public static class ReproductionPlan
{
    private const int SampleSize = 2000, EncoderGraphs = 32;

    public static List<StageEstimate> Estimate(ReproduceOptions options, IBackend backend, Action<string>? measuring = null)
    {
        var stages = new List<StageEstimate>();
        foreach (var plan in options.Tasks)
        {
            var task = Tasks.Get(plan.Task);
            if (task.Missing(options.DataRoot) is { } why) { stages.Add(new(plan.Task, "all", "data missing", 0, why)); continue; }
            measuring?.Invoke(plan.Task);
            var cost = Measure(plan, options, backend);
            string zooDir = options.ZooDir(plan.Task), graphDir = options.GraphDir(plan.Task);
            int zooDone = Enumerable.Range(0, plan.Runs).Count(r => RunComplete(Path.Combine(zooDir, $"run-{r:D4}"), plan.Epochs));
            stages.Add(new(plan.Task, "zoo", $"{plan.Runs} runs × {plan.Epochs} epochs", (plan.Runs - zooDone) * plan.Epochs * cost.ZooEpoch,
                zooDone == plan.Runs ? "on disk" : zooDone > 0 ? $"{zooDone} runs on disk" : ""));
            int graphs = plan.Runs * (plan.Epochs + 1);
            int graphsDone = Enumerable.Range(0, plan.Runs).Count(r => File.Exists(GraphZooBuilder.RunPath(graphDir, r)));
            stages.Add(new(plan.Task, "graphs", $"{graphs} checkpoints → graphs", (plan.Runs - graphsDone) * (plan.Epochs + 1) * cost.Graph,
                graphsDone == plan.Runs ? "on disk" : ""));
            foreach (var name in options.Encoders)
            {
                int done = Enumerable.Range(0, options.EncoderSeeds).Count(seed => EncoderComplete(options.EncoderDir(plan.Task, name, seed), options.EncoderEpochs));
                string seeds = options.EncoderSeeds > 1 ? $" × {options.EncoderSeeds} seeds" : "";
                stages.Add(new(plan.Task, EncoderConfig.Named(name).Label, $"{options.EncoderEpochs} epochs × {graphs} graphs{seeds}",
                    (options.EncoderSeeds - done) * options.EncoderEpochs * graphs * cost.EncoderGraphEpoch[name], done == options.EncoderSeeds ? "on disk" : ""));
            }
            if (options.InductiveSeeds > 0 && plan.Runs >= 2)
                foreach (var name in options.InductiveEncoders)
                    stages.Add(new(plan.Task, $"{EncoderConfig.Named(name).Label} inductive", $"{options.InductiveSeeds} encoders on ~80 % of the graphs",
                        options.InductiveSeeds * options.EncoderEpochs * 0.8 * graphs * (cost.EncoderGraphEpoch.GetValueOrDefault(name) is > 0 and var c ? c : cost.EncoderGraphEpoch.Values.Max()), ""));
            if (plan.Task == "covertype" && options.Figure2)
                stages.Add(new("figure 2", "deeper + wider zoos, graphs, one encoder", $"2 × {plan.Runs} runs × {plan.Epochs} epochs, {3 * graphs} graphs",
                    2 * plan.Runs * (plan.Epochs * cost.ZooEpoch + (plan.Epochs + 1) * cost.Graph)
                    + options.EncoderEpochs * 3 * graphs * cost.EncoderGraphEpoch["ea-tc-lf"], "")); // Figure 2's encoder
        }
        return stages;
    }

    private sealed record Costs(double ZooEpoch, double Graph, Dictionary<string, double> EncoderGraphEpoch);

    private static Costs Measure(TaskPlan plan, ReproduceOptions options, IBackend backend)
    {
        var task = Tasks.Get(plan.Task);
        var data = task.Load(options.DataRoot, 0);
        if (plan.MaxTrain is { } mt) data = data with { Train = data.Train.Take(mt) };
        if (plan.MaxTest is { } ms) data = data with { Test = data.Test.Take(ms) };
        var info = new ZooRunner(new ZooSpec { Task = plan.Task, Runs = 1, Epochs = plan.Epochs, Output = options.Output }, backend).Describe(task, data, 0);
        var sample = data.Train.Take(Math.Min(SampleSize, info.TrainSamples));
        var net = info.Architecture.Build(new Rng(0), backend);
        var trainer = new Trainer(net, info.Config, backend);
        trainer.TrainEpoch(sample, 1); // warm-up: JIT, buffer pools
        int epoch = 2;
        double perTrain = SteadyTime(() => trainer.TrainEpoch(sample, epoch++)) / sample.Count;
        double perEval = SteadyTime(() => trainer.Evaluate(sample)) / sample.Count;
        double zooEpoch = perTrain * info.TrainSamples + perEval * (info.TrainSamples + info.TestSamples);

        var topology = GraphBuilder.Topology(info.Architecture);
        int edgeDim = GraphBuilder.EdgeDim([info.Architecture]);
        NetworkGraph Convert() => GraphBuilder.Build(info.Architecture, net.Module.StateDict(), edgeDim, new CheckpointTargets(0, 0, 0.5, 0.5, 1, 1), "plan", topology);
        var graph = Convert();
        var pe = LaplacianPe.Compute(graph, options.Pe);
        double perGraph = Time(() => LaplacianPe.Compute(Convert(), options.Pe)) / Math.Max(1, Environment.ProcessorCount); // graphs build runs in parallel
        graph.PositionalEncoding = pe.Features;
        graph.Eigenvalues = pe.Eigenvalues;

        var copies = Enumerable.Repeat(graph, EncoderGraphs).ToList();
        var perEncoder = new Dictionary<string, double>();
        foreach (var name in options.Encoders.Concat(options.InductiveEncoders).Append("ea-tc-lf").Distinct())
        {
            var config = EncoderConfig.Named(name) with { K = options.Pe.K };
            void Train(int epochs) =>
                new EncoderTrainer(config with { Epochs = epochs }, backend).Train(copies, plan.Task);
            Train(6); // warm-up, past the first tiers of the JIT
            // Per epoch, without the per-run setup (model, batches, CSRs) that a 200-epoch stage pays once: the
            // difference of a 6-epoch and a 2-epoch run, floored at a quarter of the 2-epoch run's per-epoch time.
            double two = SteadyTime(() => Train(2)), six = SteadyTime(() => Train(6));
            perEncoder[name] = Math.Max((six - two) / 4, two / 8) / EncoderGraphs;
        }
        return new Costs(zooEpoch, perGraph, perEncoder);
    }

    /// <summary>
    /// The fastest of a few timings: a stage runs for minutes, past tiered compilation, while the first timings
    /// here still run partly unoptimized code (estimates were 2–4× the stages' times with one timing).
    /// </summary>
    private static double SteadyTime(Action action, int repeats = 3)
    {
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++) best = Math.Min(best, Time(action));
        return best;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static bool RunComplete(string runDir, int epochs)
    {
        string metrics = Path.Combine(runDir, "metrics.csv");
        return File.Exists(metrics) && File.ReadLines(metrics).Count(l => l.Length > 0) >= epochs + 2;
    }

    private static bool EncoderComplete(string dir, int epochs)
    {
        string log = Path.Combine(dir, EncoderTrainer.LogFileName);
        return File.Exists(log) && File.ReadLines(log).Count(l => l.Length > 0) >= epochs + 1;
    }
}
