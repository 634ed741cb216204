namespace MaaS.Services.Recommendations.Attribution;

/// <summary>
/// The attribution report of a tenant (<see cref="AttributionReport"/>): the hourly totals every replica added to the
/// store (<see cref="AttributionFlusher"/>), in buckets of an hour or a day. A count reaches the report within one
/// <see cref="RecommendationOptions.AttributionFlushSeconds"/> of the request that made it. Thread-safe.
/// </summary>
internal sealed class AttributionReports(IStorage storage, TimeProvider time)
{
    /// <summary>The longest range of hourly buckets (744 of them).</summary>
    public static readonly TimeSpan MaxHourRange = TimeSpan.FromDays(31);

    /// <summary>The longest range of daily buckets.</summary>
    public static readonly TimeSpan MaxDayRange = TimeSpan.FromDays(366);

    private const string TimeRule = "must be an ISO 8601 UTC time or date, such as 2026-12-07T08:00:00Z or 2026-12-07";

    /// <summary>
    /// The report of [<paramref name="from"/>, <paramref name="to"/>) (ISO 8601; <c>to</c> defaults to the end of the
    /// current bucket, <c>from</c> to 24 hours or 30 days before <c>to</c>), widened to whole buckets. Bad parameters
    /// are an <see cref="ErrorCode.InvalidRequest"/> naming each; a range past <see cref="MaxHourRange"/> (hour) or
    /// <see cref="MaxDayRange"/> (day) too.
    /// </summary>
    public async ValueTask<Result<AttributionReport>> ReportAsync(
        string tenant, string? from, string? to, string? granularity, CancellationToken cancellationToken)
    {
        if (!TryRange(from, to, granularity, time.GetUtcNow()).TryGetValue(out var range, out var invalid))
        {
            return invalid;
        }

        var read = await storage.RecommendationCounts.ReadAsync(tenant, range.From, range.To, cancellationToken).ConfigureAwait(false);
        if (!read.TryGetValue(out var rows, out var error))
        {
            return StoreProblems.ToApiError(error, "tenant", "the attribution store is unavailable");
        }

        int buckets = (int)((range.To - range.From) / range.Step);
        var sums = new Sums[buckets];
        var total = new Sums();
        foreach (var row in rows)
        {
            int bucket = (int)((row.Hour - range.From) / range.Step);
            (sums[bucket] ??= new Sums()).Add(row);
            total.Add(row);
        }

        var list = new AttributionBucket[buckets];
        for (int i = 0; i < buckets; i++)
        {
            list[i] = (sums[i] ?? new Sums()).ToBucket(range.From + (i * range.Step));
        }

        return new AttributionReport(range.From, range.To, range.Granularity, total.ToBucket(null), list);
    }

    /// <summary>The parameters as whole buckets, every broken rule named.</summary>
    internal static Result<(DateTimeOffset From, DateTimeOffset To, TimeSpan Step, string Granularity)> TryRange(
        string? from, string? to, string? granularity, DateTimeOffset now)
    {
        var problems = new List<FieldProblem>();
        granularity ??= "hour";
        var step = granularity switch
        {
            "hour" => TimeSpan.FromHours(1),
            "day" => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (step == TimeSpan.Zero)
        {
            problems.Add(new FieldProblem(-1, "granularity", "must be hour or day"));
            step = TimeSpan.FromHours(1);
        }

        var end = Parse(to, "to", problems) is { } t ? Ceiling(t, step) : Ceiling(now, step);
        var start = Parse(from, "from", problems) is { } f ? Floor(f, step) : end - (step == TimeSpan.FromDays(1) ? TimeSpan.FromDays(30) : TimeSpan.FromHours(24));
        var max = step == TimeSpan.FromDays(1) ? MaxDayRange : MaxHourRange;
        if (problems.Count == 0 && start >= end)
        {
            problems.Add(new FieldProblem(-1, "from", "must be before to"));
        }
        else if (problems.Count == 0 && end - start > max)
        {
            problems.Add(new FieldProblem(-1, "to", $"must be at most {max.TotalDays:0} days after from for granularity={granularity}"
                + (granularity == "hour" ? "; ask granularity=day for a longer range" : string.Empty)));
        }

        if (problems.Count > 0)
        {
            return Error.Invalid(problems);
        }

        return (start, end, step, granularity);
    }

    private static DateTimeOffset? Parse(string? text, string field, List<FieldProblem> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            && time.Year is >= 1970 and <= 9998)
        {
            return time;
        }

        problems.Add(new FieldProblem(-1, field, TimeRule));
        return null;
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan step) =>
        new(time.UtcTicks - (time.UtcTicks % step.Ticks), TimeSpan.Zero);

    private static DateTimeOffset Ceiling(DateTimeOffset time, TimeSpan step) =>
        Floor(time, step) is var floor && floor == time ? floor : floor + step;

    /// <summary>One bucket's running sums.</summary>
    private sealed class Sums
    {
        private readonly SortedDictionary<string, long> _served = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, long> _attributed = new(StringComparer.Ordinal);
        private long _answers;

        public void Add(RecommendationCount row)
        {
            switch (row.Kind)
            {
                case RecommendationCountKinds.Answers:
                    _answers += row.Count;
                    break;
                case RecommendationCountKinds.Served:
                    _served[row.Name] = _served.GetValueOrDefault(row.Name) + row.Count;
                    break;
                case RecommendationCountKinds.Attributed:
                    _attributed[row.Name] = _attributed.GetValueOrDefault(row.Name) + row.Count;
                    break;
            }
        }

        public AttributionBucket ToBucket(DateTimeOffset? start)
        {
            long served = _served.Values.Sum();
            var rates = new SortedDictionary<string, double>(StringComparer.Ordinal);
            if (served > 0)
            {
                foreach (var (type, count) in _attributed)
                {
                    rates[type] = (double)count / served;
                }
            }

            return new AttributionBucket(start, _answers, served, _served, _attributed.Values.Sum(), _attributed, rates);
        }
    }
}
