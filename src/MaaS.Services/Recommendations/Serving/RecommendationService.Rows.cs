namespace MaaS.Services.Recommendations.Serving;

internal sealed partial class RecommendationService
{
    /// <summary>
    /// A home page of rows (<c>POST /v1/recommend/rows</c>), counted as served as one answer: validated once
    /// (<see cref="RowsValidation"/>), the history read once, the index leased once, and every row ranked over the same
    /// catalogue snapshot by <see cref="PageRows"/>.
    /// </summary>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="body">The request, or null when none was sent.</param>
    /// <param name="sessionToken">As for <c>/v1/recommend</c>: the history is at least as fresh as this event commit.</param>
    /// <param name="cancellationToken">The request's abort.</param>
    public async ValueTask<Result<RecommendRowsResponse>> RecommendRowsAsync(string tenant, RecommendRowsRequest? body, string? sessionToken, CancellationToken cancellationToken)
    {
        if (sessionToken is not null && !SessionTokens.IsWellFormed(sessionToken))
        {
            return Error.Invalid([new FieldProblem(-1, SessionTokens.HeaderName, SessionTokens.Rule)]);
        }

        if (!RowsValidation.Validate(body).TryGetValue(out var valid, out var invalid))
        {
            return invalid;
        }

        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var catalogue = state.Catalogue;
        if (!(await ReadHistoryAsync(tenant, valid.Request.UserId, valid.Request.SessionId, sessionToken, cancellationToken).ConfigureAwait(false)).TryGetValue(out var stored, out var error))
        {
            return error;
        }

        var leased = models.Acquire(tenant);
        using var lease = leased.IsSuccess ? leased.Value : null;
        var model = (ItemCfModel?)lease?.Model;
        var engine = model is null && valid.Strategy != RecommendationStrategy.Content ? null : state.Engine(model, catalogue, _blend);
        var world = new PageWorld(
            engine, catalogue, stored, state.NewItemEvents, state.RecentEvents, model?.Stats.ItemEvents, options.Value.Debias.For(tenant), Today(), catalogue.WithdrawnFrom(model?.Index));
        var (rows, historySize) = PageRows.Assemble(valid, world);
        tally.Served(tenant, [.. rows.SelectMany(r => r.Items)]);
        return new RecommendRowsResponse(NewRecommendationId(), rows, lease?.Version, historySize);
    }
}
