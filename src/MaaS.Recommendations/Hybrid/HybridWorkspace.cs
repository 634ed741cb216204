namespace MaaS.Recommendations.Hybrid;

/// <summary>Per-thread scoring buffers of the hybrid, grown to the largest recommender seen on the thread; left zeroed after each call.</summary>
internal sealed class HybridWorkspace
{
    [ThreadStatic]
    private static HybridWorkspace? s_current;

    private HybridWorkspace(int union, int cf, int content, int pool)
    {
        Blend = new float[union];
        Seen = new byte[union];
        Cf = new float[cf];
        Decoded = new float[Math.Max(1, cf)];
        Content = new float[content];
        PoolPositions = new int[pool];
        PoolScores = new float[pool];
    }

    public float[] Blend { get; }

    public byte[] Seen { get; }

    public float[] Cf { get; }

    public float[] Decoded { get; }

    public float[] Content { get; }

    public int[] PoolPositions { get; }

    public float[] PoolScores { get; }

    public static HybridWorkspace For(int union, int cf, int content, int pool)
    {
        var ws = s_current;
        if (ws is null || ws.Blend.Length < union || ws.Cf.Length < cf || ws.Content.Length < content || ws.PoolPositions.Length < pool)
        {
            ws = s_current = new HybridWorkspace(
                Math.Max(union, ws?.Blend.Length ?? 0), Math.Max(cf, ws?.Cf.Length ?? 0), Math.Max(content, ws?.Content.Length ?? 0), Math.Max(Math.Max(pool, 64), ws?.PoolPositions.Length ?? 0));
        }

        return ws;
    }
}
