namespace MaaS.Recommendations.Ranking;

/// <summary>Per-thread scoring buffers, sized to the largest index seen on the thread; left zeroed after each call.</summary>
internal sealed class ScoringWorkspace
{
    [ThreadStatic]
    private static ScoringWorkspace? s_current;

    private ScoringWorkspace(int items)
    {
        Scores = new float[items];
        Seen = new byte[items];
        Decoded = new float[items];
        ResultSlots = new int[items];
        PoolPositions = new int[64];
        PoolScores = new float[64];
    }

    public float[] Scores { get; }

    public byte[] Seen { get; }

    public float[] Decoded { get; }

    /// <summary>Result position + 1 per item while explaining, else 0.</summary>
    public int[] ResultSlots { get; }

    public int[] PoolPositions { get; private set; }

    public float[] PoolScores { get; private set; }

    public static ScoringWorkspace For(int items)
    {
        var ws = s_current;
        if (ws is null || ws.Scores.Length < items)
        {
            ws = s_current = new ScoringWorkspace(items);
        }

        return ws;
    }

    public void EnsurePool(int size)
    {
        if (PoolPositions.Length < size)
        {
            PoolPositions = new int[size];
            PoolScores = new float[size];
        }
    }
}
