using System.Text;
using StructureReps.Core.Backends;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Conversion;
using StructureReps.Graphs.Encoding;
using StructureReps.Graphs.Spectral;
using StructureReps.Zoo.Training;

namespace StructureReps.Pipeline.Reports;

/// <summary>
/// Figure 2 (spec §7): covertype MLPs regular (54-64-64-7), deeper and wider with the same parameter count,
/// one EA+TC+LF encoder for all three zoos; (a) the embeddings' 2-D PCA coloured by variant with the
/// silhouette score, (b) coloured by test accuracy, (c) pairwise embedding distance against |Δ accuracy|
/// with Spearman ρ. Writes figure2a/b/c.png and returns the Markdown section for the report.
/// </summary>
/// <summary>Figure 2's report section, and its two numbers for the reading of the paper's claims.</summary>
public sealed record Figure2Result(string Markdown, double Silhouette, double Spearman);

public static class StructuralVariants
{
    public static readonly string[] Variants = ["regular", "deeper", "wider"];

    public static Figure2Result Run(string output, TaskPlan plan, int encoderEpochs, string dataRoot, PeOptions pe, IBackend backend,
        IReproduceProgress? progress = null, CancellationToken cancel = default)
    {
        var graphs = new List<NetworkGraph>();
        var variantOf = new List<string>();
        var archs = new Dictionary<string, string>();
        foreach (var variant in Variants)
        {
            // The regular variant is exactly the covertype task's zoo of the tables (same spec): share its folders
            // so it is trained and converted once.
            string name = variant == "regular" ? "covertype" : $"covertype-{variant}";
            string zooDir = Path.Combine(output, "zoos", name), graphDir = Path.Combine(output, "graphs", name);
            progress?.Stage("figure 2", $"covertype {variant}", $"{plan.Runs} runs × {plan.Epochs} epochs");
            var runs = new ZooRunner(new ZooSpec
            {
                Task = "covertype", Runs = plan.Runs, Epochs = plan.Epochs, Output = zooDir, Variant = variant, DataRoot = dataRoot,
                MaxTrain = plan.MaxTrain, MaxTest = plan.MaxTest,
            }, backend).Run(cancel);
            archs[variant] = $"{runs[0].Info.Architecture} ({runs[0].Info.ParameterCount:N0} parameters)";
            GraphZooBuilder.Build(zooDir, graphDir, pe, cancel: cancel);
            foreach (var g in GraphZooBuilder.Load(graphDir).SelectMany(r => r.Graphs))
            {
                graphs.Add(g);
                variantOf.Add(variant);
            }
        }
        // Run numbers repeat across the three zoos; keep them apart for the encoder's bookkeeping only via order.
        var config = EncoderConfig.Named("ea-tc-lf") with { Epochs = encoderEpochs, K = pe.K };
        string encDir = Path.Combine(output, "encoders", "covertype-variants", config.Name);
        progress?.Stage("figure 2", config.Label, $"one encoder for {graphs.Count} graphs of the three variants");
        // The three zoos are MLPs built with the same options: one featurizer.
        var featurizer = GraphZooBuilder.FeaturizerOf(Path.Combine(output, "graphs", "covertype"));
        var trained = new EncoderTrainer(config, backend) { Featurizer = featurizer }.Train(graphs, "covertype-variants", encDir, null, cancel);
        var rows = Embedder.Embed(trained, graphs, "covertype");
        var x = Reproduction.Features(rows);
        var accuracy = graphs.Select(g => g.Targets.TestPerformance).ToArray();
        var (px, py) = Plots.Pca2(x);
        double silhouette = Plots.Silhouette(x, variantOf);
        string figures = Path.Combine(output, "figures");
        Plots.ScatterByCategory(Path.Combine(figures, "figure2a.png"), $"Covertype structural variants, EA+TC+LF embeddings (silhouette {silhouette:F2})", px, py, variantOf);
        Plots.ScatterByValue(Path.Combine(figures, "figure2b.png"), "Coloured by test accuracy", px, py, accuracy);
        // (c): all pairs (up to ~20,000, a seeded sample beyond).
        var rng = new Core.Rng(2);
        var dist = new List<double>();
        var gap = new List<double>();
        int n = x.Count;
        long pairs = (long)n * (n - 1) / 2;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (pairs <= 20_000 || rng.NextDouble() < 20_000.0 / pairs)
                {
                    dist.Add(Plots.Distance(x[i], x[j]));
                    gap.Add(Math.Abs(accuracy[i] - accuracy[j]));
                }
        double rho = Correlation.Spearman(dist, gap);
        Plots.ScatterByCategory(Path.Combine(figures, "figure2c.png"), $"Embedding distance vs |Δ test accuracy| (Spearman ρ {rho:F2})",
            [.. dist], [.. gap], dist.Select(_ => "pair").ToList(), "embedding distance", "|Δ test accuracy|");
        var sb = new StringBuilder();
        sb.AppendLine("## Figure 2 — structural variants (covertype)\n");
        foreach (var (v, a) in archs) sb.AppendLine($"- {v}: {a}");
        sb.AppendLine($"- {graphs.Count} checkpoints, one EA+TC+LF encoder ({encoderEpochs} epochs) for all three");
        sb.AppendLine($"- (a) silhouette of the variants in embedding space: **{silhouette:F3}** (1 = separate clusters, 0 = mixed) — ![](figures/figure2a.png)");
        sb.AppendLine($"- (b) PCA coloured by test accuracy — ![](figures/figure2b.png)");
        sb.AppendLine($"- (c) Spearman ρ between pairwise embedding distance and |Δ test accuracy| over {dist.Count:N0} pairs: **{rho:F3}** — ![](figures/figure2c.png)");
        return new Figure2Result(sb.ToString(), silhouette, rho);
    }
}
