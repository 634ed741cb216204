namespace MaaS.Services.Recommendations.Catalogue;

/// <summary>
/// Catalogue writes and reads. After a write this replica's in-memory catalogue catches up with the store's change
/// feed at once, through the path every other replica's <see cref="CatalogueFeedFollower"/> takes within about a
/// second: written items are recommendable (and deleted ones gone) before the answer, before any CF rebuild.
/// Thread-safe.
/// </summary>
internal sealed partial class CatalogueService(ICatalogStore catalog, TenantStates tenants, ILogger<CatalogueService> logger)
{
    public async ValueTask<Result<ItemBatchResponse>> UpsertAsync(string tenant, ItemBatchRequest? request, CancellationToken cancellationToken)
    {
        if (request?.Items is not { Count: > 0 } input)
        {
            return Error.Invalid([new FieldProblem(-1, "items", "must hold at least one item")]);
        }

        if (input.Count > StorageLimits.MaxBatchSize)
        {
            return new Error(ErrorCode.PayloadTooLarge, $"at most {StorageLimits.MaxBatchSize} items per batch");
        }

        var items = new CatalogItem[input.Count];
        List<FieldProblem>? problems = null;
        for (int i = 0; i < input.Count; i++)
        {
            var item = input[i];
            void Add(string field, string reason) => (problems ??= []).Add(new FieldProblem(i, $"items[{i}].{field}", reason));
            if (item is null)
            {
                Add("", "must not be null");
                continue;
            }

            if (string.IsNullOrWhiteSpace(item.Id))
            {
                Add("id", "is required");
            }

            if (string.IsNullOrWhiteSpace(item.Title))
            {
                Add("title", "is required");
            }

            if (!CatalogueMapping.TryParseKind(item.Kind, out var kind))
            {
                Add("kind", "must be movie, song or game");
            }

            if (item.AvailableFrom is { } from && item.AvailableUntil is { } until && until < from)
            {
                Add("availableUntil", "must not be before availableFrom");
            }

            items[i] = new CatalogItem(item.Id ?? "", kind, item.Title ?? "", item.Genres ?? [], item.Tags ?? [], item.Text, item.AvailableFrom, item.AvailableUntil);
        }

        if (problems is not null)
        {
            return Error.Invalid(problems);
        }

        var written = await catalog.UpsertAsync(tenant, items, cancellationToken).ConfigureAwait(false);
        if (!written.TryGetValue(out int count, out var error))
        {
            return error.Code == ErrorCode.InvalidRequest
                ? Error.Invalid([.. error.Problems.Select(f => new FieldProblem(f.Index, f.Index is null ? f.Field : $"items[{f.Index}].{JsonField(f.Field)}", f.Reason))])
                : new Error(ErrorCode.DependencyUnavailable, "the catalogue store is unavailable; nothing was stored");
        }

        await CatchUpAsync(tenant, cancellationToken).ConfigureAwait(false);
        return Result<ItemBatchResponse>.Ok(new ItemBatchResponse(count));
    }

    /// <summary>Deletes an item: gone from reads at once, and from recommendations and similar items on every replica as its catalogue catches up.</summary>
    public async ValueTask<Result<bool>> DeleteAsync(string tenant, string itemId, CancellationToken cancellationToken)
    {
        var deleted = await catalog.DeleteAsync(tenant, itemId, cancellationToken).ConfigureAwait(false);
        if (!deleted.TryGetValue(out bool existed, out var error))
        {
            return StoreProblems.ToApiError(error, "id", "the catalogue store is unavailable; nothing was deleted");
        }

        if (!existed)
        {
            return new Error(ErrorCode.NotFound, "unknown item");
        }

        await CatchUpAsync(tenant, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<Result<ItemResponse>> GetAsync(string tenant, string itemId, CancellationToken cancellationToken)
    {
        var read = await catalog.GetAsync(tenant, itemId, cancellationToken).ConfigureAwait(false);
        if (read.TryGetValue(out var item, out var error))
        {
            return Result<ItemResponse>.Ok(CatalogueMapping.ToResponse(item));
        }

        return error.Code == ErrorCode.NotFound
            ? new Error(ErrorCode.NotFound, "unknown item")
            : StoreProblems.ToApiError(error, "id", "the catalogue store is unavailable");
    }

    /// <summary>A page of the tenant's catalogue by item id (ordinal), read from the store.</summary>
    public async ValueTask<Result<Page<ItemResponse>>> ListAsync(string tenant, PageRequest page, CancellationToken cancellationToken)
    {
        if (page.After is { } after)
        {
            var cursor = await catalog.GetAsync(tenant, after, cancellationToken).ConfigureAwait(false);
            if (!cursor.IsSuccess)
            {
                return cursor.Error.Code is ErrorCode.NotFound or ErrorCode.InvalidRequest
                    ? Page.UnknownCursor("catalogue item of this tenant")
                    : StoreProblems.ToApiError(cursor.Error, "after", "the catalogue store is unavailable");
            }
        }

        var listed = await catalog.ListAsync(tenant, page.After, page.Probe, cancellationToken).ConfigureAwait(false);
        return listed.TryGetValue(out var items, out var error)
            ? Page.Of(items, page, i => i.ItemId).Select(CatalogueMapping.ToResponse)
            : StoreProblems.ToApiError(error, "after", "the catalogue store is unavailable");
    }

    // The write is durable whatever happens here: if the feed cannot be read now, the follower applies it later.
    private async Task CatchUpAsync(string tenant, CancellationToken cancellationToken)
    {
        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        var caught = await state.CatchUpAsync(0, cancellationToken).ConfigureAwait(false);
        if (!caught.IsSuccess)
        {
            LogCatchUpFailed(logger, caught.Error.Message);
        }
    }

    /// <summary>The request's JSON field for a property of the store's <see cref="CatalogItem"/> that its checks name.</summary>
    private static string JsonField(string property) =>
        property == nameof(CatalogItem.ItemId) ? "id" : JsonNamingPolicy.CamelCase.ConvertName(property);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "A catalogue write is stored but not yet served here ({Reason}); the change feed follower applies it later")]
    private static partial void LogCatchUpFailed(ILogger logger, string reason);
}
