using StructureReps.Core;
using StructureReps.Core.Backends;

namespace StructureReps.Nn.Optim;

/// <summary>
/// Updates parameters in place from their accumulated gradients, one backend call per parameter
/// (<see cref="IBackend.OptimizerUpdate"/>), with per-parameter state buffers created on first use.
/// A parameter whose gradient is null (not reached by the last backward) is skipped, as in PyTorch.
/// </summary>
public abstract class Optimizer(IReadOnlyList<Tensor> parameters)
{
    private readonly Dictionary<Tensor, (DeviceBuffer First, DeviceBuffer? Second)> _state = new(ReferenceEqualityComparer.Instance);

    public IReadOnlyList<Tensor> Parameters { get; } = parameters;

    /// <summary>Number of steps taken (restored with the state when a run resumes).</summary>
    public int StepCount { get; set; }

    public float LearningRate { get; set; }

    protected abstract OptimizerStep Describe(int step);

    protected abstract bool HasSecondMoment { get; }

    public void Step()
    {
        StepCount++;
        var step = Describe(StepCount);
        foreach (var p in Parameters)
        {
            if (p.Grad is null) continue;
            if (!_state.TryGetValue(p, out var state))
                _state[p] = state = (p.Backend.Allocate(p.Length), HasSecondMoment ? p.Backend.Allocate(p.Length) : null);
            p.Backend.OptimizerUpdate(step, p.Data, p.Grad.Data, state.First, state.Second, p.Length);
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>
    /// The state buffers of one parameter (momentum / Adam's first moment, and Adam's second moment), copied to
    /// the host; null where the parameter has taken no step yet. For checkpoints that let a run resume exactly.
    /// </summary>
    public (float[] First, float[]? Second)? GetState(Tensor parameter)
    {
        if (!_state.TryGetValue(parameter, out var s)) return null;
        var first = new float[parameter.Length];
        s.First.Read(first);
        float[]? second = null;
        if (s.Second is not null) { second = new float[parameter.Length]; s.Second.Read(second); }
        return (first, second);
    }

    /// <summary>Restores what <see cref="GetState"/> returned.</summary>
    public void SetState(Tensor parameter, float[] first, float[]? second)
    {
        if (first.Length != parameter.Length || (second is not null && second.Length != parameter.Length))
            throw new ArgumentException($"optimizer state for '{parameter.Name}' has {first.Length} values, the parameter {parameter.Length}");
        if (HasSecondMoment != (second is not null))
            throw new ArgumentException($"optimizer state for '{parameter.Name}': {(HasSecondMoment ? "second moment missing" : "unexpected second moment")}");
        var a = parameter.Backend.Allocate(parameter.Length);
        a.Write(first);
        DeviceBuffer? b = null;
        if (second is not null) { b = parameter.Backend.Allocate(parameter.Length); b.Write(second); }
        _state[parameter] = (a, b);
    }
}

/// <summary>SGD with momentum (PyTorch: buf = μ·buf + g, first step buf = g), optional Nesterov, L2 weight decay.</summary>
public sealed class Sgd : Optimizer
{
    public Sgd(IReadOnlyList<Tensor> parameters, float lr, float momentum = 0, float weightDecay = 0, bool nesterov = false)
        : base(parameters)
    {
        LearningRate = lr;
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    public float Momentum { get; }
    public float WeightDecay { get; }
    public bool Nesterov { get; }

    protected override bool HasSecondMoment => false;

    protected override OptimizerStep Describe(int step) =>
        new(OptimizerKind.Sgd, LearningRate, WeightDecay, Momentum, Nesterov, Step: step);
}

/// <summary>Adam (L2 weight decay added to the gradient) or AdamW (decoupled decay), PyTorch's bias-corrected form.</summary>
public sealed class Adam : Optimizer
{
    public Adam(IReadOnlyList<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f,
        float eps = 1e-8f, float weightDecay = 0, bool decoupled = false) : base(parameters)
    {
        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = eps;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }
    public float WeightDecay { get; }
    public bool Decoupled { get; }

    protected override bool HasSecondMoment => true;

    protected override OptimizerStep Describe(int step) =>
        new(Decoupled ? OptimizerKind.AdamW : OptimizerKind.Adam, LearningRate, WeightDecay, 0, false, Beta1, Beta2, Epsilon, step);

    /// <summary>AdamW with PyTorch's default weight decay of 0.01.</summary>
    public static Adam W(IReadOnlyList<Tensor> parameters, float lr = 1e-3f, float weightDecay = 0.01f) =>
        new(parameters, lr, weightDecay: weightDecay, decoupled: true);
}
