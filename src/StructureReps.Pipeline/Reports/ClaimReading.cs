using System.Globalization;
using System.Text;
using StructureReps.Decoding.Probing;
using StructureReps.Graphs.Encoding;

namespace StructureReps.Pipeline.Reports;

/// <summary>
/// The top of report.md: each claim of the paper (Tables 1–2, Figure 2) read against this run as holds / does not
/// hold / not tested, with the numbers, and the ways our data differ from the paper's. The rules are stated in the
/// section, so a reader can disagree with a verdict from the numbers beside it.
/// </summary>
public static class ClaimReading
{
    /// <summary>Within this of the paper's Pearson r counts as reaching it (its Table 1 variances are ≤ 0.12).</summary>
    public const double Tolerance = 0.05;

    public static string Render(Reproduction.Outcome outcome, ReproduceOptions options)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Reading of the paper's claims\n");
        sb.AppendLine($"Pearson r of the probe, split `random`, mean over the seeds. \"Reaches\" means at least the paper's value − {Tolerance:F2}.\n");
        sb.AppendLine("| claim | verdict | numbers (ours; paper) |");
        sb.AppendLine("|---|---|---|");
        foreach (var task in PaperNumbers.Tasks)
        {
            if (!Ran(outcome, options, task)) { sb.AppendLine($"| ordering EA+TC+LF > EA+GC+LF > GC+LF > GC+RF on {task} | not tested | task not run |"); continue; }
            var rs = EncoderConfig.Names.Select(n => (Name: n, R: Pearson(outcome, task, n, Target.Test))).ToList();
            if (rs.Any(x => double.IsNaN(x.R))) { sb.AppendLine($"| ordering on {task} | not tested | not all four encoders run |"); continue; }
            bool holds = rs.Zip(rs.Skip(1)).All(p => p.First.R > p.Second.R);
            sb.AppendLine($"| ordering EA+TC+LF > EA+GC+LF > GC+LF > GC+RF on {task} (test) | {(holds ? "holds" : "does not hold")} | " +
                string.Join(", ", rs.Select(x => $"{EncoderConfig.Named(x.Name).Label} {F(x.R)}; {F(PaperNumbers.Get(Method.Of(x.Name), task, Target.Test)!.Value.Mean)}")) + " |");
        }
        foreach (var (task, label) in new[] { ("cifar10", "CIFAR-10"), ("imagenet-subset", "ImageNet") })
        {
            double paper = PaperNumbers.Get(Method.Of("ea-tc-lf"), task, Target.Train)!.Value.Mean;
            if (!Ran(outcome, options, task)) { sb.AppendLine($"| {label}: EA+TC+LF reads train accuracy at r = {F(paper)} | not tested | task not run |"); continue; }
            double ours = Pearson(outcome, task, "ea-tc-lf", Target.Train);
            string verdict = double.IsNaN(ours) ? "not tested" : ours >= paper - Tolerance ? "holds" : "does not hold";
            sb.AppendLine($"| {label}: EA+TC+LF reads train accuracy at r = {F(paper)} | {verdict} | {F(ours)}; {F(paper)} |");
        }
        if (outcome.Figure2 is { } f)
        {
            // Silhouette: > 0.5 separate clusters, 0.25–0.5 weak structure, below that none (Kaufman & Rousseeuw's reading).
            string separation = f.Silhouette > 0.5 ? "holds" : f.Silhouette > 0.25 ? "partly (weak clusters)" : "does not hold";
            sb.AppendLine($"| Figure 2: the regular, deeper and wider variants separate in embedding space | {separation} | silhouette {F(f.Silhouette, "F3")} |");
            string gradient = f.Spearman > 0.3 ? "holds" : f.Spearman > 0 ? "partly (weak)" : "does not hold";
            sb.AppendLine($"| Figure 2: distance in embedding space follows the accuracy difference | {gradient} | Spearman ρ {F(f.Spearman, "F3")} |");
        }
        else
        {
            sb.AppendLine("| Figure 2: variants separate; embeddings follow accuracy | not tested | covertype's Figure 2 not run |");
        }
        sb.AppendLine();
        sb.AppendLine("Our data differ from the paper's (../shared/datasets/README.md): covertype is a 100,000-row random sample of the " +
            "581,012 rows; CIFAR-10 is read from JPEG files (quality 75, PSNR 28–35 dB against the originals); the ImageNet task is " +
            "our 10 classes of Tiny ImageNet (64×64 JPEG, resized to 32×32), not the paper's subset.\n");
        return sb.ToString();
    }

    private static bool Ran(Reproduction.Outcome outcome, ReproduceOptions options, string task) =>
        options.Tasks.Any(t => t.Task == task) && !outcome.Missing.ContainsKey(task);

    private static double Pearson(Reproduction.Outcome outcome, string task, string encoder, Target target) =>
        outcome.Results.Find(task, Method.Of(encoder), Split.Random, target)?.Summary.PearsonMean ?? double.NaN;

    private static string F(double v, string format = "F2") => double.IsNaN(v) ? "—" : v.ToString(format, CultureInfo.InvariantCulture);
}
