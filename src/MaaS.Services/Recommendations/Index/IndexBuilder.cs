using MaaS.Recommendations.Artifacts;
using MaaS.Recommendations.Ranking;

namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// Rebuilds a tenant's similarity index from the store: catches the tenant's catalogue up with the change feed, streams
/// the events (but those of deleted items), builds, writes a new version folder (to a temp folder first, then renamed,
/// so the registry never sees half a version), loads it into <see cref="RecommendationModels"/> (an atomic swap) and
/// retires versions beyond <see cref="RecommendationOptions.KeepVersions"/>.
/// Builds of one tenant are serialised; different tenants may build concurrently. <see cref="BuildAdmission"/> refuses
/// a build beyond the limits before it reads the events and again, exactly, before it computes. The token is observed
/// until the new version is written (reading, and the build between item ranges): a build cancelled by then leaves
/// nothing behind and the serving version untouched; once writing has begun it completes. Callers wanting a deadline
/// (<see cref="RebuildJobs"/>) pass a token that expires.
/// </summary>
internal sealed partial class IndexBuilder(
    IEventStore events,
    RecommendationModels models,
    TenantStates tenants,
    EventWeights weights,
    BuildAdmission admission,
    IOptions<RecommendationOptions> options,
    ILogger<IndexBuilder> logger)
{
    private const string ModelJson = """
        {
          "task": "recommendation",
          "format": "itemcf",
          "description": "Item-item collaborative filtering index, rebuilt from the event store by the gateway.",
          "owner": "maas",
          "tags": ["recommendation", "itemcf"]
        }
        """;

    /// <summary>Distinct genres an index can filter on (ItemCatalog.MaxGenres in MaaS.Recommendations).</summary>
    private const int MaxIndexGenres = 64;

    public Task<Result<RebuildResponse>> BuildAsync(string tenant, CancellationToken cancellationToken) => BuildAsync(tenant, null, cancellationToken);

    /// <param name="tenant">The tenant whose index is rebuilt.</param>
    /// <param name="progress">Told each stage as it begins: admission, reading, building, loading.</param>
    /// <param name="cancellationToken">Stops the build until its version is written (see the class remarks).</param>
    public async Task<Result<RebuildResponse>> BuildAsync(string tenant, Action<string>? progress, CancellationToken cancellationToken)
    {
        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        using var build = await state.BeginBuildAsync(cancellationToken).ConfigureAwait(false);
        return await BuildLockedAsync(state, build, progress ?? (_ => { }), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Result<RebuildResponse>> BuildLockedAsync(
        TenantState state, TenantState.BuildLease build, Action<string> progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var builtAt = DateTimeOffset.UtcNow;
        progress("admission");
        var admitted = await admission.CheckStoreAsync(state.Tenant, cancellationToken).ConfigureAwait(false);
        if (!admitted.IsSuccess)
        {
            if (admitted.Error.Code == ErrorCode.DependencyUnavailable)
            {
                build.Failed();
            }

            return admitted.Error;
        }

        progress("reading");
        // The catalogue as every caught-up replica has it (other replicas' writes included); items deleted from it
        // leave the index with their events, so no build brings them back.
        var caught = await state.CatchUpAsync(0, cancellationToken).ConfigureAwait(false);
        if (!caught.IsSuccess)
        {
            build.Failed();
            return new Error(ErrorCode.DependencyUnavailable, "the catalogue store could not be read");
        }

        var deleted = state.Catalogue.Deleted;
        var training = new IndexTraining(weights);
        var metadata = new List<ItemMetadata>();
        try
        {
            await foreach (var batch in events.StreamAllAsync(state.Tenant, null, 5_000, cancellationToken).ConfigureAwait(false))
            {
                foreach (var e in batch)
                {
                    if (!deleted.Contains(e.ItemId))
                    {
                        training.Add(e);
                    }
                }
            }

            // Every build also refreshes the content index from the whole catalogue (fresh IDF, rows refilled).
            var contentStarted = Stopwatch.GetTimestamp();
            var catalogue = state.RebuildContent();
            var content = catalogue.Content!;
            LogContentBuilt(logger, state.Tenant, content.ItemCount, content.FeatureCount, content.NeighbourCount, Stopwatch.GetElapsedTime(contentStarted).TotalMilliseconds);
            var genres = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in catalogue.Items.Values.OrderBy(i => i.ItemId, StringComparer.Ordinal))
            {
                metadata.Add(new ItemMetadata(item.ItemId, CatalogueMapping.ToIndexKind(item.Kind), KeepIndexableGenres(item.Genres, genres)));
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            build.Failed();
            LogReadFailed(logger, e);
            return new Error(ErrorCode.DependencyUnavailable, "the event store could not be read");
        }

        if (training.Weighted == 0 && metadata.Count == 0)
        {
            return new Error(ErrorCode.Conflict, "the tenant has no events or items yet; nothing to build from");
        }

        if (admission.Check(new BuildSize(DistinctItems(training, metadata), training.Events, training.Users)) is { } refused)
        {
            return refused;
        }

        progress("building");
        var settings = IndexTraining.Settings(options.Value);
        ItemIndex index;
        try
        {
            index = await Task.Run(() => training.Build(settings, metadata, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            build.Failed();
            LogBuildFailed(logger, e);
            return new Error(ErrorCode.InferenceFailed, "the index build failed; the serving version is kept");
        }

        // The last point of cancellation: from here the version is written and loaded whole, or not at all.
        cancellationToken.ThrowIfCancellationRequested();
        progress("loading");
        var stats = training.Stats(builtAt);
        string name = RecommendationModels.ModelName(state.Tenant);
        long version = WriteVersion(name, index, stats);
        var loaded = await models.Registry.LoadVersionAsync(name, version, CancellationToken.None).ConfigureAwait(false);
        if (!loaded.IsSuccess)
        {
            LogLoadFailed(logger, name, version, loaded.Error?.Message);
            return new Error(ErrorCode.InferenceFailed, $"the new index version {version} did not load");
        }

        state.Serving(index);
        await RetireAsync(name, version, CancellationToken.None).ConfigureAwait(false);
        double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogBuilt(logger, name, version, index.ItemCount, stats.Events, stats.Users, ms);
        return Result<RebuildResponse>.Ok(new RebuildResponse(name, version, index.ItemCount, stats.Events, stats.Users, index.NeighbourCount, ms));
    }

    /// <summary>Items the index will hold: the catalogue's and those only events name.</summary>
    private static int DistinctItems(IndexTraining training, List<ItemMetadata> catalogue)
    {
        var items = new HashSet<string>(training.ItemIds, StringComparer.Ordinal);
        items.UnionWith(catalogue.Select(m => m.ItemId));
        return items.Count;
    }

    /// <summary>The index holds at most 64 distinct genres; later ones are left out of its filters (the catalogue cache still has them).</summary>
    private static IReadOnlyList<string> KeepIndexableGenres(IReadOnlyList<string> genres, HashSet<string> seen)
    {
        bool allKept = true;
        foreach (string genre in genres)
        {
            if (!seen.Contains(genre) && !(seen.Count < MaxIndexGenres && seen.Add(genre)))
            {
                allKept = false;
            }
        }

        return allKept ? genres : [.. genres.Where(seen.Contains)];
    }

    private long WriteVersion(string name, ItemIndex index, IndexStats stats)
    {
        string modelDir = Path.Combine(models.Root, name);
        Directory.CreateDirectory(modelDir);
        string config = Path.Combine(modelDir, RepositoryFiles.Config);
        if (!File.Exists(config))
        {
            File.WriteAllText(config, ModelJson);
        }

        long version = ExistingVersions(modelDir).DefaultIfEmpty(0).Max() + 1;
        string temp = Path.Combine(modelDir, ".building-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        ItemIndexArtifact.Save(index, Path.Combine(temp, ItemIndexArtifact.FileName));
        stats.Write(Path.Combine(temp, IndexStats.FileName));
        Directory.Move(temp, Path.Combine(modelDir, version.ToString(CultureInfo.InvariantCulture)));
        return version;
    }

    private static IEnumerable<long> ExistingVersions(string modelDir) =>
        Directory.EnumerateDirectories(modelDir)
            .Select(d => long.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : 0)
            .Where(v => v > 0);

    private async Task RetireAsync(string name, long current, CancellationToken cancellationToken)
    {
        string modelDir = Path.Combine(models.Root, name);
        foreach (long old in ExistingVersions(modelDir).Where(v => v <= current - options.Value.KeepVersions).ToList())
        {
            if (models.Registry.GetModel(name)?.FindVersion(old) is { State: ModelVersionState.Ready })
            {
                await models.Registry.UnloadVersionAsync(name, old, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                Directory.Delete(Path.Combine(modelDir, old.ToString(CultureInfo.InvariantCulture)), recursive: true);
            }
            catch (IOException e)
            {
                LogRetireFailed(logger, name, old, e);
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Built {Model} version {Version}: {Items} items from {Events} events of {Users} users in {Milliseconds:0.0} ms")]
    private static partial void LogBuilt(ILogger logger, string model, long version, int items, long events, int users, double milliseconds);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Content index of tenant {Tenant}: {Items} items, {Features} features, {Neighbours} neighbours in {Milliseconds:0.0} ms")]
    private static partial void LogContentBuilt(ILogger logger, string tenant, int items, int features, long neighbours, double milliseconds);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Index rebuild could not read the store; the serving index is kept")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Index build failed; the serving version is kept")]
    private static partial void LogBuildFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Index {Model} version {Version} failed to load ({Reason}); the previous version keeps serving")]
    private static partial void LogLoadFailed(ILogger logger, string model, long version, string? reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Could not delete retired index {Model} version {Version}")]
    private static partial void LogRetireFailed(ILogger logger, string model, long version, Exception exception);
}
