namespace StructureReps.Zoo.Training;

/// <summary>
/// The checkpoint protocol both trainings follow, zoo runs and encoders alike. After epoch e: (1) its weights,
/// (2) its log up to e, (3) the optimizer state of e, each written atomically. A crash between two writes leaves
/// the state behind the weights and the log, never ahead; so a resume takes the last epoch whose weights, log
/// row and state all agree, and recomputes what follows with the same numbers (every epoch is seeded).
/// </summary>
public sealed class CheckpointedRun(RunFiles files)
{
    public RunFiles Files { get; } = files;

    /// <summary>Writes one epoch in the protocol's order; epoch 0 (the initialization) has no optimizer state.</summary>
    public void Save(int epoch, Action writeWeights, Action writeLog, Nn.Modules.Module module, Nn.Optim.Optimizer optimizer)
    {
        writeWeights();
        writeLog();
        if (epoch > 0) Files.WriteState(epoch, module, optimizer);
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
        int state = Files.StateEpoch();
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
}
