namespace MaaS.Storage.Validation;

/// <summary>
/// The rules both providers apply to <see cref="IRecommendationCountStore"/> input, and the one merge of a call's counts
/// into distinct keys (an upsert may touch a row once per statement in PostgreSQL, and fewer rows are fewer writes).
/// </summary>
internal static class RecommendationCountCodec
{
    public static Error? Check(IReadOnlyList<RecommendationCount>? counts)
    {
        if (counts is null)
        {
            return Error.Invalid("counts", "must not be null");
        }
        if (counts.Count > StorageLimits.MaxReadLimit)
        {
            return Error.Invalid("counts", $"at most {StorageLimits.MaxReadLimit} per call");
        }
        List<FieldProblem>? problems = null;
        for (int i = 0; i < counts.Count; i++)
        {
            void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(i, field, reason));
            var count = counts[i];
            if (count is null)
            {
                Add("counts", "must not be null");
                continue;
            }
            if (InputValidator.Tenant(count.Tenant) is { } tenant)
            {
                Add("tenant", tenant.Problems[0].Reason);
            }
            if (!RecommendationCountKinds.IsKnown(count.Kind))
            {
                Add("kind", $"must be {RecommendationCountKinds.Answers}, {RecommendationCountKinds.Served} or {RecommendationCountKinds.Attributed}");
            }
            else if (count.Name is null || (count.Kind == RecommendationCountKinds.Answers ? count.Name.Length != 0 : count.Name.Length is 0 or > RecommendationCountKinds.MaxNameLength))
            {
                Add("name", $"must be empty for answers, else 1 to {RecommendationCountKinds.MaxNameLength} characters");
            }
            if (count.Count < 0)
            {
                Add("count", "must not be negative");
            }
        }

        return problems is null ? null : Error.Invalid(problems);
    }

    /// <summary>The counts summed per (tenant, UTC hour, kind, name), zeros left out, in key order (so concurrent writers
    /// lock rows in the same order).</summary>
    public static List<RecommendationCount> Merge(IReadOnlyList<RecommendationCount> counts) =>
        [.. counts
            .GroupBy(c => (c.Tenant, Hour: RecommendationCount.HourOf(c.Hour), c.Kind, c.Name))
            .Select(g => new RecommendationCount(g.Key.Tenant, g.Key.Hour, g.Key.Kind, g.Key.Name, g.Sum(c => c.Count)))
            .Where(c => c.Count > 0)
            .OrderBy(c => c.Tenant, StringComparer.Ordinal).ThenBy(c => c.Hour).ThenBy(c => c.Kind, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.Ordinal)];
}
