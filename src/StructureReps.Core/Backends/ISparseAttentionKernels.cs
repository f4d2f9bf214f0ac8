using StructureReps.Core.Sparse;

namespace StructureReps.Core.Backends;

/// <summary>
/// Optional fused kernels of graph attention over a CSR: segment softmax and its adjoint, attention-weighted
/// aggregation and per-edge dot products, each with no E-sized temporaries. Without them (<see cref="Capabilities"/>)
/// they run composed from gathers, elementwise ops and segment reductions (Composed/ComposedSparseAttention.cs).
/// </summary>
public interface ISparseAttentionKernels
{
    /// <summary>
    /// Softmax of src [E, cols] over the elements of each segment, per column (PyG's utils.softmax):
    /// dst = exp(src − segmax) / (Σ_segment exp(src − segmax) + 1e-16).
    /// </summary>
    void SegmentSoftmax(DeviceBuffer src, int cols, SegmentIndex segments, DeviceBuffer dst);

    /// <summary>
    /// The adjoint of <see cref="SegmentSoftmax"/> from its output y and output gradient dy, per segment and
    /// column: dsrc[e] += y[e] · (dy[e] − Σ_{e' in segment} dy[e']·y[e']). No E-sized temporary.
    /// </summary>
    void SegmentSoftmaxBackward(DeviceBuffer y, DeviceBuffer dy, int cols, SegmentIndex segments, DeviceBuffer dsrc);

    /// <summary>
    /// Attention-weighted aggregation over a CSR (sparse × dense): with rows of H·C elements split into
    /// <paramref name="heads"/> blocks of <paramref name="channels"/>,
    /// dst[s, h·C + c] (+)= Σ_{e in segment s, CSR order} w[e, h] · src[gather[e], h·C + c]. w is [E, H]; empty
    /// segments give 0. Deterministic as <see cref="SegmentReduce"/>: each output is summed by one thread in CSR order.
    /// </summary>
    void SegmentWeightedSum(DeviceBuffer src, int heads, int channels, IndexBuffer gather, DeviceBuffer weights,
        SegmentIndex segments, DeviceBuffer dst, bool accumulate);

    /// <summary>
    /// Per-edge, per-head dot products of gathered rows (sampled dense × dense):
    /// dst[e, h] (+)= Σ_c a[ia[e], h·C + c] · b[ib[e], h·C + c] for e &lt; count; a and b have rows of H·C elements.
    /// </summary>
    void EdgeDot(DeviceBuffer a, IndexBuffer ia, DeviceBuffer b, IndexBuffer ib, int count, int heads, int channels,
        DeviceBuffer dst, bool accumulate);
}
