using StructureReps.Core;

namespace StructureReps.Graphs.Encoding.Objectives;

/// <summary>
/// The VGAE's self-supervised objective (spec §6): z = μ + ε·σ, as many negative pairs as edges, the
/// reconstruction loss under the model's pair decoder plus KL/N (<see cref="Vgae.Loss"/>); the log reports the
/// reconstruction AUC on the noisy z and, after the step, on μ.
/// </summary>
public sealed class VgaeObjective : IEncoderObjective
{
    public static readonly VgaeObjective Instance = new();

    public string Name => "vgae";

    public IObjectiveStep Forward(Vgae model, GraphBatch batch, Rng rng)
    {
        var (mu, logStd) = model.Encode(batch, rng);
        var z = Vgae.Reparametrize(mu, logStd, rng);
        var negatives = batch.SampleNegatives(rng);
        var (loss, recon, kl, pos, neg) = Vgae.Loss(z, mu, logStd, batch, negatives, model);
        return new Step(loss, recon, kl, pos, neg, mu, negatives, model, batch);
    }

    private sealed record Step(Tensor Loss, Tensor Recon, Tensor Kl, Tensor Pos, Tensor Neg, Tensor Mu,
        (int[] Source, int[] Target) Negatives, Vgae Model, GraphBatch Batch) : IObjectiveStep
    {
        public void Record(EpochTally tally)
        {
            tally.Loss += Loss.Item();
            tally.Recon += Recon.Item();
            tally.Kl += Kl.Item();
            tally.AddAuc(Metrics.AucInBackground(Pos, Neg));
            using (Core.Autodiff.Tape.NoGrad())
                tally.AddAucMu(Metrics.AucInBackground(Model.Logits(Mu, Batch.PositiveSource, Batch.PositiveTarget),
                    Model.Logits(Mu, Negatives.Source, Negatives.Target)));
            tally.Batches++;
        }
    }
}
