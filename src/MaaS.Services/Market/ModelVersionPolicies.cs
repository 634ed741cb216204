namespace MaaS.Services.Market;

/// <summary>
/// The version policies (each model's pinned default and canary) kept in the store and followed by every replica: a
/// change is checked and applied by this replica's registry, then stored, which wakes every other replica's
/// <see cref="VersionPolicyFollower"/> (PostgreSQL NOTIFY; SQLite has one process). A store that refuses the write puts
/// the registry back to what is stored. Writes and follows take turns, so a follow never lays an older read over a
/// newer set. Thread-safe.
/// </summary>
public sealed partial class ModelVersionPolicies(ModelRegistry registry, IModelMarketStore store, ILogger<ModelVersionPolicies> logger)
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Checks, applies and stores <paramref name="policy"/> for <paramref name="name"/>; the registry's answer, or the store's refusal.</summary>
    public async Task<Result<ModelInfo>> SetAsync(string name, VersionPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var set = await registry.SetVersionPolicyAsync(name, policy, cancellationToken).ConfigureAwait(false);
            if (!set.IsSuccess)
            {
                return set;
            }

            var stored = await store.PutVersionPolicyAsync(
                new ModelVersionPolicy(name, policy.DefaultVersion, policy.Canary?.Version, policy.Canary?.Percent), CancellationToken.None).ConfigureAwait(false);
            if (!stored.IsSuccess)
            {
                // Nothing may serve a policy the other replicas will not follow: back to what the store holds.
                await FollowCoreAsync(CancellationToken.None).ConfigureAwait(false);
                return Result<ModelInfo>.Fail(stored.Error);
            }

            return set;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Pins <paramref name="version"/> (null unpins) and keeps the canary, unless the pin promotes it (<see cref="ModelRegistry.PinnedPolicy"/>).</summary>
    public Task<Result<ModelInfo>> PinAsync(string name, long? version, CancellationToken cancellationToken = default) =>
        SetAsync(name, ModelRegistry.PinnedPolicy(registry.GetVersionPolicy(name).Policy, version), cancellationToken);

    /// <summary>Reads every stored policy and applies them to the registry (models without a row have none). False when the store could not be read.</summary>
    public async Task<bool> FollowAsync(CancellationToken cancellationToken = default)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await FollowCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task<bool> FollowCoreAsync(CancellationToken cancellationToken)
    {
        var stored = await store.ListVersionPoliciesAsync(cancellationToken).ConfigureAwait(false);
        if (!stored.IsSuccess)
        {
            LogReadFailed(logger, stored.Error.Message);
            return false;
        }

        var policies = new Dictionary<string, VersionPolicy>(StringComparer.Ordinal);
        foreach (var row in stored.Value)
        {
            policies[row.Name] = new VersionPolicy(row.DefaultVersion,
                row is { CanaryVersion: long canary, CanaryPercent: int percent } ? new VersionCanary(canary, percent) : null);
        }

        await registry.ApplyVersionPoliciesAsync(policies, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 3206, Level = LogLevel.Warning, Message = "The models' version policies could not be read ({Reason}); trying again at the next change or poll")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
