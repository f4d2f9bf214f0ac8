using System.Text.Json;
using StructureReps.Backends.Cpu;
using StructureReps.Core;
using StructureReps.Nn.Serialization;
using StructureReps.Tests.Support;
using StructureReps.Zoo.Models;

namespace StructureReps.Tests.Zoo;

/// <summary>
/// Networks written by PyTorch (Fixtures/make_torch_fixtures.py, a format-following writer independent of
/// ours) read as our MLP and CNN reproduce PyTorch's outputs on the same input.
/// </summary>
public class NetworkImportTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static (float[] Input, int[] InputShape, float[] Output) Expected(string json)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture(json)));
        var r = doc.RootElement;
        return (r.GetProperty("input").EnumerateArray().Select(e => e.GetSingle()).ToArray(),
            r.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            r.GetProperty("output").EnumerateArray().Select(e => e.GetSingle()).ToArray());
    }

    [Fact]
    public void PyTorch_sequential_mlp_matches_torch_output()
    {
        var net = NetworkImport.Read(Fixture("torch_mlp.safetensors"), Architecture.Mlp(4, 8, 8, 3), CpuBackend.Default);
        var (input, shape, output) = Expected("torch_mlp.json");
        net.Module.Eval();
        var y = net.Forward(Tensor.From(input, shape, CpuBackend.Default)).ToArray();
        Numerics.AssertClose(output.Select(v => (double)v).ToArray(), y.Select(v => (double)v).ToArray(), 1e-5, 1e-6, "MLP vs torch");
    }

    [Fact]
    public void PyTorch_cnn_matches_torch_output()
    {
        var arch = Architecture.Cnn([1, 7, 7], [new ConvSpec(4, 3, 1, 1), new ConvSpec(4, 3, 2, 0)], 3);
        var net = NetworkImport.Read(Fixture("torch_cnn.safetensors"), arch, CpuBackend.Default);
        var (input, shape, output) = Expected("torch_cnn.json");
        net.Module.Eval();
        var y = net.Forward(Tensor.From(input, shape, CpuBackend.Default)).ToArray();
        Numerics.AssertClose(output.Select(v => (double)v).ToArray(), y.Select(v => (double)v).ToArray(), 1e-5, 1e-6, "CNN vs torch");
    }

    [Fact]
    public void A_batchnorm_is_folded_not_counted_as_a_layer()
    {
        var net = NetworkImport.Read(Fixture("torch_mlp_bn.safetensors"), Architecture.Mlp(4, 8, 3), CpuBackend.Default);
        var (input, shape, output) = Expected("torch_mlp_bn.json");
        net.Module.Eval();
        var y = net.Forward(Tensor.From(input, shape, CpuBackend.Default)).ToArray();
        Numerics.AssertClose(output.Select(v => (double)v).ToArray(), y.Select(v => (double)v).ToArray(), 1e-4, 1e-5, "MLP+BN vs torch");
    }

    [Fact]
    public void Wrong_architecture_names_the_tensor_and_the_expected_shape()
    {
        var e = Assert.Throws<DataFormatException>(() => NetworkImport.Read(Fixture("torch_mlp.safetensors"), Architecture.Mlp(4, 16, 8, 3)));
        Assert.Contains("0.weight", e.Message);
        Assert.Contains("[16, 4]", e.Message);
    }

    [Fact]
    public void Our_checkpoints_read_back_into_the_same_network()
    {
        using var dir = new TempDir();
        var arch = Architecture.Cnn([3, 8, 8], [new ConvSpec(5, 3, 1, 1, 2), new ConvSpec(6, 1)], 4);
        var a = arch.Build(new Rng(3));
        SafeTensors.Write(dir.File("cnn.safetensors"), a.Module.StateDict());
        var b = NetworkImport.Read(dir.File("cnn.safetensors"), arch);
        var x = Tensor.From(new Rng(4).UniformArray(2 * 3 * 64, -1, 1), [2, 3, 8, 8]);
        Assert.Equal(a.Forward(x).ToArray(), b.Forward(x).ToArray());
        Assert.Equal(["convs.0.weight", "convs.0.bias", "convs.1.weight", "convs.1.bias", "head.weight", "head.bias"],
            a.Module.NamedParameters().Select(p => p.Name));
    }
}
