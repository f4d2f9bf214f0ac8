namespace StructureReps.Core;

/// <summary>What a caller can change to get past an error, in the library's terms (<see cref="Remedies"/>).</summary>
public enum Remedy
{
    /// <summary>Write to another output folder (this one holds other work, or another process holds it).</summary>
    OtherOutput,
    /// <summary>Train with a lower learning rate (the loss became non-finite).</summary>
    LowerLearningRate,
    /// <summary>Ask for at least as many epochs as a folder's encoder was trained for, to continue it.</summary>
    MoreEpochs,
    /// <summary>Build the graphs with the node-feature width the encoder takes.</summary>
    OtherFeatureWidth,
    /// <summary>Give the network's input size (a CNN's channels, height and width).</summary>
    InputSize,
    /// <summary>Point at the folder the datasets are in.</summary>
    DataRoot,
    /// <summary>Read every file of a folder as its own network.</summary>
    EachFileANetwork,
    /// <summary>Allow the iterative eigen solver more restarts, or a looser tolerance.</summary>
    SolverBudget,
}

/// <summary>
/// An error the caller can fix by changing one setting carries a <see cref="Remedy"/>: its message says what was
/// wrong in the library's own terms, and each front end says what to change in its own — the CLI names its flag
/// (Failure.cs), a C host reads the message alone. Library code names no command-line flag. The exception keeps
/// its type (so a status mapping by type, as the native library's, is unchanged).
/// </summary>
public static class Remedies
{
    private const string Key = "structurereps.remedy";

    public static T With<T>(this T exception, Remedy remedy) where T : Exception
    {
        exception.Data[Key] = remedy;
        return exception;
    }

    public static Remedy? Of(Exception exception) => exception.Data[Key] is Remedy r ? r : null;
}
