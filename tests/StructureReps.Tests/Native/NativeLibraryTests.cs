using System.Diagnostics;
using System.Globalization;
using StructureReps.Backends.Cpu;
using StructureReps.Cli.Commands;
using StructureReps.Services.Prediction;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Native;

/// <summary>A two-moons zoo, graphs, two encoders and a probe, shared by the native library's tests.</summary>
public sealed class NativeFixture : IDisposable
{
    private readonly TempDir _dir = new();
    public string Encoder { get; }
    public string OtherEncoder { get; }
    /// <summary>The encoder's embeddings.csv (encode train, as encode embed writes it).</summary>
    public string Embeddings { get; }
    public string Probe { get; }
    public string[] Checkpoints { get; }
    /// <summary>An encoder trained on graphs built with --binary --k 6, and its probe.</summary>
    public string BinaryEncoder { get; }
    public string BinaryProbe { get; }

    public NativeFixture()
    {
        string zoo = _dir.File("zoo"), graphs = _dir.File("graphs"), enc = _dir.File("enc"), other = _dir.File("other");
        Check(ZooCommand.Run(["train", "--task", "two-moons", "--runs", "2", "--epochs", "5", "--out", zoo]));
        Check(GraphsCommand.Run(["build", "--zoo", zoo, "--out", graphs]));
        // Non-default features (binary Laplacian, k = 6): the library must featurize as graphs build did.
        string binaryGraphs = _dir.File("graphs-binary"), binary = _dir.File("enc-binary");
        Check(GraphsCommand.Run(["build", "--zoo", zoo, "--out", binaryGraphs, "--binary", "--k", "6"]));
        Check(EncodeCommand.Run(["train", "--graphs", binaryGraphs, "--out", binary, "--epochs", "2"]));
        BinaryEncoder = Path.Combine(binary, "encoder.safetensors");
        BinaryProbe = _dir.File("probe-binary.json");
        Check(DecodeCommand.Run(["--embeddings", Path.Combine(binary, "embeddings.csv"), "--save-probe", BinaryProbe]));
        Check(EncodeCommand.Run(["train", "--graphs", graphs, "--out", enc, "--epochs", "2"]));
        Check(EncodeCommand.Run(["train", "--graphs", graphs, "--out", other, "--epochs", "2", "--seed", "7"]));
        Encoder = Path.Combine(enc, "encoder.safetensors");
        Embeddings = Path.Combine(enc, "embeddings.csv");
        OtherEncoder = Path.Combine(other, "encoder.safetensors");
        Probe = _dir.File("probe.json");
        Check(DecodeCommand.Run(["--embeddings", Path.Combine(enc, "embeddings.csv"), "--save-probe", Probe, "--encoder", Encoder]));
        string fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        // Ours at initialization and after training, and two PyTorch networks (one with BatchNorm folded in).
        Checkpoints = [Path.Combine(zoo, "run-0000", "epoch-0000.safetensors"), Path.Combine(zoo, "run-0001", "epoch-0005.safetensors"),
            Path.Combine(fixtures, "torch_mlp.safetensors"), Path.Combine(fixtures, "torch_mlp_bn.safetensors")];
    }

