using StructureReps.Core;

namespace StructureReps.Zoo.Models;

/// <summary>A zoo network: a module with a forward pass; <paramref name="rng"/> drives dropout in training.</summary>
public interface INetwork
{
    Tensor Forward(Tensor x, Rng? rng = null);
    Nn.Modules.Module Module { get; }
    Architecture Architecture { get; }
}
