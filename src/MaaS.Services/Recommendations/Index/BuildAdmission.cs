using MaaS.Recommendations.Similarity;

namespace MaaS.Services.Recommendations.Index;

/// <summary>The size of a build: distinct items (catalogue and events), events and users.</summary>
internal readonly record struct BuildSize(long Items, long Events, long Users);

/// <summary>
/// Refuses builds beyond the configured limits before they cost anything: first from the counts the store keeps
/// (<see cref="CheckStoreAsync"/>, also what <c>POST /v1/recommendations/rebuild</c> answers 400 with), then from the
/// exact sizes once the events are read (<see cref="Check(BuildSize)"/>). The sparse presets cost memory linear in
/// events and items and time bounded by events; the dense <c>ease</c> preset costs items² memory and items³ time, so
/// it has its own, much lower, item limit. Thread-safe.
/// </summary>
internal sealed class BuildAdmission(IEventStore events, ICatalogStore catalog, IUserStore users, IOptions<RecommendationOptions> options)
{
    /// <summary>
    /// The tenant's size from the store's counts (items: the catalogue, a lower bound until the events are read);
    /// <see cref="ErrorCode.Unsupported"/> naming the limit when it is too big, <see cref="ErrorCode.Conflict"/> when
    /// there is nothing to build from.
    /// </summary>
    public async ValueTask<Result<BuildSize>> CheckStoreAsync(string tenant, CancellationToken cancellationToken)
    {
        var eventCount = await events.CountAsync(tenant, cancellationToken).ConfigureAwait(false);
        var itemCount = await catalog.CountAsync(tenant, cancellationToken).ConfigureAwait(false);
        var userCount = await users.CountAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (!eventCount.IsSuccess || !itemCount.IsSuccess || !userCount.IsSuccess)
        {
            return new Error(ErrorCode.DependencyUnavailable, "the event store could not be read");
        }

        var size = new BuildSize(itemCount.Value, eventCount.Value, userCount.Value);
        if (size.Events == 0 && size.Items == 0)
        {
            return new Error(ErrorCode.Conflict, "the tenant has no events or items yet; nothing to build from");
        }

        return Check(size) is { } refused ? refused : size;
    }

    /// <summary>The refusal for a build of <paramref name="size"/> under the configured preset, or null when it is admitted.</summary>
    public Error? Check(BuildSize size) => Check(size, options.Value);

    internal static Error? Check(BuildSize size, RecommendationOptions limits)
    {
        if (size.Events > limits.MaxBuildEvents)
        {
            return Refused($"the tenant has {N(size.Events)} events; a build reads at most Recommendations:MaxBuildEvents = {N(limits.MaxBuildEvents)}");
        }

        if (size.Items > limits.MaxBuildItems)
        {
            return Refused($"the tenant has {N(size.Items)} items; an index holds at most Recommendations:MaxBuildItems = {N(limits.MaxBuildItems)}");
        }

        var preset = IndexTraining.Settings(limits);
        if (preset.Similarity.Measure == SimilarityMeasure.Ease && size.Items > limits.MaxEaseItems)
        {
            long mebibytes = (long)Math.Ceiling(size.Items * (double)size.Items * sizeof(float) / (1 << 20));
            return Refused(
                $"the ease preset inverts a dense {N(size.Items)}×{N(size.Items)} matrix ({N(mebibytes)} MiB, time growing with items³); " +
                $"it builds at most Recommendations:MaxEaseItems = {N(limits.MaxEaseItems)} items: use the default preset");
        }

        return null;
    }

    private static Error Refused(string reason) => new(ErrorCode.Unsupported, reason);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