    private static void Check(int code)
    {
        if (code != 0) throw new InvalidOperationException($"fixture step exited {code}");
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// The NativeAOT library (src/StructureReps.Native) through its C ABI, from C and Python hosts: the embeddings and
/// predictions equal the managed path's (<see cref="Predictor"/>, as `predict` gives them), from paths and from
/// bytes; misuse is an error code, never a crash (abi_check.c); the library runs the vector paths of its level.
/// </summary>
[Trait("Speed", "slow")]
public sealed class NativeLibraryTests(NativeFixture fixture) : IClassFixture<NativeFixture>
{
    [NativeLibraryFact]
    public void C_sample_gives_the_managed_embeddings_and_predictions_from_paths_and_from_bytes()
    {
        string sample = BuildSample();
        var managed = Predictor.Predict(fixture.Encoder, fixture.Probe, fixture.Checkpoints, CpuBackend.Default);
        foreach (string[] mode in new[] { Array.Empty<string>(), ["--bytes"] })
        {
            var (code, stdout, stderr) = Run(sample, [.. mode, "--probe", fixture.Probe, fixture.Encoder, .. fixture.Checkpoints]);
            Assert.True(code == 0, $"embed {string.Join(' ', mode)} exited {code}: {stderr}");
            AssertSame(managed, Parse(stdout));
        }
    }

    /// <summary>An encoder trained on non-default features (binary Laplacian, k = 6): the library featurizes with the
    /// encoder's featurizer, as `predict` does, so the numbers are the same.</summary>
    [NativeLibraryFact]
    public void C_sample_featurizes_as_the_encoder_was_trained_with_non_default_features()
    {
        var managed = Predictor.Predict(fixture.BinaryEncoder, fixture.BinaryProbe, fixture.Checkpoints, CpuBackend.Default);
        var (code, stdout, stderr) = Run(BuildSample(), ["--probe", fixture.BinaryProbe, fixture.BinaryEncoder, .. fixture.Checkpoints]);
        Assert.True(code == 0, stderr);
        AssertSame(managed, Parse(stdout));
    }

    /// <summary>Our checkpoints embedded by the C host equal their rows of the encoder's embeddings.csv (encode embed's output).</summary>
    [NativeLibraryFact]
    public void C_sample_gives_the_rows_encode_embed_wrote_for_the_zoo_checkpoints()
    {
        var (code, stdout, stderr) = Run(BuildSample(), [fixture.Encoder, fixture.Checkpoints[0], fixture.Checkpoints[1]]);
        Assert.True(code == 0, stderr);
        var rows = StructureReps.Graphs.Encoding.Embedder.ReadCsv(fixture.Embeddings);
        var native = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ').Skip(1).Select(v => (double)float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        foreach (var (vector, (run, epoch)) in native.Zip(new[] { (0, 0), (1, 5) }))
        {
            var row = rows.Single(r => r.Targets.Run == run && r.Targets.Epoch == epoch);
            // The graph from the checkpoint alone equals the one graphs build made from run.json and the checkpoint.
            Numerics.AssertClose(row.Vector.Select(v => (double)v).ToArray(), vector, 1e-5, 1e-6, $"run {run} epoch {epoch}");
        }
    }

    /// <summary>Where no OpenBLAS or LAPACKE is installed: the managed GEMM and the managed eigen solver, compiled ahead of time.</summary>
    [NativeLibraryFact]
    public void Without_native_BLAS_and_LAPACK_the_library_embeds_with_its_managed_kernels()
    {
        var managed = Predictor.Predict(fixture.Encoder, fixture.Probe, fixture.Checkpoints, CpuBackend.Default);
        var managedOnly = new Dictionary<string, string> { ["STRUCTUREREPS_BLAS"] = "none", ["STRUCTUREREPS_LAPACK"] = "managed" };
        string sample = BuildSample();
        var info = Run(sample, ["--info"], managedOnly);
        Assert.Contains("gemm managed", info.Stdout);
        Assert.Contains("lapack managed", info.Stdout);
        var (code, stdout, stderr) = Run(sample, ["--probe", fixture.Probe, fixture.Encoder, .. fixture.Checkpoints], managedOnly);
        Assert.True(code == 0, stderr);
        var native = Parse(stdout);
        for (int i = 0; i < managed.Count; i++)
        {
            // Other summation orders and another eigen solver (signs made canonical): equal to rounding.
            Numerics.AssertClose(managed[i].Embedding.Select(v => (double)v).ToArray(), native[i].Z, 1e-4, 1e-5, "embedding");
            Assert.Equal(managed[i].Test.Value, native[i].Test, 1e-4);
        }
    }

    [NativeLibraryFact]
    public void Python_sample_prints_what_the_C_sample_prints()
    {
        string[] args = ["--probe", fixture.Probe, fixture.Encoder, .. fixture.Checkpoints];
        var c = Run(BuildSample(), args);
        var python = Run("python3", [Path.Combine(NativeArtifacts.Root, "samples", "python", "embed.py"), .. args]);
        Assert.True(python.Code == 0, python.Stderr);
        Assert.Equal(c.Stdout, python.Stdout);
    }

    [NativeLibraryFact]
    public void Misuse_from_a_C_host_is_an_error_code_with_a_message_never_a_crash()
    {
        string program = Compile(Path.Combine(NativeArtifacts.Root, "tests", "StructureReps.Tests", "Native", "abi_check.c"), "-pthread");
        var (code, stdout, stderr) = Run(program, [fixture.Encoder, fixture.OtherEncoder, fixture.Probe, fixture.Checkpoints[1]]);
        Assert.True(code == 0, $"abi_check exited {code}:\n{stdout}\n{stderr}");
        Assert.Contains("ok four threads, one encoder", stdout);
        Assert.EndsWith("0 failures", stdout.Trim());
    }

    /// <summary>
    /// Random damage to valid checkpoint, encoder and probe bytes through the byte entry points, from a C host, with a
    /// fixed seed and count: never a crash, never SR_OK with a non-finite value, never a refusal without a message, and
    /// no memory growth over the second half.
    /// </summary>
    [NativeLibraryFact]
    public void Damaged_bytes_from_a_C_host_are_refused_with_a_message_or_give_finite_results()
    {
        string program = Compile(Path.Combine(NativeArtifacts.Root, "tests", "StructureReps.Tests", "Native", "fuzz_bytes.c"));
        var (code, stdout, stderr) = Run(program, [fixture.Encoder, fixture.Probe, fixture.Checkpoints[1], "7", "3000"]);
        Assert.True(code == 0, $"fuzz_bytes exited {code}:\n{stdout}\n{stderr}");
        Assert.Contains("3000 cases", stdout);
        Assert.Contains(" 0 failures", stdout);
    }

    [NativeLibraryFact]
    public void Bad_files_are_one_line_naming_the_file()
    {
        string sample = BuildSample();
        string cnn = Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch_cnn.safetensors");
        var (code, _, stderr) = Run(sample, [fixture.Encoder, cnn]);
        Assert.Equal(1, code);
        Assert.Equal($"embed: {cnn}: convs.0.weight: 3×3 kernel is wider than the zoo's edge width 1 (1×1)", stderr.Trim());
        (code, _, stderr) = Run(sample, ["--probe", fixture.Probe, fixture.OtherEncoder, fixture.Checkpoints[0]]);
        Assert.Equal(1, code);
        Assert.Contains("fitted on the embeddings of another encoder", stderr);
    }

    /// <summary>NativeAOT compiles Vector code for the publish-time level only: without it, the engine runs scalar.</summary>
    [NativeLibraryFact]
    public void The_library_runs_the_vector_paths_of_its_instruction_set()
    {
        var (code, stdout, _) = Run(BuildSample(), ["--info"]);
        Assert.Equal(0, code);
        Assert.Contains($"instruction set {NativeArtifacts.Level};", stdout);
        Assert.Contains("vector256 yes", stdout);
        Assert.Contains(NativeArtifacts.Level == "x86-64-v4" ? "vector512 yes" : "vector512 no", stdout);
    }

    private static void AssertSame(List<Prediction> managed, List<(string Path, double[] Z, double Train, double Test)> native)
    {
        Assert.Equal(managed.Select(m => m.Checkpoint), native.Select(n => n.Path));
        for (int i = 0; i < managed.Count; i++)
        {
            // One engine, one backend, one BLAS: the same arithmetic, so the same floats (printed with %.9g).
            Assert.Equal(managed[i].Embedding.Select(v => (double)v), native[i].Z);
            Assert.Equal(managed[i].Train.Value, native[i].Train, 1e-7);
            Assert.Equal(managed[i].Test.Value, native[i].Test, 1e-7);
        }
    }

    private static List<(string Path, double[] Z, double Train, double Test)> Parse(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var parts = line.Split(' ');
            double Value(string key) => double.Parse(parts.Single(p => p.StartsWith(key + "="))[(key.Length + 1)..], CultureInfo.InvariantCulture);
            var z = parts.Skip(1).Where(p => !p.Contains('=')).Select(p => (double)float.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            return (parts[0], z, Value("train"), Value("test"));
        }).ToList();

    private static string BuildSample()
    {
        var (code, stdout, stderr) = Run("make", ["-s", "-C", Path.Combine(NativeArtifacts.Root, "samples", "c"), $"LEVEL={NativeArtifacts.Level}"]);
        Assert.True(code == 0, $"make samples/c: {stdout}{stderr}");
        return Path.Combine(NativeArtifacts.Root, "samples", "c", "embed");
    }

    private static string Compile(string source, params string[] flags)
    {
        Assert.True(File.Exists(NativeArtifacts.Library), $"{NativeArtifacts.Library} is not published (bash scripts/publish-native.sh)");
        string libDir = Path.GetDirectoryName(NativeArtifacts.Library)!;
        string output = Path.Combine(Path.GetTempPath(), $"{Path.GetFileNameWithoutExtension(source)}-{Environment.ProcessId}");
        var (code, stdout, stderr) = Run("cc", ["-O1", "-Wall", "-Wextra", "-Werror", .. flags, "-I", NativeArtifacts.Include, "-o", output, source,
            "-L", libDir, "-lstructurereps", $"-Wl,-rpath,{libDir}"]);
        Assert.True(code == 0, $"cc {source}: {stdout}{stderr}");
        return output;
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string[] args, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(true); throw new TimeoutException($"{file} ran over 2 minutes"); }
        return (process.ExitCode, stdout, stderr.Result);
    }
}
