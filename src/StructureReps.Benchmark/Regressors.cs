using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using StructureReps.Decoding.Probing;

namespace StructureReps.Benchmark;

/// <summary>A fitted regressor: features → the predicted target.</summary>
public delegate double[] Predict(IReadOnlyList<double[]> x);

/// <summary>
/// How a model's features become a prediction: fitted on the training networks, chosen on the validation ones.
/// </summary>
public interface IRegressor
{
    string Name { get; }

    Predict Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<double[]> xValidation,
        IReadOnlyList<double> yValidation);
}

/// <summary>The decoding probe (ridge on standardized features, λ = 1e-3), as the paper's tables use.</summary>
public sealed class RidgeRegressor : IRegressor
{
    public string Name => "ridge";

    public Predict Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<double[]> xValidation,
        IReadOnlyList<double> yValidation)
    {
        var probe = RidgeProbe.Fit(x, y, RidgeProbe.DefaultLambda);
        return rows => [.. rows.Select(probe.Predict)];
    }
}

/// <summary>
/// Gradient-boosted regression trees (ML.NET's FastTree, one thread, seeded): the StatNN baseline of Unterthiner et
/// al. The tree count and size are chosen among a small grid by Kendall τ on the validation networks.
/// </summary>
public sealed class BoostedTreesRegressor(int seed = 0) : IRegressor
{
    public static readonly (int Trees, int Leaves)[] Grid = [(100, 8), (300, 8), (300, 20), (1000, 20)];

    public string Name => "boosted trees";

    private sealed class Row
    {
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    public Predict Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<double[]> xValidation,
        IReadOnlyList<double> yValidation)
    {
        int width = x[0].Length;
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        IDataView View(IReadOnlyList<double[]> rows, IReadOnlyList<double>? labels) => ml.Data.LoadFromEnumerable(
            rows.Select((r, i) =>
                new Row { Label = labels is null ? 0 : (float)labels[i], Features = [.. r.Select(v => (float)v)] })
                .ToList(), schema);
        var training = View(x, y);
        Predict Model(ITransformer model) => rows =>
            [.. ml.Data.CreateEnumerable<ScoreRow>(model.Transform(View(rows, null)), reuseRowObject: false)
                .Select(s => (double)s.Score)];
        Predict? best = null;
        double bestTau = double.NegativeInfinity;
        foreach (var (trees, leaves) in yValidation.Count >= 3 ? Grid : Grid[1..2])
        {
            var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                NumberOfTrees = trees, NumberOfLeaves = leaves, LearningRate = 0.05, MinimumExampleCountPerLeaf = 5,
                NumberOfThreads = 1, Seed = seed, FeatureFraction = 1,
            });
            var predict = Model(trainer.Fit(training));
            double tau = yValidation.Count >= 3 ? Correlation.Kendall(predict(xValidation), yValidation) : 0;
            if (best is null || tau > bestTau)
                (best, bestTau) = (predict, double.IsNaN(tau) ? double.NegativeInfinity : tau);
        }
        return best!;
    }
}
