namespace MaaS.Storage.Abstractions;

/// <summary>
/// Hourly totals of what a tenant's recommendations served and what they led to (attribution): a replica counts in
/// memory and adds its counts here every few seconds, so replicas sharing one database sum, and a restart keeps what
/// was added. The rows carry no user, item or event id: only a tenant, an hour, a kind, a name and a number.
/// Implementations are thread-safe and shared as singletons.
/// </summary>
public interface IRecommendationCountStore
{
    /// <summary>
    /// Adds each count to the stored total of its (tenant, hour, kind, name), creating the row when missing, in one
    /// transaction (all or none). Writers never overwrite each other: two replicas adding 3 and 4 leave 7. Counts of
    /// the same key in one call are summed first. Invalid input (an unknown kind, a negative count, a bad tenant) is
    /// refused with <see cref="ErrorCode.InvalidRequest"/> and nothing is added.
    /// </summary>
    /// <param name="counts">At most <see cref="StorageLimits.MaxReadLimit"/>; the list is not retained.</param>
    ValueTask<Result<int>> AddAsync(IReadOnlyList<RecommendationCount> counts, CancellationToken cancellationToken = default);

    /// <summary>
    /// The tenant's totals of the hours that start in [<paramref name="from"/>, <paramref name="to"/>), ordered by
    /// hour, kind and name. Another tenant's rows are never read.
    /// </summary>
    ValueTask<Result<IReadOnlyList<RecommendationCount>>> ReadAsync(
        string tenant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Every tenant with stored counts, in ordinal order (retention purges tenant by tenant, events or none).</summary>
    ValueTask<Result<IReadOnlyList<string>>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the tenant's totals of the hours that end at or before <paramref name="before"/>, the counts of events
    /// that retention deletes at that cutoff (an hour still partly after it is kept whole); returns how many rows went.
    /// Another tenant's rows are never touched.
    /// </summary>
    ValueTask<Result<long>> PurgeBeforeAsync(string tenant, DateTimeOffset before, CancellationToken cancellationToken = default);
}

/// <summary>One hourly total (see <see cref="IRecommendationCountStore"/>).</summary>
/// <param name="Hour">The UTC hour the count belongs to: a time within it is stored as the hour's start (UTC).</param>
/// <param name="Kind">One of <see cref="RecommendationCountKinds"/>.</param>
/// <param name="Name">What is counted within the kind: the items' source for <c>served</c>, the event type for
/// <c>attributed</c>, empty for <c>answers</c>; 1..<see cref="RecommendationCountKinds.MaxNameLength"/> characters otherwise.</param>
/// <param name="Count">Zero or more.</param>
public sealed record RecommendationCount(string Tenant, DateTimeOffset Hour, string Kind, string Name, long Count)
{
    /// <summary>The start of the UTC hour that holds <paramref name="time"/>.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset time)
    {
        long ms = time.ToUnixTimeMilliseconds();
        return DateTimeOffset.FromUnixTimeMilliseconds(ms - Mod(ms, 3_600_000));
    }

    private static long Mod(long value, long divisor) => ((value % divisor) + divisor) % divisor;
}

/// <summary>The kinds of <see cref="RecommendationCount"/>.</summary>
public static class RecommendationCountKinds
{
    /// <summary>Recommend answers given (name empty).</summary>
    public const string Answers = "answers";

    /// <summary>Items served by the answers, by source.</summary>
    public const string Served = "served";

    /// <summary>Events newly stored with a recommendationId, by type.</summary>
    public const string Attributed = "attributed";

    /// <summary>The longest name a count may carry.</summary>
    public const int MaxNameLength = 32;

    public static bool IsKnown(string? kind) => kind is Answers or Served or Attributed;
}
