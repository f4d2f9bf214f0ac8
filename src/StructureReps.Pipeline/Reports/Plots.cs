using MathNet.Numerics.LinearAlgebra;
using ScottPlot;
using StructureReps.Core;

namespace StructureReps.Pipeline.Reports;

/// <summary>Projections and scatter plots of embeddings (PNG through ScottPlot, headless).</summary>
public static class Plots
{
    /// <summary>The first two principal components of the rows (centred), as (x, y) per row.</summary>
    public static (double[] X, double[] Y) Pca2(IReadOnlyList<double[]> rows)
    {
        int n = rows.Count, d = rows[0].Length;
        var m = Matrix<double>.Build.Dense(n, d, (i, j) => rows[i][j]);
        var mean = m.ColumnSums() / n;
        for (int i = 0; i < n; i++) m.SetRow(i, m.Row(i) - mean);
        var svd = m.Svd(computeVectors: true);
        var v = svd.VT.Transpose();
        var p = m * v.SubMatrix(0, d, 0, Math.Min(2, d));
        return (p.Column(0).ToArray(), p.ColumnCount > 1 ? p.Column(1).ToArray() : new double[n]);
    }

    /// <summary>Mean silhouette of the rows under their labels (Euclidean): 1 = tight, separate clusters; ~0 = mixed.</summary>
    public static double Silhouette(IReadOnlyList<double[]> rows, IReadOnlyList<string> labels)
    {
        int n = rows.Count;
        var groups = labels.Distinct().ToList();
        if (groups.Count < 2) return double.NaN;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var sum = groups.ToDictionary(g => g, _ => 0.0);
            var count = groups.ToDictionary(g => g, _ => 0);
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                sum[labels[j]] += Distance(rows[i], rows[j]);
                count[labels[j]]++;
            }
            double a = count[labels[i]] > 0 ? sum[labels[i]] / count[labels[i]] : 0;
            double b = groups.Where(g => g != labels[i] && count[g] > 0).Min(g => sum[g] / count[g]);
            total += count[labels[i]] == 0 ? 0 : (b - a) / Math.Max(a, b);
        }
        return total / n;
    }

    public static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += (a[k] - b[k]) * (a[k] - b[k]);
        return Math.Sqrt(s);
    }

    /// <summary>A scatter with one colour per category and a legend.</summary>
    public static void ScatterByCategory(string path, string title, double[] x, double[] y, IReadOnlyList<string> category, string xLabel = "PC 1", string yLabel = "PC 2")
    {
        var plt = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int c = 0;
        foreach (var group in category.Distinct())
        {
            var idx = Enumerable.Range(0, x.Length).Where(i => category[i] == group).ToArray();
            var s = plt.Add.ScatterPoints(idx.Select(i => x[i]).ToArray(), idx.Select(i => y[i]).ToArray(), palette.GetColor(c++));
            s.MarkerSize = 6;
            s.LegendText = group;
        }
        plt.ShowLegend();
        Save(plt, path, title, xLabel, yLabel);
    }

    /// <summary>A scatter coloured by a continuous value (viridis, low = dark), its range in the title.</summary>
    public static void ScatterByValue(string path, string title, double[] x, double[] y, double[] value, string xLabel = "PC 1", string yLabel = "PC 2")
    {
        var plt = new Plot();
        var map = new ScottPlot.Colormaps.Viridis();
        double lo = value.Min(), hi = value.Max();
        for (int i = 0; i < x.Length; i++)
        {
            var m = plt.Add.Marker(x[i], y[i], MarkerShape.FilledCircle, 6, map.GetColor(hi > lo ? (value[i] - lo) / (hi - lo) : 0.5));
        }
        Save(plt, path, $"{title} (colour: {lo:F2} dark → {hi:F2} bright)", xLabel, yLabel);
    }

    private static void Save(Plot plt, string path, string title, string xLabel, string yLabel)
    {
        plt.Title(title);
        plt.XLabel(xLabel);
        plt.YLabel(yLabel);
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp.png");
        plt.SavePng(temp, 900, 650);
        File.Move(temp, path, overwrite: true);
    }
}
