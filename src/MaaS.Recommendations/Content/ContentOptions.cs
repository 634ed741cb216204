namespace MaaS.Recommendations.Content;

/// <summary>Parameters of the content similarity build.</summary>
/// <param name="TopK">Neighbours kept per item.</param>
/// <param name="MaxPostingLength">A feature carried by more items than this is left out of full builds (a stop word:
/// it would cost items² work and, with its low IDF, say little).</param>
/// <param name="MaxDegreeOfParallelism">Threads for a full build; -1 uses all cores.</param>
public sealed record ContentOptions(int TopK = 100, int MaxPostingLength = 20_000, int MaxDegreeOfParallelism = -1)
{
    /// <summary>The defaults (100 neighbours).</summary>
    public static ContentOptions Default { get; } = new();
}
