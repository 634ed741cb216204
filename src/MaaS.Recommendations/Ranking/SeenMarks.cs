namespace MaaS.Recommendations.Ranking;

/// <summary>
/// The workspaces' seen marks (one byte per item; non-zero: never offer), zeroed between calls: a call marks its history
/// and excluded items and unmarks exactly those before it returns, so the reset costs O(marked), not O(catalogue).
/// </summary>
internal static class SeenMarks
{
    public static void Mark(Span<byte> seen, ReadOnlySpan<int> items)
    {
        foreach (int item in items)
        {
            seen[item] = 1;
        }
    }

    public static void Unmark(Span<byte> seen, ReadOnlySpan<int> items)
    {
        foreach (int item in items)
        {
            seen[item] = 0;
        }
    }
}
