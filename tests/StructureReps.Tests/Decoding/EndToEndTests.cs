using StructureReps.Cli.Commands;
using StructureReps.Tests.Support;

namespace StructureReps.Tests.Decoding;

public class EndToEndTests
{
    [Fact]
    public void Reproduce_on_a_tiny_two_moons_zoo_writes_a_report_with_every_row_and_reruns_from_disk()
    {
        using var dir = new TempDir();
        string[] args = ["--tasks", "two-moons", "--runs", "3", "--epochs", "3", "--encoder-epochs", "2", "--seeds", "2", "--inductive-seeds", "2", "--out", dir.Path];
        Assert.Equal(0, ReproduceCommand.Reproduce(args));
        var report = File.ReadAllText(dir.File("report.md"));
        foreach (var split in new[] { "random", "by-run", "inductive" })
        {
            Assert.Contains($"## Table 1 — train performance, split `{split}`", report);
            Assert.Contains($"## Table 2 — test performance, split `{split}`", report);
        }
        foreach (var row in new[] { "| EA+TC+LF (StructureReps) |", "| EA+GC+LF |", "| GC+LF |", "| GC+RF |" })
            Assert.Equal(9, CountOf(report, row)); // 3 splits × 2 tables, the reconstruction, the other-metrics and the Kendall table
        foreach (var row in new[] { "| baseline: epoch number |", "| baseline: StatNN weight statistics |" })
            Assert.Equal(8, CountOf(report, row)); // no reconstruction: no decoder
        // Inductive: EA+TC+LF has numbers (one encoder per seed, trained on that seed's training runs), GC+RF none.
        string inductive = report[report.IndexOf("split `inductive`", StringComparison.Ordinal)..];
        string tcRow = inductive[inductive.IndexOf("| EA+TC+LF (StructureReps) |", StringComparison.Ordinal)..].Split('\n')[0];
        Assert.Matches(@"\| -?\d\.\d\d \(", tcRow);
        Assert.StartsWith("| GC+RF | — \\|", inductive[inductive.IndexOf("| GC+RF |", StringComparison.Ordinal)..]);
        string tcDir = Path.Combine(dir.Path, "encoders", "two-moons", "ea-tc-lf");
        foreach (int seed in new[] { 0, 1 })
        {
            string seedDir = Path.Combine(tcDir, $"inductive-seed{seed}");
            string reused = Path.Combine(seedDir, StructureReps.Pipeline.Reports.Reproduction.ReusedFromFile);
            if (File.Exists(reused))
            {
                // A 3-run zoo has 3 by-run splits: a seed that drew an earlier seed's training runs reuses its encoder.
                string earlier = Path.Combine(tcDir, File.ReadAllText(reused).Trim());
                Assert.NotEqual(seedDir, earlier);
                Assert.Equal(File.ReadAllBytes(Path.Combine(earlier, "embeddings.csv")), File.ReadAllBytes(Path.Combine(seedDir, "embeddings.csv")));
                Assert.False(File.Exists(Path.Combine(seedDir, "encoder.safetensors")), seedDir);
            }
            else Assert.True(File.Exists(Path.Combine(seedDir, "encoder.safetensors")), seedDir);
            // Trained on the training runs, yet every checkpoint (the held-out runs too) is embedded.
            Assert.Equal(File.ReadAllLines(Path.Combine(tcDir, "embeddings.csv")).Length,
                File.ReadAllLines(Path.Combine(seedDir, "embeddings.csv")).Length);
        }
        Assert.True(File.Exists(Path.Combine(tcDir, "inductive-seed0", "encoder.safetensors"))); // the first seed always trains
        Assert.Contains("\\| 0.74 (0.002)", report); // the paper's EA+TC+LF train number beside ours
        Assert.Contains("- two-moons: **", report);   // the ordering verdict
        Assert.True(File.Exists(Path.Combine(dir.Path, "encoders", "two-moons", "gc-rf", "embeddings.csv")));
        var before = File.GetLastWriteTimeUtc(Path.Combine(dir.Path, "zoos", "two-moons", "run-0000", "epoch-0003.safetensors"));
        Assert.Equal(0, ReproduceCommand.Reproduce(args)); // a rerun reuses the zoo, graphs and encoders
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(dir.Path, "zoos", "two-moons", "run-0000", "epoch-0003.safetensors")));
    }

    [Fact]
    public void Reproduce_with_encoder_seeds_trains_each_encoder_per_seed_and_pools_their_probes()
    {
        using var dir = new TempDir();
        string[] args = ["--tasks", "two-moons", "--runs", "3", "--epochs", "3", "--encoders", "ea-tc-lf,ea-tc-lf:distance", "--encoder-epochs", "2",
            "--seeds", "2", "--encoder-seeds", "2", "--inductive-seeds", "2", "--inductive-encoders", "ea-tc-lf:distance", "--no-figure2", "--out", dir.Path];
        Assert.Equal(0, ReproduceCommand.Reproduce(args));
        string encoders = Path.Combine(dir.Path, "encoders", "two-moons");
        foreach (var name in new[] { "ea-tc-lf", "ea-tc-lf-seed1", "ea-tc-lf-distance", "ea-tc-lf-distance-seed1" })
            Assert.True(File.Exists(Path.Combine(encoders, name, "embeddings.csv")), name);
        // Two initializations: different weights, so different embeddings.
        Assert.NotEqual(File.ReadAllText(Path.Combine(encoders, "ea-tc-lf", "embeddings.csv")), File.ReadAllText(Path.Combine(encoders, "ea-tc-lf-seed1", "embeddings.csv")));
        Assert.True(File.Exists(Path.Combine(encoders, "ea-tc-lf-distance", "inductive-seed0", "embeddings.csv"))); // a decoder name in the inductive mode
        var report = File.ReadAllText(dir.File("report.md"));
        Assert.Contains("encoder seeds 2 (each row pools 2 × 2 probes)", report);
        Assert.Contains("## Reconstruction", report);
        // The AUC cell of each encoder: the mean and the range over the two seeds.
        Assert.Matches(@"\| EA\+TC\+LF, distance \| \d\.\d\d \(\d\.\d\d–\d\.\d\d\) \|", report);
        string inductive = report[report.IndexOf("split `inductive`", StringComparison.Ordinal)..];
        Assert.Matches(@"\| -?\d\.\d\d \(", inductive[inductive.IndexOf("| EA+TC+LF, distance |", StringComparison.Ordinal)..].Split('\n')[0]);
    }

    [Fact]
    public void The_papers_protocol_trains_one_network_per_task_splits_at_random_and_plan_runs_nothing()
    {
        using var dir = new TempDir();
        string[] args = ["--paper", "--tasks", "two-moons", "--epochs", "12", "--encoders", "ea-tc-lf", "--encoder-epochs", "1", "--seeds", "2", "--no-figure2", "--out", dir.Path];
        Assert.Equal(0, ReproduceCommand.Reproduce([.. args, "--plan"]));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "zoos")), "--plan trained something");

        Assert.Equal(0, ReproduceCommand.Reproduce(args));
        Assert.Single(Directory.GetDirectories(Path.Combine(dir.Path, "zoos", "two-moons"), "run-*"));
        var report = File.ReadAllText(dir.File("report.md"));
        Assert.Contains("mode: paper", report);
        Assert.Contains("split `random`", report);
        Assert.DoesNotContain("split `by-run`", report); // one network: no run to hold out
        Assert.Matches(@"\| EA\+TC\+LF \(StructureReps\) \| -?\d\.\d\d \(", report);
        Assert.Throws<StructureReps.Cli.UsageException>(() => ReproduceCommand.Reproduce(["--paper", "--quick", "--out", dir.Path]));
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
