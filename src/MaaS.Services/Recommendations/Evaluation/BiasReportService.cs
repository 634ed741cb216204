using MaaS.Recommendations.Evaluation;

namespace MaaS.Services.Recommendations.Evaluation;

/// <summary>
/// The API's beyond-accuracy report: ranks each named user's page through <see cref="RecommendationService"/> (so
/// debias and the tenant's settings apply as they would to the user) and measures the pages together with
/// <see cref="BeyondAccuracy"/>, exposure grouped by the attribute the caller names (<see cref="ExposureGroups"/>).
/// Popularity is the item's events in the serving build, the counts the popularity re-ranking uses. Thread-safe.
/// </summary>
internal sealed class BiasReportService(RecommendationService recommendations, UserHistoryCache histories, TenantStates tenants, RecommendationModels models)
{
    public async ValueTask<Result<BiasReportResponse>> ReportAsync(string tenant, BiasReportRequest? body, CancellationToken cancellationToken)
    {
        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        var request = body!;
        string by = request.By ?? ExposureGroups.DefaultAttribute;
        int k = request.Count ?? RecommendationLimits.DefaultCount;
        var pages = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var profiles = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        long? version = null;
        foreach (string user in request.UserIds!.Distinct(StringComparer.Ordinal))
        {
            var read = await histories.GetAsync(tenant, user, cancellationToken).ConfigureAwait(false);
            if (!read.TryGetValue(out var history, out var readError))
            {
                return new Error(ErrorCode.DependencyUnavailable, "the event store is unavailable", readError.Problems);
            }

            if (history.Events == 0)
            {
                continue;
            }

            var page = await recommendations.RecommendAsync(tenant, new RecommendRequest(user, null, null, k, null, null, false, null, request.Strategy, request.Debias), cancellationToken).ConfigureAwait(false);
            if (!page.TryGetValue(out var ranked, out var rankError))
            {
                return rankError;
            }

            version ??= ranked.ModelVersion;
            pages[user] = [.. ranked.Items.Select(i => i.ItemId)];
            profiles[user] = [.. history.ItemIds.Concat(history.Earlier).Distinct(StringComparer.Ordinal)];
        }

        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var leased = models.Acquire(tenant);
        using var lease = leased.IsSuccess ? leased.Value : null;
        var model = (ItemCfModel?)lease?.Model;
        // Items with events, as the offline evaluation counts training items: the index also holds every catalogue item
        // for content ranking, and coverage of a never-played catalogue would say more about the catalogue than the pages.
        IReadOnlyCollection<string> known = model is null ? state.Catalogue.Items.Keys.ToArray() : model.Stats.ItemEvents.Keys;
        var popularity = new ItemPopularity((IReadOnlyDictionary<string, int>?)model?.Stats.ItemEvents ?? new Dictionary<string, int>(), (int)Math.Min(int.MaxValue, model?.Stats.Events ?? 0));
        var m = BeyondAccuracy.Evaluate(pages, profiles, popularity, known, k, ExposureGroups.Of(by, state.Catalogue.Find));
        return new BiasReportResponse(
            m.Users, k, by, m.Coverage, m.Gini, m.Novelty, m.Arp, double.IsNaN(m.ProfileArp) ? 0 : m.ProfileArp,
            double.IsFinite(m.PopularityLift) ? m.PopularityLift : null,
            [.. m.Groups.Select(g => new ExposureShare(g.Group, g.RecommendedShare, g.ProfileShare))], version);
    }

    // The report's own fields; count, strategy and debias are recommend's, checked by its validation on the first user.
    private static Error? Validate(BiasReportRequest? request)
    {
        if (request is null)
        {
            return Error.Invalid("body", "a JSON request body is required");
        }

        var problems = new List<FieldProblem>();
        if (request.UserIds is not { Count: > 0 and <= RecommendationLimits.MaxReportUsers } users)
        {
            problems.Add(new FieldProblem(-1, "userIds", $"give 1..{RecommendationLimits.MaxReportUsers} user ids"));
        }
        else
        {
            for (int i = 0; i < users.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(users[i]) || users[i].Length > RecommendationLimits.MaxIdLength)
                {
                    problems.Add(new FieldProblem(-1, $"userIds[{i}]", $"must be 1..{RecommendationLimits.MaxIdLength} characters, not blank"));
                }
            }
        }

        if (request.By is not null && !ExposureGroups.IsAttribute(request.By))
        {
            problems.Add(new FieldProblem(-1, "by", ExposureGroups.Problem));
        }

        var asRecommend = new RecommendRequest("user", null, null, request.Count, null, null, false, null, request.Strategy, request.Debias);
        if (!RecommendValidation.Validate(asRecommend).TryGetValue(out _, out var recommendError))
        {
            problems.AddRange(recommendError.Problems);
        }

        return problems.Count == 0 ? null : Error.Invalid(problems);
    }
}
