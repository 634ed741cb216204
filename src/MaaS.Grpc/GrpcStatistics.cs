namespace MaaS.Grpc;

/// <summary>The statistics <c>/v2/models/…/stats</c> answers, in the gRPC messages (same numbers, same names).</summary>
internal static class GrpcStatistics
{
    public static ModelStatistics Map(V2ModelStatistics s)
    {
        var stats = new ModelStatistics
        {
            Name = s.Name,
            Version = s.Version,
            LastInference = (ulong)s.LastInference,
            InferenceCount = (ulong)s.InferenceCount,
            ExecutionCount = (ulong)s.ExecutionCount,
            InferenceStats = new InferStatistics
            {
                Success = Duration(s.InferenceStats.Success),
                Fail = Duration(s.InferenceStats.Fail),
                Queue = Duration(s.InferenceStats.Queue),
                ComputeInput = Duration(s.InferenceStats.ComputeInput),
                ComputeInfer = Duration(s.InferenceStats.ComputeInfer),
                ComputeOutput = Duration(s.InferenceStats.ComputeOutput),
                CacheHit = Duration(s.InferenceStats.CacheHit),
                CacheMiss = Duration(s.InferenceStats.CacheMiss),
            },
        };
        foreach (var b in s.BatchStats)
        {
            stats.BatchStats.Add(new InferBatchStatistics
            {
                BatchSize = (ulong)b.BatchSize,
                ComputeInput = Duration(b.ComputeInput),
                ComputeInfer = Duration(b.ComputeInfer),
                ComputeOutput = Duration(b.ComputeOutput),
            });
        }

        return stats;
    }

    private static StatisticDuration Duration(V2StatisticDuration d) => new() { Count = (ulong)d.Count, Ns = (ulong)d.Ns };
}
