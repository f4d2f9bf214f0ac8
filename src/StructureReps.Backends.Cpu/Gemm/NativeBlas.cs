using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace StructureReps.Backends.Cpu.Gemm;

/// <summary>
/// cblas_sgemm from a native BLAS, found at run time: MKL (libmkl_rt) first, then OpenBLAS. No native library
/// is required: when none loads, <see cref="IsAvailable"/> is false and the managed GEMM is used.
/// The environment variable STRUCTUREREPS_BLAS = auto | mkl | openblas | none chooses (default auto).
/// </summary>
public static unsafe class NativeBlas
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;

    static NativeBlas()
    {
        string choice = (Environment.GetEnvironmentVariable("STRUCTUREREPS_BLAS") ?? "auto").Trim().ToLowerInvariant();
        (string Kind, string File)[] candidates =
        [
            ("mkl", "libmkl_rt.so.2"), ("mkl", "libmkl_rt.so"), ("mkl", "mkl_rt.2.dll"),
            ("openblas", "libopenblas.so.0"), ("openblas", "libopenblas.so"), ("openblas", "libopenblas.dll"),
        ];
        foreach (var (kind, file) in candidates)
        {
            if (choice != "auto" && choice != kind) continue;
            if (kind == "openblas") PreferAvx512Kernels();
            if (!NativeLibrary.TryLoad(file, typeof(NativeBlas).Assembly, null, out var handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm)) continue;
            Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
            Provider = $"{kind} ({file})";
            SingleThreaded = UseOneThread(handle);
            return;
        }
        Provider = choice == "none" ? "none (STRUCTUREREPS_BLAS=none)" : "none (no native BLAS found)";
    }

    /// <summary>
    /// One thread pool, ours: the library's own workers spin in sched_yield between calls (a third of all CPU
    /// samples on 2 cores) and fight our Parallel.For workers, so the library runs single-threaded and
    /// <see cref="CpuBackend.Gemm"/> splits large products over our workers instead.
    /// </summary>
    private static bool UseOneThread(IntPtr handle)
    {
        foreach (var name in new[] { "openblas_set_num_threads", "MKL_Set_Num_Threads" })
        {
            if (!NativeLibrary.TryGetExport(handle, name, out var setThreads)) continue;
            ((delegate* unmanaged<int, void>)setThreads)(1);
            return true;
        }
        return false;
    }

    /// <summary>Whether the library was told to use one thread (false: it threads on its own; we do not split).</summary>
    public static bool SingleThreaded { get; }

    /// <summary>Whether a native cblas_sgemm was loaded.</summary>
    public static bool IsAvailable => Sgemm != null;

    /// <summary>Which library serves GEMM, for logs: "openblas (libopenblas.so.0)" or "none (…)".</summary>
    public static string Provider { get; }

    /// <summary>Row-major C = alpha·op(A)·op(B) + beta·C through cblas_sgemm.</summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        if (Sgemm == null) throw new InvalidOperationException("no native BLAS is loaded");
        Sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// OpenBLAS 0.3.21 (Debian 12) takes AVX-512 CPUs for Haswell; OPENBLAS_CORETYPE=SkylakeX nearly doubles
    /// sgemm there. OpenBLAS reads it from the native environment when it loads, and .NET's
    /// Environment.SetEnvironmentVariable does not reach that environment, so set it through libc.
    /// A value the user set is kept.
    /// </summary>
    private static void PreferAvx512Kernels()
    {
        if (!OperatingSystem.IsLinux() || !Avx512F.IsSupported) return;
        try
        {
            if (getenv("OPENBLAS_CORETYPE") == IntPtr.Zero) setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
        }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr getenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
