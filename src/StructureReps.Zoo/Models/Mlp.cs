using StructureReps.Core;
using StructureReps.Core.Backends;
using StructureReps.Nn.Modules;

namespace StructureReps.Zoo.Models;

/// <summary>
/// sizes[0] → … → sizes[^1]: Linear layers named `layers.{i}` (PyTorch state_dict names), ReLU and optional
/// inverted dropout between them, none after the last.
/// </summary>
public sealed class Mlp : Module, INetwork
{
    private readonly Linear[] _layers;

    public Mlp(int[] sizes, Rng rng, float dropout = 0, IBackend? backend = null)
    {
        if (sizes.Length < 2 || sizes.Any(s => s < 1)) throw new ArgumentException($"Mlp: sizes [{string.Join(", ", sizes)}] need ≥ 2 positive widths");
        Architecture = Architecture.Mlp(sizes);
        Dropout = dropout;
        _layers = new Linear[sizes.Length - 1];
        for (int i = 0; i < _layers.Length; i++)
            _layers[i] = RegisterModule(CheckpointNaming.Linear(i), new Linear(sizes[i], sizes[i + 1], rng, backend: backend));
    }

    public Architecture Architecture { get; }
    public float Dropout { get; }
    public Module Module => this;
    public IReadOnlyList<Linear> Layers => _layers;

    public Tensor Forward(Tensor x, Rng? rng = null)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            x = _layers[i].Forward(x);
            if (i == _layers.Length - 1) break;
            x = Ops.Relu(x);
            if (Dropout > 0 && Training) x = Ops.Dropout(x, Dropout, rng ?? throw new InvalidOperationException("Mlp: dropout in training needs an Rng"), true);
        }
        return x;
    }

    public override string ToString() => $"Mlp({string.Join(", ", Architecture.Sizes!)}{(Dropout > 0 ? $", dropout={Dropout}" : "")})";
}
