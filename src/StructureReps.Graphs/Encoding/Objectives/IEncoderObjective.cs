using StructureReps.Core;

namespace StructureReps.Graphs.Encoding.Objectives;

/// <summary>
/// What an encoder is trained to do, as Lightning's <c>training_step</c> is to its trainer: the trainer
/// (<see cref="EncoderTrainer"/>) batches, seeds, steps the optimizer, checkpoints and resumes; the objective turns
/// one batch into a loss, and after the optimizer's step records what the epoch's log reports. The VGAE's
/// self-supervised reconstruction (<see cref="VgaeObjective"/>) is one; a supervised objective (predicting a
/// network's accuracy from its graph) plugs in beside it.
/// </summary>
public interface IEncoderObjective
{
    /// <summary>The name in logs and files ("vgae").</summary>
    string Name { get; }

    /// <summary>
    /// One training batch's loss, to be backpropagated; <paramref name="rng"/> is the epoch's stream.
    /// </summary>
    IObjectiveStep Forward(Vgae model, GraphBatch batch, Rng rng);
}

/// <summary>One batch's loss and what the epoch log needs from it once the optimizer has stepped.</summary>
public interface IObjectiveStep
{
    Tensor Loss { get; }

    /// <summary>
    /// Adds this batch to the epoch's tally (after <c>optimizer.Step()</c>: metrics may read the new weights).
    /// </summary>
    void Record(EpochTally tally);
}

/// <summary>
/// Sums over an epoch's batches of a loss and its parts, and the reconstruction AUCs, in batch order.
/// </summary>
public sealed class EpochTally
{
    private readonly List<Task<double>> _auc = [], _aucMu = [];

    public double Loss { get; set; }
    public double Recon { get; set; }
    public double Kl { get; set; }
    public int Batches { get; set; }

    public void AddAuc(Task<double> auc) => _auc.Add(auc);

    public void AddAucMu(Task<double> aucMu) => _aucMu.Add(aucMu);

    /// <summary>
    /// The epoch's log row: means over the batches (the AUCs summed in batch order, as computed inline).
    /// </summary>
    public EncoderEpoch Row(int epoch, double seconds)
    {
        double auc = 0, aucMu = 0;
        foreach (var a in _auc) auc += a.Result;
        foreach (var a in _aucMu) aucMu += a.Result;
        return new EncoderEpoch(epoch, Loss / Batches, Recon / Batches, Kl / Batches,
            _auc.Count > 0 ? auc / Batches : double.NaN, seconds, _aucMu.Count > 0 ? aucMu / Batches : double.NaN);
    }
}
