namespace StructureReps.Core.Backends;

/// <summary>
/// Optional fused kernel of the Edge-Attention layer's per-edge scoring MLP (<see cref="Ops.EdgeAttentionScore"/>),
/// for backends that implement it; others get the op composed from primitives. With t_e = LeakyReLU(W ε_e + b)
/// (W [H, D]) and u [H + 2D], c [1]:
/// <code>
///   score[e] = LeakyReLU(u · [t_e ‖ ε_e ‖ ε̃_e] + c)
/// </code>
/// The backward recomputes t_e instead of storing an [E, H] activation.
/// </summary>
public interface IFusedEdgeAttention
{
    /// <summary>score[e] = LeakyReLU(u·[t_e ‖ ε_e ‖ ε̃_e] + c) for e &lt; count; edges and noised are [count, dim].</summary>
    void EdgeAttentionScore(DeviceBuffer edges, DeviceBuffer noised, int count, int dim, DeviceBuffer w, DeviceBuffer b,
        int hidden, DeviceBuffer u, DeviceBuffer c, float slope, DeviceBuffer score);

    /// <summary>
    /// Adds the gradients of <see cref="EdgeAttentionScore"/> from dScore [count]: into dEdges and dNoised
    /// ([count, dim], when not null), dW [H, D], dB [H], dU [H + 2D] and dC [1]. The parameter gradients are
    /// sums over edges, added in a fixed order of fixed-size edge blocks (the same bits for any thread count).
    /// </summary>
    void EdgeAttentionScoreBackward(DeviceBuffer edges, DeviceBuffer noised, int count, int dim, DeviceBuffer w,
        DeviceBuffer b, int hidden, DeviceBuffer u, DeviceBuffer c, float slope, DeviceBuffer dScore,
        DeviceBuffer? dEdges, DeviceBuffer? dNoised, DeviceBuffer dW, DeviceBuffer dB, DeviceBuffer dU, DeviceBuffer dC);
}
