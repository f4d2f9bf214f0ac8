using StructureReps.Core;
using StructureReps.Nn;
using StructureReps.Nn.Modules;

namespace StructureReps.Graphs.Layers;

/// <summary>
/// Edge Attention (paper A1.2, spec §4): node features from the features of the edges into each node.
/// For node j over its incoming edges (i, j) with feature ε_ij (width D):
/// <code>
///   t     = LeakyReLU(Θ_ε ε + b_ε)                     [E, d_t]   (d_t = 16, slope 0.2)
///   ε̃     = ε + σ·N(0, 1) in training, ε at inference   [E, D]     (σ = 0.1)
///   p     = Θ_lin [t ‖ ε ‖ ε̃] + b_lin                  [E, d_p]   (d_p = 16)
///   s     = LeakyReLU(a·p)                              [E]
///   α_ij  = softmax of s over the edges into j
///   x'_j  = Σ_i α_ij ε_ij                               [N, D]     (0 for a node with no edge)
/// </code>
/// A first layer only: its output (with LF or RF) is the VGAE's input.
/// </summary>
public sealed class EdgeAttention : Module
{
    private readonly Linear _edge;
    private readonly Linear _lin;

    public EdgeAttention(int edgeDim, Rng rng, int hidden = 16, int projection = 16, float noise = 0.1f, Core.Backends.IBackend? backend = null)
    {
        EdgeDim = edgeDim;
        Noise = noise;
        _edge = RegisterModule("lin_edge", new Linear(edgeDim, hidden, rng, backend: backend));
        _lin = RegisterModule("lin", new Linear(hidden + 2 * edgeDim, projection, rng, backend: backend));
        Att = RegisterParameter("att", Init.GlorotUniform([projection, 1], projection, 1, rng, backend));
    }

    public int EdgeDim { get; }
    public float Noise { get; }
    public Tensor Att { get; }

    /// <summary>edgeAttr [E, D], target [E] in [0, nodes) → [nodes, D]. <paramref name="rng"/> draws the training noise.</summary>
    public Tensor Forward(Tensor edgeAttr, IndexTensor target, int nodes, Rng? rng = null)
    {
        if (edgeAttr.Rank != 2 || edgeAttr.Shape[1] != EdgeDim || edgeAttr.Shape[0] != target.Length)
            throw new ShapeMismatchException($"{this}: edge features must be [{target.Length}, {EdgeDim}], got {Shapes.Format(edgeAttr.Shape)}");
        var noised = edgeAttr;
        if (Training && Noise > 0)
        {
            if (rng is null) throw new InvalidOperationException($"{this}: training needs an Rng for the edge noise");
            noised = edgeAttr + rng.NormalTensor(edgeAttr.Shape, edgeAttr.Backend, 0, Noise);
        }
        // t, p and the score in one op: no [E, 16] activation is stored (the backward recomputes t).
        var score = Ops.EdgeAttentionScore(edgeAttr, noised, _edge.Weight, _edge.Bias!, _lin.Weight, _lin.Bias!, Att, 0.2f); // [E, 1]
        var alpha = Ops.SegmentSoftmax(score, target, nodes);                // [E, 1]
        return Ops.ScatterAdd(edgeAttr * alpha, target, nodes);              // [N, D]
    }

    public override string ToString() => $"EdgeAttention({EdgeDim}, hidden={_edge.OutFeatures}, proj={_lin.OutFeatures}, noise={Noise})";
}
