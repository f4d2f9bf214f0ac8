namespace StructureReps.Cli;

/// <summary>
/// One command's help: its name ("zoo train"), its usage and what it does. Each lives in its command's file,
/// beside the code that reads those options; `structurereps help` lists them all, `COMMAND --help` one.
/// </summary>
public sealed record CommandHelp(string Name, string Usage, string Text)
{
    public void Print()
    {
        Console.WriteLine($"  {Name} {Usage}".TrimEnd());
        foreach (var line in Text.Split('\n')) Console.WriteLine($"         {line}");
    }

    /// <summary>The help of <paramref name="args"/>' command ("zoo" prints both zoo commands), or false if none matches.</summary>
    public static bool PrintFor(IReadOnlyList<CommandHelp> all, string[] args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).ToArray();
        for (int n = words.Length; n >= 1; n--)
        {
            string name = string.Join(' ', words.Take(n));
            var matches = all.Where(h => h.Name == name || h.Name.StartsWith(name + " ", StringComparison.Ordinal)).ToList();
            if (matches.Count == 0) continue;
            foreach (var h in matches) h.Print();
            return true;
        }
        return false;
    }
}
