using System.Runtime.InteropServices;

namespace StructureReps.Graphs.Spectral;

/// <summary>One loaded native LAPACK: its LAPACKE_dsyevr entry point and where it came from.</summary>
public sealed unsafe class LapackLibrary
{
    private const int RowMajor = 101;
    private readonly delegate* unmanaged<int, byte, byte, byte, int, double*, int, double, double, int, int, double, int*, double*, double*, int, int*, int> _dsyevr;

    private LapackLibrary(string kind, string file, IntPtr dsyevr)
    {
        Kind = kind;
        File = file;
        _dsyevr = (delegate* unmanaged<int, byte, byte, byte, int, double*, int, double, double, int, int, double, int*, double*, double*, int, int*, int>)dsyevr;
    }

    /// <summary>"mkl" or "system".</summary>
    public string Kind { get; }
    public string File { get; }

    /// <summary>Library names tried per kind, in order: MKL's runtime, then Debian's LAPACKE (over OpenBLAS).</summary>
    public static readonly IReadOnlyList<(string Kind, string File)> Candidates =
    [
        ("mkl", "libmkl_rt.so.2"), ("mkl", "libmkl_rt.so"), ("mkl", "mkl_rt.2.dll"),
        ("system", "liblapacke.so.3"), ("system", "liblapacke.so"), ("system", "liblapacke.dll"),
    ];

    /// <summary>The first library of <paramref name="kind"/> that loads and exports LAPACKE_dsyevr, or null.</summary>
    public static LapackLibrary? TryOpen(string kind)
    {
        foreach (var (k, file) in Candidates)
        {
            if (k != kind) continue;
            if (!NativeLibrary.TryLoad(file, typeof(LapackLibrary).Assembly, null, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "LAPACKE_dsyevr", out var fn)) return new LapackLibrary(k, file, fn);
        }
        return null;
    }

    /// <summary>
    /// Eigenvalues il..iu (1-based, ascending) of the symmetric row-major matrix a [n, n] and their
    /// eigenvectors as columns of z [n, iu − il + 1]. <paramref name="a"/> is overwritten.
    /// </summary>
    public (double[] Values, double[] Vectors) Dsyevr(double[] a, int n, int il, int iu)
    {
        int cols = iu - il + 1;
        var w = new double[Math.Max(1, n)];
        var z = new double[Math.Max(1, (long)n * cols)];
        var isuppz = new int[2 * Math.Max(1, cols)];
        int found, info;
        fixed (double* pa = a, pw = w, pz = z)
        fixed (int* ps = isuppz)
            info = _dsyevr(RowMajor, (byte)'V', (byte)'I', (byte)'U', n, pa, n, 0, 0, il, iu, 0.0, &found, pw, pz, cols, ps);
        if (info != 0) throw new InvalidOperationException($"LAPACKE_dsyevr ({this}) failed with info = {info} for n = {n}, eigenvalues {il}..{iu}");
        if (found != cols) throw new InvalidOperationException($"LAPACKE_dsyevr ({this}) returned {found} eigenvalues, asked for {cols}");
        return (w[..cols], z);
    }

    public override string ToString() => $"{Kind} ({File})";
}

/// <summary>
/// The process's choice of eigen solver for the dense path: MKL (libmkl_rt) first, then the system LAPACK
/// (Debian's liblapacke.so.3 over OpenBLAS), else MathNet.Numerics' managed solver — nothing native is
/// required. STRUCTUREREPS_LAPACK = auto | mkl | system | managed chooses, as does the CLI's --lapack.
/// </summary>
public static class Lapack
{
    private static readonly object Gate = new();
    private static string _choice = (Environment.GetEnvironmentVariable("STRUCTUREREPS_LAPACK") ?? "auto").Trim().ToLowerInvariant();
    private static (LapackLibrary? Library, string Provider)? _resolved;

    /// <summary>auto | mkl | system | managed. Set it before the first solve (the CLI's --lapack).</summary>
    public static string Choice
    {
        get => _choice;
        set
        {
            if (value is not ("auto" or "mkl" or "system" or "managed"))
                throw new ArgumentException($"LAPACK provider '{value}': expected auto, mkl, system or managed");
            lock (Gate) { _choice = value; _resolved = null; }
        }
    }

    /// <summary>The native library in use, or null for the managed solver.</summary>
    public static LapackLibrary? Library => Resolve().Library;

    /// <summary>For logs: "system (liblapacke.so.3)", "mkl (libmkl_rt.so.2)" or "managed (…)".</summary>
    public static string Provider => Resolve().Provider;

    private static (LapackLibrary? Library, string Provider) Resolve()
    {
        lock (Gate)
        {
            if (_resolved is { } r) return r;
            LapackLibrary? lib = _choice switch
            {
                "managed" => null,
                "mkl" => LapackLibrary.TryOpen("mkl") ?? throw new InvalidOperationException("LAPACK provider mkl: MKL's libmkl_rt.so.2 could not be loaded (is MKL installed and on LD_LIBRARY_PATH?)"),
                "system" => LapackLibrary.TryOpen("system") ?? throw new InvalidOperationException("LAPACK provider system: liblapacke.so.3 could not be loaded (apt-get install liblapacke libopenblas0-pthread)"),
                "auto" => LapackLibrary.TryOpen("mkl") ?? LapackLibrary.TryOpen("system"),
                _ => throw new ArgumentException($"STRUCTUREREPS_LAPACK '{_choice}': expected auto, mkl, system or managed"),
            };
            string provider = lib?.ToString() ?? (_choice == "managed" ? "managed (MathNet.Numerics, as asked)" : "managed (MathNet.Numerics; no native LAPACK found)");
            _resolved = (lib, provider);
            return _resolved.Value;
        }
    }
}
