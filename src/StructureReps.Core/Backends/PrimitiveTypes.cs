namespace StructureReps.Core.Backends;

public enum BinaryOp { Add, Sub, Mul, Div }

public enum ReduceOp { Sum, Mean, Max }

public enum OptimizerKind { Sgd, Adam, AdamW }

/// <summary>
/// Shape of a (batched) row-major GEMM: C[m,n] = op(A)[m,k]·op(B)[k,n]. op(A) = Aᵀ when <see cref="TransA"/>
/// (A stored [k,m]); op(B) = Bᵀ when <see cref="TransB"/> (B stored [n,k]). Batch b reads A at
/// OffsetA + b·StrideA, and so on; a stride of 0 shares one matrix across the batch (never for C).
/// </summary>
public readonly record struct GemmShape(
    bool TransA, bool TransB, int M, int N, int K,
    int Batch = 1, int OffsetA = 0, int StrideA = 0, int OffsetB = 0, int StrideB = 0, int OffsetC = 0, int StrideC = 0)
{
    public int Lda => TransA ? M : K;
    public int Ldb => TransB ? K : N;
    public int Ldc => N;
}

/// <summary>
/// Geometry of a 2-D convolution or pooling window over x [Batch, Channels, H, W] with a kh×kw window,
/// stride and zero padding; output Ho×Wo (floor mode, as PyTorch).
/// </summary>
public readonly record struct ConvShape(int Batch, int Channels, int H, int W, int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1, int PadH = 0, int PadW = 0)
{
    // Floor division: a window larger than the padded input gives 0 (C#'s / would truncate −1/2 to 0 → 1).
    public int OutH => (int)Math.Floor((double)(H + 2 * PadH - KernelH) / StrideH) + 1;
    public int OutW => (int)Math.Floor((double)(W + 2 * PadW - KernelW) / StrideW) + 1;
    public int ColRows => Channels * KernelH * KernelW;
    public int Pixels => OutH * OutW;

    /// <summary>Columns of the im2col matrix: every output pixel of every image.</summary>
    public int ColCols => Batch * OutH * OutW;
}

/// <summary>One optimizer step's hyper-parameters (PyTorch's semantics; <see cref="Step"/> counts from 1).</summary>
public readonly record struct OptimizerStep(
    OptimizerKind Kind, float LearningRate, float WeightDecay = 0f, float Momentum = 0f, bool Nesterov = false,
    float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f, int Step = 1);
