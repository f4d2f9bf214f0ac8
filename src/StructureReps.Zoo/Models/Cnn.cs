using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Nn.Modules;

namespace StructureReps.Zoo.Models;

/// <summary>
/// x [B, C, H, W] → conv (`convs.{i}`) → ReLU → max-pool (where the spec asks) … → global average pool →
/// optional dropout → Linear `head` → logits [B, classes].
/// </summary>
public sealed class Cnn : Module, INetwork
{
    private readonly Conv2d[] _convs;
    private readonly Linear _head;

    public Cnn(Architecture architecture, Rng rng, float dropout = 0, IBackend? backend = null)
    {
        Architecture = architecture;
        Dropout = dropout;
        int c = architecture.Input![0];
        _convs = new Conv2d[architecture.Convs!.Length];
        for (int i = 0; i < _convs.Length; i++)
        {
            var spec = architecture.Convs[i];
            _convs[i] = RegisterModule(CheckpointNaming.Conv(i), new Conv2d(c, spec.Out, spec.Kernel, rng, spec.Stride, spec.Padding, backend: backend));
            c = spec.Out;
        }
        _head = RegisterModule(CheckpointNaming.Head, new Linear(c, architecture.Classes, rng, backend: backend));
    }

    public Architecture Architecture { get; }
    public float Dropout { get; }
    public Module Module => this;

    public Tensor Forward(Tensor x, Rng? rng = null)
    {
        for (int i = 0; i < _convs.Length; i++)
        {
            x = _convs[i].ForwardRelu(x);
            int pool = Architecture.Convs![i].Pool;
            if (pool > 1) x = Ops.MaxPool2d(x, pool);
        }
        x = Ops.GlobalAvgPool2d(x);
        if (Dropout > 0 && Training) x = Ops.Dropout(x, Dropout, rng ?? throw new InvalidOperationException("Cnn: dropout in training needs an Rng"), true);
        return _head.Forward(x);
    }

    public override string ToString() => $"Cnn({Architecture})";
}
