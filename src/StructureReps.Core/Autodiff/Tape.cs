namespace StructureReps.Core.Autodiff;

/// <summary>
/// The reverse-mode tape. Each op output records its parents and a backward rule (micrograd-style: the rule sits
/// beside its forward in the op's file); <see cref="Backward"/> orders the recorded graph topologically and runs
/// the rules from the output back to the leaves. Rules add (+=) into their parents' gradients.
/// </summary>
public static class Tape
{
    [ThreadStatic] private static int _noGradDepth;

    /// <summary>Whether ops record their backward rules on this thread.</summary>
    public static bool IsRecording => _noGradDepth == 0;

    /// <summary>Turns recording off on this thread until the returned scope is disposed (inference, updates).</summary>
    public static IDisposable NoGrad()
    {
        _noGradDepth++;
        return new NoGradScope();
    }

    private sealed class NoGradScope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _noGradDepth--;
        }
    }

    /// <summary>
    /// Attaches <paramref name="rule"/> to <paramref name="output"/> when recording and some parent needs a
    /// gradient. The rule receives the output's gradient and must add into the parents that require one.
    /// </summary>
    public static Tensor Record(Tensor output, Tensor[] parents, Action<Tensor> rule)
    {
        if (!IsRecording) return output;
        bool any = false;
        foreach (var p in parents) any |= p.RequiresGrad;
        if (!any) return output;
        output.RequiresGrad = true;
        output.Parents = parents;
        output.BackwardRule = rule;
        return output;
    }

    internal static void Backward(Tensor root, Tensor? seed)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: this tensor does not require a gradient (no input of it has RequiresGrad set)");
        bool implicitSeed = seed is null;
        if (seed is null)
        {
            if (root.Length != 1)
                throw new InvalidOperationException($"Backward: an implicit seed needs a scalar; this tensor is {Shapes.Format(root.Shape)}, pass its gradient");
            seed = Tensor.Full(root.Shape, 1f, root.Backend);
        }
        else
        {
            Shapes.Equal("Backward", root, seed);
        }
        // The seed is copied into a gradient made here (no zero fill of a buffer the copy overwrites), added to one
        // that exists.
        bool fresh = root.Grad is null;
        root.Backend.CopyBlocks(seed.Data, 0, 0, root.GradBuffer(zeroed: false), 0, 0, 1, root.Length,
            accumulate: !fresh);
        if (implicitSeed) root.Backend.Return(seed.Data);

        var order = TopologicalOrder(root);
        using var _ = NoGrad();
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            if (node.BackwardRule is null || node.Grad is null) continue;
            node.BackwardRule(node.Grad);
            // Free the graph as we go (no retain_graph): the rule and its saved activations are dropped, and an
            // interior gradient goes straight back to the pool (every consumer of this node ran before it).
            // Activations stay until their BufferScope ends: the caller may still read them (logits, μ).
            node.BackwardRule = null;
            node.Parents = null;
            if (!node.RetainGrad)
            {
                node.Backend.Return(node.Grad.Data);
                node.Grad = null;
            }
        }
    }

    /// <summary>Post-order of the graph under <paramref name="root"/>, iteratively (deep graphs must not overflow the stack).</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Node, int Next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            var parents = node.Parents;
            if (parents is not null && next < parents.Length)
            {
                stack.Push((node, next + 1));
                var p = parents[next];
                if (p.RequiresGrad && visited.Add(p)) stack.Push((p, 0));
            }
            else
            {
                order.Add(node);
            }
        }
        return order;
    }
}
