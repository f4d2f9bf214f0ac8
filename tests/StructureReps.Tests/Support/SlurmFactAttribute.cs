using System.Diagnostics;
using Xunit;

namespace StructureReps.Tests.Support;

/// <summary>
/// A fact that submits jobs to a Slurm controller on this machine (bash scripts/slurm-local.sh start): reported as
/// skipped when none answers, unless STRUCTUREREPS_REQUIRE_SLURM=1 (CI sets it after starting one), where it fails.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Answers = new(() =>
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("sinfo", ["-h"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            return p.WaitForExit(10_000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; } // no sinfo on PATH
    });

    public SlurmFactAttribute()
    {
        if (!Answers.Value && Environment.GetEnvironmentVariable("STRUCTUREREPS_REQUIRE_SLURM") != "1")
            Skip = "no Slurm controller answers here (bash scripts/slurm-local.sh start)";
    }
}
