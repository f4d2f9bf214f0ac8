using StructureReps.Core;

namespace StructureReps.Nn.Modules;

/// <summary>
/// y = x·Wᵀ + b: x [.., In] → [.., Out]; W [Out, In], b [Out]. Initialized as PyTorch's nn.Linear:
/// W, b ~ U(±1/√In).
/// </summary>
public sealed class Linear : Module
{
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true, Core.Backends.IBackend? backend = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Init.UniformFanIn([outFeatures, inFeatures], inFeatures, rng, backend));
        Bias = bias ? RegisterParameter("bias", Init.UniformFanIn([outFeatures], inFeatures, rng, backend)) : null;
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Tensor Forward(Tensor x) => Ops.Linear(x, Weight, Bias);

    public override string ToString() => $"Linear({InFeatures}, {OutFeatures}, bias={Bias is not null})";
}
