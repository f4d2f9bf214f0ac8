using System.Text;
using StructureReps.Core;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Encoding;

namespace StructureReps.Pipeline.Reports;

/// <summary>
/// report.md: per split mode, Table 1 (train performance) and Table 2 (test performance) — Pearson r as
/// "mean (variance)" over the seeds, the paper's value beside ours, the baselines below — then Spearman ρ,
/// Kendall τ and R² of the random split, and a line per task on whether the paper's ordering
/// EA+TC+LF > EA+GC+LF > GC+LF > GC+RF holds.
/// </summary>
public static class ReportWriter
{
    /// <summary>The report's rows: the encoders run (the paper's four keep the paper's labels), then the baselines.</summary>
    private static (Method Key, string Label)[] MethodsOf(ReproduceOptions options) =>
    [
        .. options.Encoders.Select(n => (Method.Of(n), n == "ea-tc-lf" ? "EA+TC+LF (StructureReps)" : EncoderConfig.Named(n).Label)),
        (Method.Untrained, $"baseline: {(options.Encoders.Count > 0 ? EncoderConfig.Named(options.Encoders[0]).Label : "")} untrained"),
        (Method.Epoch, "baseline: epoch number"), (Method.StatNn, "baseline: StatNN weight statistics"),
    ];

    public static string Render(Reproduction.Outcome outcome, ReproduceOptions options, string command)
    {
        var sb = new StringBuilder();
        var methods = MethodsOf(options);
        var tasks = options.Tasks.Select(t => t.Task).Where(t => !outcome.Missing.ContainsKey(t)).ToList();
        sb.AppendLine("# StructureReps reproduction report\n");
        sb.AppendLine($"- command: `{command}`");
        sb.AppendLine($"- mode: {(options.Quick ? "quick (small zoos, few epochs — a smoke test of the pipeline, not the paper's scale)" : options.Paper ? "paper (one network per task, a graph per epoch, split at random)" : "full")}; encoder epochs {options.EncoderEpochs}; probe seeds {options.Seeds}{(options.EncoderSeeds > 1 ? $"; encoder seeds {options.EncoderSeeds} (each row pools {options.EncoderSeeds} × {options.Seeds} probes)" : "")}");
        sb.AppendLine($"- machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        sb.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; wall time {outcome.Elapsed.TotalMinutes:F1} min");
        sb.AppendLine();
        sb.Append(ClaimReading.Render(outcome, options));
        sb.AppendLine("## Zoos\n");
        foreach (var plan in options.Tasks)
            sb.AppendLine(outcome.Missing.TryGetValue(plan.Task, out var why) ? $"- **{plan.Task}: not run — data missing** ({why})" : $"- {plan.Task}: {outcome.ZooSummary[plan.Task]}");
        sb.AppendLine();
        var splits = Splits.Modes.Append(Split.Inductive).Where(m => outcome.Results.Any(r => r.Split == m));
        foreach (var split in splits)
        {
            foreach (var (target, title) in new[] { (Target.Train, "Table 1 — train performance"), (Target.Test, "Table 2 — test performance") })
            {
                sb.AppendLine($"## {title}, split `{split.Name()}`\n");
                sb.AppendLine("Pearson r between the probe's prediction and the truth on the held-out 20 %: ours, mean (variance) over the seeds | paper.\n");
                if (split == Split.Inductive)
                    sb.AppendLine($"Split `by-run`, and each seed's encoder trained on that split's training runs only ({string.Join(", ", options.InductiveEncoders.Select(n => EncoderConfig.Named(n).Label))}; other encoders —); the baselines need no encoder, so their rows equal `by-run` on the first {options.InductiveSeeds} seeds. The paper reports the transductive random split only.\n");
                sb.AppendLine("| encoder | " + string.Join(" | ", tasks) + " |");
                sb.AppendLine("|---|" + string.Concat(tasks.Select(_ => "---|")));
                foreach (var (key, label) in methods)
                {
                    var cells = tasks.Select(t =>
                    {
                        var r = outcome.Results.Find(t, key, split, target);
                        string ours = r?.Summary.Format() ?? "—";
                        var paper = PaperNumbers.Get(key, t, target);
                        return paper is { } p ? $"{ours} \\| {p.Mean:F2} ({p.Variance:G2})" : ours;
                    });
                    sb.AppendLine($"| {label} | {string.Join(" | ", cells)} |");
                }
                sb.AppendLine();
            }
        }
        if (outcome.Reconstruction is { Count: > 0 } reconstruction)
        {
            sb.AppendLine("## Reconstruction\n");
            sb.AppendLine("AUC of the decoder on μ (no noise: what the embeddings are made of), last encoder epoch: mean, and the range over the encoder seeds.\n");
            sb.AppendLine("| encoder | " + string.Join(" | ", tasks) + " |");
            sb.AppendLine("|---|" + string.Concat(tasks.Select(_ => "---|")));
            foreach (var (key, label) in methods.Where(m => m.Key.Kind == MethodKind.Encoder))
                sb.AppendLine($"| {label} | " + string.Join(" | ", tasks.Select(t => reconstruction.TryGetValue((t, key.Key), out var aucs) && aucs.Count > 0
                    ? aucs.Count == 1 ? $"{aucs[0]:F2}" : $"{aucs.Average():F2} ({aucs.Min():F2}–{aucs.Max():F2})"
                    : "—")) + " |");
            sb.AppendLine();
        }
        sb.AppendLine("## Other metrics (split `random`, test performance)\n");
        sb.AppendLine("| task | encoder | Pearson r | Spearman ρ | Kendall τ | R² |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var t in tasks)
            foreach (var (key, label) in methods)
                if (outcome.Results.Find(t, key, Split.Random, Target.Test) is { } r)
                    sb.AppendLine($"| {t} | {label} | {r.Summary.PearsonMean:F3} | {r.Summary.SpearmanMean:F3} | {r.Summary.KendallMean:F3} | {r.Summary.R2Mean:F3} |");
        sb.AppendLine();
        // Rank agreement on every split: a probe can correlate well and still order networks poorly.
        var splitNames = Splits.Modes.Append(Split.Inductive).Where(m => outcome.Results.Any(r => r.Split == m)).ToList();
        sb.AppendLine("## Kendall τ per split (test performance)\n");
        sb.AppendLine("| task | encoder | " + string.Join(" | ", splitNames.Select(s => s.Name())) + " |");
        sb.AppendLine("|---|---|" + string.Concat(splitNames.Select(_ => "---|")));
        foreach (var t in tasks)
            foreach (var (key, label) in methods)
            {
                var cells = splitNames.Select(sp => outcome.Results.Find(t, key, sp, Target.Test)
                    is { } r ? $"{r.Summary.KendallMean:F3}" : "—").ToList();
                if (cells.Any(c => c != "—")) sb.AppendLine($"| {t} | {label} | {string.Join(" | ", cells)} |");
            }
        sb.AppendLine();
        sb.AppendLine("## Does the paper's ordering hold?\n");
        sb.AppendLine("The paper finds EA+TC+LF > EA+GC+LF > GC+LF > GC+RF on every task (Pearson r, test performance, split `random`).\n");
        foreach (var t in tasks)
        {
            var rs = EncoderConfig.Names.Select(n => (n, r: outcome.Results.Find(t, Method.Of(n), Split.Random, Target.Test)?.Summary.PearsonMean ?? double.NaN)).ToList();
            if (rs.Count(x => !double.IsNaN(x.r)) < 4) { sb.AppendLine($"- {t}: not all four encoders were run"); continue; }
            bool holds = rs.Zip(rs.Skip(1)).All(p => p.First.r > p.Second.r);
            var ordered = string.Join(" > ", rs.OrderByDescending(x => x.r).Select(x => $"{EncoderConfig.Named(x.n).Label} ({x.r:F2})"));
            sb.AppendLine($"- {t}: {(holds ? "**holds**" : "**does not hold**")} — ours: {ordered}");
        }
        if (outcome.Figure2 is { } figure2) sb.AppendLine().Append(figure2.Markdown);
        return sb.ToString();
    }

    public static void Write(string path, string markdown) => AtomicFile.WriteAllText(path, markdown);
}
