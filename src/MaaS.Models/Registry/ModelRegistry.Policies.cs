using System.Collections.Immutable;

namespace MaaS.Models.Registry;

/// <summary>The version policies: each model's pinned default and canary, laid over its slot by every publication.</summary>
public sealed partial class ModelRegistry
{
    /// <inheritdoc />
    public VersionPolicyState GetVersionPolicy(string name)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        return snapshot.Models.TryGetValue(name, out var slot)
            ? PolicyState(snapshot, slot)
            : new VersionPolicyState(Volatile.Read(ref _policies).GetValueOrDefault(name) ?? VersionPolicy.None, null);
    }

    /// <inheritdoc />
    public async Task<Result<ModelInfo>> SetVersionPolicyAsync(string name, VersionPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_snapshot.Models.TryGetValue(name, out var slot))
            {
                return Result<ModelInfo>.Fail(ErrorCode.ModelNotFound, $"unknown model: '{name}'");
            }

            if (CheckPolicy(name, slot, policy) is { } refused)
            {
                return Result<ModelInfo>.Fail(refused);
            }

            Publish(name, policy);
            await RecheckEnsemblesAsync(name, cancellationToken).ConfigureAwait(false);
            LogPolicySet(_logger, name, Describe(policy.DefaultVersion), policy.Canary is { } c ? $"{Describe(c.Version)} at {Describe(c.Percent)} %" : "none");
            return Result<ModelInfo>.Ok(ToInfo(_snapshot.Models[name]));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task ApplyVersionPoliciesAsync(IReadOnlyDictionary<string, VersionPolicy> policies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        // In force at once, without the registry's gate: a load in flight (minutes for a large model) must not hold
        // back another replica's rollback. Set lays the policies over whatever slot that load publishes later.
        lock (_publishing)
        {
            var current = _policies;
            foreach (var (name, policy) in policies)
            {
                if (!policy.IsEmpty && current.GetValueOrDefault(name) != policy)
                {
                    changed.Add(name);
                }
            }

            foreach (string name in current.Keys)
            {
                if (!policies.TryGetValue(name, out var policy) || policy.IsEmpty)
                {
                    changed.Add(name);
                }
            }

            foreach (string name in changed)
            {
                Publish(name, policies.GetValueOrDefault(name) ?? VersionPolicy.None);
            }
        }

        if (changed.Count == 0)
        {
            return;
        }

        // An ensemble that names a member without a version follows the member's default: checked again.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RecheckEnsemblesAsync(changed, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The policy after pinning <paramref name="version"/> over <paramref name="current"/>: pinning the canary's version
    /// promotes it (the canary ends).
    /// </summary>
    public static VersionPolicy PinnedPolicy(VersionPolicy current, long? version)
    {
        ArgumentNullException.ThrowIfNull(current);
        return new VersionPolicy(version, current.Canary is { } canary && canary.Version == version ? null : current.Canary);
    }

    private void Publish(string name, VersionPolicy policy)
    {
        lock (_publishing)
        {
            Volatile.Write(ref _policies, policy.IsEmpty ? _policies.Remove(name) : _policies.SetItem(name, policy));
            if (_snapshot.Models.TryGetValue(name, out var slot))
            {
                Set(name, slot);
            }
        }
    }

    private static Error? CheckPolicy(string name, ModelSlot slot, VersionPolicy policy)
    {
        if (policy.DefaultVersion is long v)
        {
            if (v <= 0)
            {
                return Error.InvalidField("version", "version must be a positive integer or null");
            }

            if (!slot.Versions.TryGetValue(v, out var target))
            {
                return new Error(ErrorCode.VersionNotFound, $"unknown version {v} of model '{name}'");
            }

            if (target.State != ModelVersionState.Ready)
            {
                return new Error(ErrorCode.ModelNotReady, $"model '{name}' version {v} is not ready: {target.Reason}");
            }
        }

        if (policy.Canary is not { } canary)
        {
            return null;
        }

        if (canary.Percent is < VersionCanary.MinPercent or > VersionCanary.MaxPercent)
        {
            return Error.InvalidField("canary.percent", $"canary.percent must be {VersionCanary.MinPercent}..{VersionCanary.MaxPercent}, not {canary.Percent}");
        }

        if (canary.Version <= 0)
        {
            return Error.InvalidField("canary.version", "canary.version must be a positive integer");
        }

        if (!slot.Versions.TryGetValue(canary.Version, out var candidate) || candidate.State != ModelVersionState.Ready)
        {
            string why = candidate is null ? "is not a version of the model" : $"is not ready ({candidate.Reason})";
            return Error.InvalidField("canary.version", $"canary.version {canary.Version} of model '{name}' {why}: load it first");
        }

        long? resolved = (slot with { DefaultOverride = policy.DefaultVersion }).ResolveDefault();
        return canary.Version == resolved
            ? Error.InvalidField("canary.version",
                $"canary.version {canary.Version} is the default version of model '{name}'; pin another default (\"version\") or canary another version")
            : null;
    }

    private static VersionPolicyState PolicyState(RegistrySnapshot snapshot, ModelSlot slot)
    {
        var policy = new VersionPolicy(slot.DefaultOverride, slot.Canary);
        if (slot.Canary is not { } canary)
        {
            return new VersionPolicyState(policy, null);
        }

        string? fallback = null;
        if (canary.Version == slot.ResolveDefault())
        {
            fallback = "the canary version is the default version";
        }
        else if (!CanaryServes(snapshot, slot, canary))
        {
            fallback = slot.Versions.TryGetValue(canary.Version, out var version)
                ? $"version {canary.Version} is not ready: {ReasonOf(version) ?? EnsembleReason(snapshot, version)}; its share goes to the default version"
                : $"version {canary.Version} is not in the repository; its share goes to the default version";
        }

        return new VersionPolicyState(policy, fallback);
    }

    private static string? EnsembleReason(RegistrySnapshot snapshot, VersionSlot version) =>
        version.Runtime is { } runtime ? EnsembleProblem(snapshot, runtime) : null;

    /// <summary>Whether the canary version can take requests now: loaded, its circuit closed, an ensemble's members ready.</summary>
    private static bool CanaryServes(RegistrySnapshot snapshot, ModelSlot slot, VersionCanary canary) =>
        slot.Versions.TryGetValue(canary.Version, out var version)
        && version.Runtime is { IsHealthy: true } runtime
        && EnsembleProblem(snapshot, runtime) is null;

    private static string Describe(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(automatic)";

    [LoggerMessage(EventId = 1017, Level = LogLevel.Information, Message = "Version policy of {Model}: default {Version}, canary {Canary}")]
    private static partial void LogPolicySet(ILogger logger, string model, string version, string canary);
}
