using StructureReps.Core;
using StructureReps.Core.Backends.Reference;
using Xunit;

namespace StructureReps.Tests.Engine;

/// <summary>Every op rejects mismatched shapes with a ShapeMismatchException whose message names the op and the shapes.</summary>
public sealed class ShapeCheckTests
{
    private static Tensor T(params int[] shape) => Tensor.Zeros(shape, ReferenceBackend.Instance);

    private static readonly Dictionary<string, (Action Act, string Expect)> Cases = new()
    {
        ["Add"] = (() => Ops.Add(T(2, 3), T(4)), "[2, 3]"),
        ["Sub"] = (() => Ops.Sub(T(2, 3), T(2, 2)), "do not broadcast"),
        ["Mul"] = (() => Ops.Mul(T(3), T(4)), "[4]"),
        ["Div"] = (() => Ops.Div(T(5, 1, 2), T(3, 3)), "do not broadcast"),
        ["BiasAdd"] = (() => Ops.BiasAdd(T(4, 5), T(4)), "bias must be [5]"),
        ["MatMul"] = (() => Ops.MatMul(T(2, 3), T(4, 5)), "inner dimensions differ"),
        ["MatMul rank"] = (() => Ops.MatMul(T(2, 3, 4), T(4, 5)), "rank 2"),
        ["BatchedMatMul"] = (() => Ops.BatchedMatMul(T(2, 3, 4), T(3, 4, 5)), "batch sizes differ"),
        ["Linear"] = (() => Ops.Linear(T(2, 3), T(5, 4)), "must end in In = 4"),
        ["Sum"] = (() => Ops.Sum(T(2, 3), 2), "axis 2 is out of range"),
        ["Mean"] = (() => Ops.Mean(T(2, 3), -3), "axis -3 is out of range"),
        ["Max"] = (() => Ops.Max(T(2), 1), "axis 1 is out of range"),
        ["Reshape"] = (() => Ops.Reshape(T(2, 3), [4, 2]), "has 6 elements"),
        ["Permute"] = (() => Ops.Permute(T(2, 3), 0, 0), "not a permutation"),
        ["Transpose"] = (() => Ops.Transpose(T(2, 3), 0, 5), "out of range"),
        ["Concat"] = (() => Ops.Concat([T(2, 3), T(3, 4)], 1), "does not match"),
        ["Slice"] = (() => Ops.Slice(T(4, 6), 1, 4, 3), "outside axis 1"),
        ["LogSoftmax"] = (() => Ops.LogSoftmax(T()), "at least one axis"),
        ["CrossEntropy"] = (() => Ops.CrossEntropy(T(3, 4), new IndexTensor([0, 1])), "2 labels for 3 rows"),
        ["Mse"] = (() => Ops.Mse(T(3, 4), T(4, 3)), "shapes differ"),
        ["BceWithLogits"] = (() => Ops.BceWithLogits(T(3), T(4)), "shapes differ"),
        ["Conv2d"] = (() => Ops.Conv2d(T(1, 3, 5, 5), T(4, 2, 3, 3)), "expects 2 input channels"),
        ["Conv2d kernel"] = (() => Ops.Conv2d(T(1, 1, 2, 2), T(1, 1, 3, 3)), "does not fit"),
        ["MaxPool2d"] = (() => Ops.MaxPool2d(T(2, 3, 4), 2), "rank 4"),
        ["AvgPool2d"] = (() => Ops.AvgPool2d(T(1, 1, 1, 1), 2), "does not fit"),
        ["GlobalAvgPool2d"] = (() => Ops.GlobalAvgPool2d(T(2, 3)), "rank 4"),
        ["IndexSelect"] = (() => Ops.IndexSelect(T(), new IndexTensor([0])), "row axis"),
        ["ScatterAdd"] = (() => Ops.ScatterAdd(T(3, 2), new IndexTensor([0, 1]), 2), "one row per index entry (2)"),
        ["SegmentMean"] = (() => Ops.SegmentMean(T(1, 2), new IndexTensor([0, 0]), 1), "one row per index entry"),
        ["SegmentMax"] = (() => Ops.SegmentMax(T(4), new IndexTensor([0]), 1), "one row per index entry"),
        ["SegmentSoftmax"] = (() => Ops.SegmentSoftmax(T(3, 2, 1), new IndexTensor([0, 1, 1]), 2), "[E] or [E, H]"),
    };

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void Throws_clear_message_for_mismatched_shapes(string op)
    {
        var (act, expect) = Cases[op];
        var ex = Assert.ThrowsAny<ArgumentException>(act);
        Assert.Contains(op.Split(' ')[0], ex.Message);
        Assert.Contains(expect, ex.Message);
    }

    [Fact]
    public void Out_of_range_index_names_position_and_range()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.ScatterAdd(T(3, 2), new IndexTensor([0, 5, 1]), 4));
        Assert.Contains("index[1] = 5 is outside [0, 4)", ex.Message);
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.CrossEntropy(T(2, 3), new IndexTensor([0, 3])));
        Assert.Contains("label[1] = 3 is outside [0, 3)", label.Message);
    }

    [Fact]
    public void Mixing_backends_is_rejected()
    {
        var other = Tensor.Zeros([2], StructureReps.Backends.Cpu.CpuBackend.Default);
        var ex = Assert.Throws<ArgumentException>(() => Ops.Add(T(2), other));
        Assert.Contains("different backends", ex.Message);
    }
}
