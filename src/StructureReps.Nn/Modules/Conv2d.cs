using StructureReps.Core;

namespace StructureReps.Nn.Modules;

/// <summary>
/// 2-D convolution: x [B, In, H, W] → [B, Out, Ho, Wo]; W [Out, In, k, k], b [Out]. Initialized as PyTorch's
/// nn.Conv2d: W, b ~ U(±1/√(In·k·k)).
/// </summary>
public sealed class Conv2d : Module
{
    public Conv2d(int inChannels, int outChannels, int kernel, Rng rng, int stride = 1, int padding = 0,
        bool bias = true, Core.Backends.IBackend? backend = null)
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
        int fanIn = inChannels * kernel * kernel;
        Weight = RegisterParameter("weight", Init.UniformFanIn([outChannels, inChannels, kernel, kernel], fanIn, rng, backend));
        Bias = bias ? RegisterParameter("bias", Init.UniformFanIn([outChannels], fanIn, rng, backend)) : null;
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int Kernel { get; }
    public int Stride { get; }
    public int Padding { get; }
    public Tensor Weight { get; }
    public Tensor? Bias { get; }

    public Tensor Forward(Tensor x) => Ops.Conv2d(x, Weight, Bias, Stride, Padding);

    /// <summary>max(Forward(x), 0), as one fused op where the backend allows (<see cref="Ops.Conv2dRelu"/>).</summary>
    public Tensor ForwardRelu(Tensor x) => Ops.Conv2dRelu(x, Weight, Bias, Stride, Padding);

    public override string ToString() =>
        $"Conv2d({InChannels}, {OutChannels}, kernel_size={Kernel}, stride={Stride}, padding={Padding})";
}
