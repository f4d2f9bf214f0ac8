using StructureReps.Core;

namespace StructureReps.Nn.Modules;

/// <summary>
/// A layer or model: owns named parameters (leaf tensors with RequiresGrad) and child modules, and a training
/// flag that dropout-like layers read. Parameter names follow PyTorch's state_dict ("layers.0.weight").
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Module Module)> _children = [];

    public bool Training { get; private set; } = true;

    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        tensor.RequiresGrad = true;
        tensor.Name = name;
        _parameters.Add((name, tensor));
        return tensor;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    /// <summary>All parameters, depth first, with their dotted state_dict names.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters(string prefix = "")
    {
        foreach (var (name, t) in _parameters) yield return (prefix + name, t);
        foreach (var (name, child) in _children)
            foreach (var p in child.NamedParameters(prefix + name + ".")) yield return p;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    public int ParameterCount => Parameters().Sum(p => p.Length);

    public void Train(bool training = true)
    {
        Training = training;
        foreach (var (_, child) in _children) child.Train(training);
    }

    public void Eval() => Train(false);

    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }
}
