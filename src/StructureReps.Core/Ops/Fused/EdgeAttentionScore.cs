using StructureReps.Core.Autodiff;
using StructureReps.Core.Backends;

namespace StructureReps.Core;

public static partial class Ops
{
    /// <summary>
    /// The Edge-Attention layer's per-edge score (paper A1.2) as one op: edges ε and noised ε̃ [E, D],
    /// lin_edge (wEdge [H, D], bEdge [H]), lin (wLin [P, H + 2D], bLin [P]), att [P, 1] →
    /// <code>
    ///   t = LeakyReLU(ε wEdgeᵀ + bEdge)                     [E, H]
    ///   score = LeakyReLU(([t ‖ ε ‖ ε̃] wLinᵀ + bLin) att)   [E, 1]
    /// </code>
    /// Since att is a vector, lin and att fold into u = wLinᵀ att [H + 2D] and c = bLin · att, so a backend with
    /// <see cref="IFusedEdgeAttention"/> computes each edge in registers and its backward recomputes t: no
    /// [E, H] or [E, P] activation is kept. Backward: with dq = dscore·LeakyReLU'(q), du = Σ dq [t ‖ ε ‖ ε̃],
    /// dc = Σ dq, dh = dq u_t ⊙ LeakyReLU'(h): dwEdge += Σ dh εᵀ, dbEdge += Σ dh, dε += wEdgeᵀ dh + dq u_ε,
    /// dε̃ += dq u_ε̃, dwLin += att duᵀ, dbLin += att dc, datt += wLin du + bLin dc. Other backends compose the
    /// same formula from Linear, Concat and LeakyReLU.
    /// </summary>
    public static Tensor EdgeAttentionScore(Tensor edges, Tensor noised, Tensor wEdge, Tensor bEdge, Tensor wLin, Tensor bLin,
        Tensor att, float slope = 0.2f)
    {
        const string op = "EdgeAttentionScore";
        Shapes.Rank(op, "edges", edges, 2);
        int e = edges.Shape[0], d = edges.Shape[1], h = wEdge.Shape[0], p = wLin.Shape[0];
        if (!noised.Shape.SequenceEqual(edges.Shape) || wEdge.Rank != 2 || wEdge.Shape[1] != d || bEdge.Rank != 1 || bEdge.Shape[0] != h
            || wLin.Rank != 2 || wLin.Shape[1] != h + 2 * d || bLin.Rank != 1 || bLin.Shape[0] != p || att.Rank != 2 || att.Shape[0] != p || att.Shape[1] != 1)
            throw new ShapeMismatchException(
                $"{op}: expected edges and noised [E, D], wEdge [H, D], bEdge [H], wLin [P, H + 2D], bLin [P], att [P, 1]; got edges {Shapes.Format(edges.Shape)}, noised {Shapes.Format(noised.Shape)}, wEdge {Shapes.Format(wEdge.Shape)}, bEdge {Shapes.Format(bEdge.Shape)}, wLin {Shapes.Format(wLin.Shape)}, bLin {Shapes.Format(bLin.Shape)}, att {Shapes.Format(att.Shape)}");
        var be = edges.Backend;
        foreach (var t in new[] { noised, wEdge, bEdge, wLin, bLin, att }) Shapes.SameBackend(op, edges, t);
        if (be is not IFusedEdgeAttention fused)
        {
            var hidden = LeakyRelu(Linear(edges, wEdge, bEdge), slope);
            return LeakyRelu(MatMul(Linear(Concat([hidden, edges, noised], 1), wLin, bLin), att), slope);
        }

        int width = h + 2 * d;
        // u = wLinᵀ att, c = bLin·att: tiny products, recomputed in backward rather than kept.
        (DeviceBuffer U, DeviceBuffer C) Fold()
        {
            var fu = OpSupport.Scratch(be, width);
            var fc = OpSupport.Scratch(be, 1);
            be.Gemm(new GemmShape(true, false, width, 1, p), 1f, wLin.Data, att.Data, 0f, fu);
            be.Gemm(new GemmShape(false, false, 1, 1, p), 1f, bLin.Data, att.Data, 0f, fc);
            return (fu, fc);
        }
        var (u, c) = Fold();
        var score = OpSupport.Output(be, [e, 1]);
        fused.EdgeAttentionScore(edges.Data, noised.Data, e, d, wEdge.Data, bEdge.Data, h, u, c, slope, score.Data);
        OpSupport.Release(u);
        OpSupport.Release(c);
        return Tape.Record(score, [edges, noised, wEdge, bEdge, wLin, bLin, att], dScore =>
        {
            var (u2, c2) = Fold();
            var dU = OpSupport.Scratch(be, width, zeroed: true);
            var dC = OpSupport.Scratch(be, 1, zeroed: true);
            // Parameter gradients of lin_edge go straight into theirs when wanted, else into scratch.
            var dW = wEdge.RequiresGrad ? wEdge.GradBuffer() : OpSupport.Scratch(be, h * d, zeroed: true);
            var dB = bEdge.RequiresGrad ? bEdge.GradBuffer() : OpSupport.Scratch(be, h, zeroed: true);
            fused.EdgeAttentionScoreBackward(edges.Data, noised.Data, e, d, wEdge.Data, bEdge.Data, h, u2, c2, slope, dScore.Data,
                edges.RequiresGrad ? edges.GradBuffer() : null, noised.RequiresGrad ? noised.GradBuffer() : null, dW, dB, dU, dC);
            if (wLin.RequiresGrad) be.Gemm(new GemmShape(false, true, p, width, 1), 1f, att.Data, dU, 1f, wLin.GradBuffer());
            if (bLin.RequiresGrad) be.Gemm(new GemmShape(false, false, p, 1, 1), 1f, att.Data, dC, 1f, bLin.GradBuffer());
            if (att.RequiresGrad)
            {
                be.Gemm(new GemmShape(false, false, p, 1, width), 1f, wLin.Data, dU, 1f, att.GradBuffer());
                be.Gemm(new GemmShape(false, false, p, 1, 1), 1f, bLin.Data, dC, 1f, att.GradBuffer());
            }
            if (!wEdge.RequiresGrad) OpSupport.Release(dW);
            if (!bEdge.RequiresGrad) OpSupport.Release(dB);
            foreach (var buffer in new[] { u2, c2, dU, dC }) OpSupport.Release(buffer);
        });
    }
}
