using System.Text.Json.Nodes;
using MaaS.Models.Onnx;

namespace MaaS.Services.Market;

/// <summary>A published version.</summary>
/// <param name="Name">The model's name: <c>&lt;tenant&gt;.&lt;card name&gt;</c> (or the plain name of a model the tenant published before names were scoped).</param>
/// <param name="Version">The new version number.</param>
/// <param name="Owner">The publishing tenant.</param>
/// <param name="Visibility">Who may see the model.</param>
internal sealed record PublishedVersion(string Name, long Version, string Owner, ModelVisibility Visibility);

/// <summary>What a publication made by the market itself (not an upload) adds: the model's format and files beside model.onnx.</summary>
/// <param name="Format">model.json's <c>format</c> (<c>onnx</c> for uploads).</param>
/// <param name="Files">File name → bytes, written into the version folder (a sentence encoder's vocabulary).</param>
internal sealed record PublishExtras(string Format, IReadOnlyDictionary<string, byte[]> Files);

/// <summary>
/// Publishes, shares and deletes market models. A tenant publishes into its own namespace: the card's name <c>churn</c>
/// becomes the model <c>&lt;tenant&gt;.churn</c>, so no name one tenant picks can collide with, or tell anything about,
/// another tenant's models (a model published before names were scoped keeps its plain name and its owner's uploads
/// keep adding versions to it). An upload is validated completely (card, ONNX bytes, card against model) and counted
/// against the tenant's quota (<see cref="MarketOptions"/>, in the market store) before the repository is touched; it
/// is then written to a hidden staging folder and
/// renamed into place (same file system, so the version appears whole or not at all), and loaded through the registry.
/// Anything failing after the write is rolled back, so a failed upload leaves the repository and listings as they
/// were. Publications are serialised (one at a time per replica). Thread-safe singleton.
/// </summary>
internal sealed partial class ModelPublisher(
    ModelRegistry registry, ModelAccess access, IModelMarketStore store, IOptions<MarketOptions> options, ILogger<ModelPublisher> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task<Result<PublishedVersion>> PublishAsync(string tenant, string cardJson, byte[] onnx, CancellationToken cancellationToken) =>
        PublishAsync(tenant, cardJson, onnx, null, cancellationToken);

    /// <summary>Publishes with <paramref name="extras"/> (format and side files; null for a plain ONNX upload).</summary>
    public async Task<Result<PublishedVersion>> PublishAsync(string tenant, string cardJson, byte[] onnx, PublishExtras? extras, CancellationToken cancellationToken)
    {
        if (ModelCard.Parse(cardJson, out var cardProblems) is not { } card)
        {
            return Invalid(string.Join("; ", cardProblems));
        }

        if (!OnnxUploadValidator.Validate(onnx).TryGetValue(out var facts, out var onnxError))
        {
            return onnxError;
        }

        if (card.Match(facts) is { Count: > 0 } mismatch)
        {
            return Invalid($"the card does not match the model: {string.Join("; ", mismatch)}");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PublishLockedAsync(tenant, card, facts, onnx, extras, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Result<PublishedVersion>> PublishLockedAsync(
        string tenant, ModelCard card, OnnxFacts facts, byte[] onnx, PublishExtras? extras, CancellationToken cancellationToken)
    {
        string name = NameFor(tenant, card.Name);
        if (!ModelListing.IsValidListingName(name))
        {
            return Invalid($"the model name '{name}' ('<tenant>.<card.name>') is not valid: it must be at most " +
                $"{ModelListing.MaxListingNameLength} characters and the tenant name must start with a letter or digit");
        }

        // Published models live apart from the bundled ones, which may be read-only (a container's image or mount).
        string root = registry.PublishedRepositoryPath;
        string modelDirectory = Path.Combine(root, name);
        var previous = access.Find(name);
        bool exists = Directory.Exists(modelDirectory);
        // A bundled folder of that name would hide whatever is published under it.
        if (root != registry.RepositoryPath && Directory.Exists(Path.Combine(registry.RepositoryPath, name)))
        {
            return Taken(name);
        }

        // Only a folder the operator put in this tenant's namespace can be in the way: every tenant sees bundled models.
        if ((previous is not null && previous.Owner != tenant) || (previous is null && exists && access.OwnerOf(name) != tenant))
        {
            return Taken(name);
        }

        var claimed = await store.ClaimAsync(tenant, name, card.Visibility, onnx.Length, options.Value.Quota(), cancellationToken).ConfigureAwait(false);
        if (!claimed.IsSuccess)
        {
            return InMarketWords(claimed.Error, "the model catalogue is unavailable; nothing was published");
        }

        if (claimed.Value.Owner != tenant)
        {
            return Taken(name);
        }

        access.Set(claimed.Value);
        long version = exists ? NextVersion(modelDirectory) : 1;
        string configPath = Path.Combine(modelDirectory, RepositoryFiles.Config);
        string? previousConfig = exists && File.Exists(configPath) ? await File.ReadAllTextAsync(configPath, cancellationToken).ConfigureAwait(false) : null;
        string staging = Path.Combine(root, $".staging-{Guid.NewGuid():N}");
        string versionDirectory = Path.Combine(modelDirectory, version.ToString(CultureInfo.InvariantCulture));
        bool written = false;
        try
        {
            string stagedVersion = exists ? staging : Path.Combine(staging, version.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(stagedVersion);
            await WriteDurablyAsync(Path.Combine(stagedVersion, RepositoryFiles.Onnx), onnx, cancellationToken).ConfigureAwait(false);
            await WriteDurablyAsync(Path.Combine(stagedVersion, RepositoryFiles.Card), System.Text.Encoding.UTF8.GetBytes(card.Raw.GetRawText()), cancellationToken).ConfigureAwait(false);
            foreach (var (fileName, bytes) in extras?.Files ?? new Dictionary<string, byte[]>())
            {
                await WriteDurablyAsync(Path.Combine(stagedVersion, Path.GetFileName(fileName)), bytes, cancellationToken).ConfigureAwait(false);
            }

            byte[] config = System.Text.Encoding.UTF8.GetBytes(ModelJson(tenant, card, facts, extras?.Format ?? "onnx").ToJsonString(new() { WriteIndented = true }));
            if (exists)
            {
                Directory.Move(staging, versionDirectory);
                written = true;
                string temp = Path.Combine(modelDirectory, $".model.json.{Guid.NewGuid():N}");
                await WriteDurablyAsync(temp, config, cancellationToken).ConfigureAwait(false);
                File.Move(temp, configPath, overwrite: true);
            }
            else
            {
                await WriteDurablyAsync(Path.Combine(staging, RepositoryFiles.Config), config, cancellationToken).ConfigureAwait(false);
                Directory.Move(staging, modelDirectory);
                written = true;
            }

            var loaded = await registry.LoadModelAsync(name, CancellationToken.None).ConfigureAwait(false);
            var state = loaded.IsSuccess ? loaded.Value!.FindVersion(version) : null;
            if (state is not { State: ModelVersionState.Ready })
            {
                string reason = state?.Reason ?? loaded.Error?.Message ?? "unknown reason";
                await RollBackAsync(tenant, name, exists, versionDirectory, configPath, previousConfig, previous, onnx.Length).ConfigureAwait(false);
                return Invalid($"the model did not load: {reason}");
            }

            LogPublished(logger, name, version, tenant);
            return Result<PublishedVersion>.Ok(new PublishedVersion(name, version, tenant, card.Visibility));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            LogWriteFailed(logger, name, e);
            if (written)
            {
                await RollBackAsync(tenant, name, exists, versionDirectory, configPath, previousConfig, previous, onnx.Length).ConfigureAwait(false);
            }
            else
            {
                await RestoreListingAsync(tenant, name, previous, onnx.Length).ConfigureAwait(false);
            }

            return Result<PublishedVersion>.Fail(ErrorCode.DependencyUnavailable, "the model could not be written to the repository; nothing was published");
        }
        finally
        {
            TryDelete(staging);
        }
    }

    /// <summary>
    /// Shares the tenant's model with another tenant, or withdraws the share (404 when the caller cannot see the model,
    /// 403 when it does not own it); the answer says whether the shares changed.
    /// </summary>
    public async Task<Result<ShareChange>> ShareAsync(string tenant, string name, string grantee, bool share, CancellationToken cancellationToken)
    {
        if (OwnerCheck(tenant, name) is { } refused)
        {
            return refused;
        }

        if (access.Find(name) is null)
        {
            return Result<ShareChange>.Fail(ErrorCode.Unsupported, $"model '{name}' is a bundled model; only published models can be shared");
        }

        var result = share
            ? await store.ShareAsync(tenant, name, grantee, cancellationToken).ConfigureAwait(false)
            : await store.UnshareAsync(tenant, name, grantee, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            return InMarketWords(result.Error, "the model catalogue is unavailable");
        }

        access.Set(result.Value.Listing);
        return Result<ShareChange>.Ok(result.Value);
    }

    /// <summary>
    /// A page of the tenants the owner's model is shared with, by tenant (ordinal), read from the store (another
    /// replica's shares included). A bundled model has none.
    /// </summary>
    public async Task<Result<Page<ModelShare>>> ListSharesAsync(string tenant, string name, PageRequest page, CancellationToken cancellationToken)
    {
        if (OwnerCheck(tenant, name) is { } refused)
        {
            return refused;
        }

        if (page.After is { } after)
        {
            var cursor = await GetShareAsync(tenant, name, after, cancellationToken).ConfigureAwait(false);
            if (!cursor.IsSuccess)
            {
                return cursor.Error.Code == ErrorCode.NotFound ? Page.UnknownCursor("tenant this model is shared with") : cursor.Error;
            }
        }

        if (access.Find(name) is null)
        {
            return new Page<ModelShare>([], null);
        }

        var listed = await store.ListSharesAsync(tenant, name, page.After, page.Probe, cancellationToken).ConfigureAwait(false);
        return listed.TryGetValue(out var grantees, out var error)
            ? Page.Of(grantees, page, g => g).Select(g => MarketModels.Share(name, g))
            : InMarketWords(error, "the model catalogue is unavailable");
    }

    /// <summary>The share of the owner's model with <paramref name="grantee"/>, or <see cref="ErrorCode.NotFound"/> when there is none.</summary>
    public async Task<Result<ModelShare>> GetShareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken)
    {
        if (OwnerCheck(tenant, name) is { } refused)
        {
            return refused;
        }

        var notShared = new Error(ErrorCode.NotFound, $"model '{name}' is not shared with tenant '{grantee}'");
        if (access.Find(name) is null)
        {
            return notShared;
        }

        var listing = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (!listing.IsSuccess)
        {
            return listing.Error.Code == ErrorCode.NotFound ? new Error(ErrorCode.ModelNotFound, $"unknown model: '{name}'") : InMarketWords(listing.Error, "the model catalogue is unavailable");
        }

        return listing.Value.Owner == tenant && listing.Value.SharedWith.Contains(grantee, StringComparer.Ordinal) ? MarketModels.Share(name, grantee) : notShared;
    }

    /// <summary>Unloads the tenant's published model, removes its folder and its listing.</summary>
    public async Task<Result<string>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken)
    {
        if (OwnerCheck(tenant, name) is { } refused)
        {
            return refused;
        }

        if (access.Find(name) is null)
        {
            return Result<string>.Fail(ErrorCode.Unsupported, $"model '{name}' is a bundled model; remove it from the repository folder instead");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deleted = await store.DeleteAsync(tenant, name, cancellationToken).ConfigureAwait(false);
            // NotFound: the listing is gone already (another replica deleted it); the folder and registry still go.
            if (!deleted.IsSuccess && deleted.Error.Code != ErrorCode.NotFound)
            {
                return InMarketWords(deleted.Error, "the model catalogue is unavailable; nothing was deleted");
            }

            await registry.UnloadModelAsync(name, CancellationToken.None).ConfigureAwait(false);
            string directory = Path.Combine(registry.PublishedRepositoryPath, name);
            if (Directory.Exists(directory))
            {
                // Rename first so the registry never scans a half-deleted folder.
                string trash = Path.Combine(registry.PublishedRepositoryPath, $".trash-{Guid.NewGuid():N}");
                Directory.Move(directory, trash);
                TryDelete(trash);
            }

            await registry.PollAsync(CancellationToken.None).ConfigureAwait(false);
            access.Remove(name);
            LogDeleted(logger, name, tenant);
            return Result<string>.Ok(name);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The model a tenant's upload of <paramref name="cardName"/> goes to: its plain name when the tenant owns a listing
    /// of that name from before names were scoped, else the name in the tenant's namespace.
    /// </summary>
    private string NameFor(string tenant, string cardName) =>
        access.Find(cardName) is { } legacy && legacy.Owner == tenant ? cardName : ModelListing.Qualify(tenant, cardName);

    private Error? OwnerCheck(string tenant, string name)
    {
        if (!ModelListing.IsValidListingName(name) || registry.GetModel(name) is null || !access.CanSee(tenant, name))
        {
            return new Error(ErrorCode.ModelNotFound, $"unknown model: '{name}'");
        }

        return access.IsOwner(tenant, name)
            ? null
            : new Error(ErrorCode.Forbidden, $"model '{name}' belongs to another tenant");
    }

    private async Task RollBackAsync(
        string tenant, string name, bool existed, string versionDirectory, string configPath, string? previousConfig, ModelListing? previous, long bytes)
    {
        try
        {
            if (existed)
            {
                TryDelete(versionDirectory);
                if (previousConfig is not null)
                {
                    string temp = configPath + $".{Guid.NewGuid():N}";
                    await File.WriteAllTextAsync(temp, previousConfig).ConfigureAwait(false);
                    File.Move(temp, configPath, overwrite: true);
                }

                await registry.LoadModelAsync(name, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await registry.UnloadModelAsync(name, CancellationToken.None).ConfigureAwait(false);
                string trash = Path.Combine(registry.PublishedRepositoryPath, $".trash-{Guid.NewGuid():N}");
                Directory.Move(Path.GetDirectoryName(versionDirectory)!, trash);
                TryDelete(trash);
                await registry.PollAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (IOException e)
        {
            LogRollbackFailed(logger, name, e);
        }

        await RestoreListingAsync(tenant, name, previous, bytes).ConfigureAwait(false);
    }

    /// <summary>Undoes a claim: the new listing goes, or the previous one gets its visibility and the claimed bytes back.</summary>
    private async Task RestoreListingAsync(string tenant, string name, ModelListing? previous, long bytes)
    {
        if (previous is null)
        {
            await store.DeleteAsync(tenant, name, CancellationToken.None).ConfigureAwait(false);
            access.Remove(name);
        }
        else
        {
            var restored = await store.ClaimAsync(tenant, name, previous.Visibility, -bytes, null, CancellationToken.None).ConfigureAwait(false);
            access.Set(restored.IsSuccess ? restored.Value : previous);
        }
    }

    private static JsonObject ModelJson(string tenant, ModelCard card, OnnxFacts facts, string format)
    {
        int maxBatch = card.MaxBatchSize ?? (ModelCard.BatchAxis(facts) ? 64 : 0);
        var config = new JsonObject
        {
            ["task"] = card.Task,
            ["format"] = format,
            ["owner"] = ModelAccess.OwnerPrefix + tenant,
            ["tags"] = new JsonArray([.. card.Tags.Select(t => (JsonNode)JsonValue.Create(t))]),
            ["labels"] = new JsonArray([.. card.Labels.Select(l => (JsonNode)JsonValue.Create(l))]),
            ["maxBatchSize"] = maxBatch,
        };
        if (card.Description is not null)
        {
            config["description"] = card.Description;
        }

        return config;
    }

    private static long NextVersion(string modelDirectory) =>
        Directory.EnumerateDirectories(modelDirectory)
            .Select(d => long.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : 0)
            .DefaultIfEmpty(0)
            .Max() + 1;

    private static async Task WriteDurablyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// A store error as the market answers it: unchanged, except an unavailable database, which is said in the
    /// market's words (what did not happen) because the store's message names the database and its error code (the
    /// store has logged those).
    /// </summary>
    private static Error InMarketWords(Error error, string unavailable) =>
        error.Code == ErrorCode.DependencyUnavailable ? new Error(ErrorCode.DependencyUnavailable, unavailable) : error;

    private static Result<PublishedVersion> Invalid(string message) => Result<PublishedVersion>.Fail(ErrorCode.InvalidRequest, message);

    private static Result<PublishedVersion> Taken(string name) =>
        Result<PublishedVersion>.Fail(ErrorCode.Conflict, $"the model name '{name}' is taken; choose another name");

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Published model {Model} version {Version} for tenant {Tenant}")]
    private static partial void LogPublished(ILogger logger, string model, long version, string tenant);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Writing model {Model} to the repository failed; rolling back")]
    private static partial void LogWriteFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Error, Message = "Rolling back model {Model} failed")]
    private static partial void LogRollbackFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Information, Message = "Deleted model {Model} of tenant {Tenant}")]
    private static partial void LogDeleted(ILogger logger, string model, string tenant);
}
