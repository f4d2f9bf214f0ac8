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
        Core.Memory.BufferScope.Keep(tensor); // a parameter outlives any step scope it was created in
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

    /// <summary>The parameters as host arrays under their state_dict names (for safetensors).</summary>
    public List<Serialization.NamedArray> StateDict() =>
        NamedParameters().Select(p => new Serialization.NamedArray(p.Name, (int[])p.Tensor.Shape.Clone(), p.Tensor.ToArray())).ToList();

    /// <summary>
    /// Copies values into the parameters by name. Every parameter must be present with its exact shape, and no
    /// unknown name may appear (as PyTorch's strict load_state_dict); <paramref name="source"/> names the file in errors.
    /// </summary>
    public void LoadStateDict(IEnumerable<Serialization.NamedArray> tensors, string source)
    {
        var byName = new Dictionary<string, Serialization.NamedArray>();
        foreach (var t in tensors) byName[t.Name] = t;
        var expected = NamedParameters().ToList();
        foreach (var (name, p) in expected)
        {
            if (!byName.TryGetValue(name, out var t))
                throw new DataFormatException(source, name, $"missing (expected shape [{string.Join(", ", p.Shape)}]; the file has {string.Join(", ", byName.Keys)})");
            if (!t.Shape.SequenceEqual(p.Shape))
                throw new DataFormatException(source, name, $"shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", p.Shape)}]");
        }
        var unknown = byName.Keys.Except(expected.Select(e => e.Name)).ToList();
        if (unknown.Count > 0) throw new DataFormatException(source, unknown[0], $"not a parameter of this model ({string.Join(", ", expected.Select(e => e.Name))})");
        // A NaN weight loaded into a model is damage, not a diverged run: training from it would "diverge" at once
        // and call the run complete; a diverged run's weights are never loaded (it is complete on disk).
        foreach (var (name, _) in expected) RequireFinite(byName[name], source);
        foreach (var (name, p) in expected) p.Data.Write(byName[name].Data);
    }

    /// <summary>
    /// Every value of a loaded tensor finite, or one line naming the file, the tensor and the value;
    /// <paramref name="problem"/> says what that means where the caller reads it.
    /// </summary>
    public static void RequireFinite(Serialization.NamedArray t, string source, string problem = "a damaged file (values must be finite)")
    {
        int bad = Array.FindIndex(t.Data, v => !float.IsFinite(v));
        if (bad >= 0) throw new DataFormatException(source, t.Name, $"value {bad} is {t.Data[bad]}: {problem}");
    }
}
