using System.Globalization;
using StructureReps.Core;
using StructureReps.Nn.Serialization;

namespace StructureReps.Nn.Training;

/// <summary>
/// The checkpoint protocol both trainings follow, zoo runs and encoders alike. After epoch e: (1) its weights,
/// (2) its log up to e, (3) the optimizer state of e, each written atomically. A crash between two writes leaves
/// the state behind the weights and the log, never ahead; so a resume takes the last epoch whose weights, log
/// row and state all agree, and recomputes what follows with the same numbers (every epoch is seeded). The
/// weights and the log are the trainer's own files; the optimizer state is this class's (state.safetensors).
/// </summary>
public sealed class CheckpointedRun(string directory)
{
    public string Directory { get; } = directory;

    public string StatePath => Path.Combine(Directory, "state.safetensors");

    /// <summary>Writes one epoch in the protocol's order; epoch 0 (the initialization) has no optimizer state.</summary>
    public void Save(int epoch, Action writeWeights, Action writeLog, Modules.Module module, Optim.Optimizer optimizer)
    {
        writeWeights();
        writeLog();
        if (epoch > 0) WriteState(epoch, module, optimizer);
    }

    /// <summary>
    /// The epoch to resume after: the last epoch e ≤ <paramref name="lastLogged"/> with weights
    /// (<paramref name="hasWeights"/>) and, for e ≥ 1, the optimizer state of e. −1: nothing to resume, start
    /// afresh. The state holds one epoch only; when it is ahead of the weights and the log (a log that lost rows,
    /// a deleted checkpoint), no later epoch can resume exactly: the run restarts from its initialization, if
    /// kept, and <paramref name="restart"/> says why.
    /// </summary>
    public int ResumePoint(int lastLogged, Func<int, bool> hasWeights, out string? restart)
    {
        restart = null;
        int last = lastLogged;
        while (last >= 0 && !hasWeights(last)) last--;
        if (last < 1) return last;
        int state = StateEpoch();
        if (state == last) return last;
        int fallback = hasWeights(0) ? 0 : -1;
        if (state > last)
        {
            restart = $"optimizer state of epoch {state}, but weights and log only up to epoch {last}";
            return fallback;
        }
        if (state >= 1 && hasWeights(state)) return state; // a crash between the log and the state of a later epoch
        if (state < 1) return fallback;
        restart = $"optimizer state of epoch {state}, but the weights of epoch {state} are gone";
        return fallback;
    }

    /// <summary>Optimizer moments per parameter ("exp_avg.NAME", "exp_avg_sq.NAME"), the step count and epoch in the metadata.</summary>
    public void WriteState(int epoch, Modules.Module module, Optim.Optimizer optimizer)
    {
        var tensors = new List<NamedArray>();
        foreach (var (name, p) in module.NamedParameters())
        {
            if (optimizer.GetState(p) is not { } s) continue;
            tensors.Add(new NamedArray("exp_avg." + name, (int[])p.Shape.Clone(), s.First));
            if (s.Second is not null) tensors.Add(new NamedArray("exp_avg_sq." + name, (int[])p.Shape.Clone(), s.Second));
        }
        SafeTensors.Write(StatePath, tensors, new Dictionary<string, string>
        {
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["step"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>The epoch the saved optimizer state belongs to, or −1 when there is none.</summary>
    public int StateEpoch()
    {
        if (!File.Exists(StatePath)) return -1;
        var (_, meta) = SafeTensors.ReadInfo(StatePath);
        return DataFormatException.ParseInt(StatePath, "__metadata__.epoch", meta.GetValueOrDefault("epoch"));
    }

    /// <summary>
    /// Restores the optimizer state saved by <see cref="WriteState"/>. Strict, because a partial or foreign state
    /// would resume silently into different numbers: after a step every parameter has its moments, and every
    /// entry belongs to a parameter of this module with its shape.
    /// </summary>
    public void LoadState(Modules.Module module, Optim.Optimizer optimizer)
    {
        var (tensors, meta) = SafeTensors.Read(StatePath);
        int step = DataFormatException.ParseInt(StatePath, "__metadata__.step", meta.GetValueOrDefault("step"), min: 0);
        foreach (var t in tensors) Modules.Module.RequireFinite(t, StatePath); // NaN moments are damage: refused
        var byName = tensors.ToDictionary(t => t.Name);
        var parameters = module.NamedParameters().ToList();
        var known = parameters.SelectMany(p => new[] { "exp_avg." + p.Name, "exp_avg_sq." + p.Name }).ToHashSet();
        if (tensors.FirstOrDefault(t => !known.Contains(t.Name)) is { } stray)
            throw new DataFormatException(StatePath, stray.Name, "not the state of any parameter of this network");
        foreach (var (name, p) in parameters)
        {
            if (!byName.TryGetValue("exp_avg." + name, out var first))
            {
                if (step == 0) continue;
                throw new DataFormatException(StatePath, "exp_avg." + name, $"missing; the optimizer took {step} steps");
            }
            byName.TryGetValue("exp_avg_sq." + name, out var second);
            try { optimizer.SetState(p, first.Data, second?.Data); }
            catch (ArgumentException e) { throw new DataFormatException(StatePath, "exp_avg." + name, e.Message); }
        }
        optimizer.StepCount = step;
    }
}
