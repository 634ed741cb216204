namespace MaaS.Storage.Validation;

/// <summary>Input rules of the key and market stores, checked before any database work (same for both providers).</summary>
internal static class SecurityValidator
{
    /// <summary>
    /// A revoke of a key the tenant does not have (unknown, or another tenant's: the answer must not tell which).
    /// Worded for the caller, so hosts can pass it on unchanged.
    /// </summary>
    public static Error NoSuchKeyInTenant { get; } = new(ErrorCode.NotFound, "no such key in this tenant");

    public static Error? KeyId(string? keyId) =>
        ApiKeyRules.IsValidKeyId(keyId) ? null : Error.Invalid("keyId", "must be 8-32 lower-case letters or digits");

    public static Error? ModelName(string? name, string field = "name") =>
        ModelListing.IsValidListingName(name)
            ? null
            : Error.Invalid(field, "must be 1-64 of [a-z0-9-_], starting with a letter or digit, optionally after '<tenant>.'");

    /// <summary>A version policy's rules, every broken one named by the API's field (<c>version</c>, <c>canary.version</c>, <c>canary.percent</c>).</summary>
    public static Error? VersionPolicy(ModelVersionPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (ModelName(policy.Name) is { } badName)
        {
            return badName;
        }
        var problems = new List<FieldProblem>();
        if (policy.DefaultVersion is <= 0)
        {
            problems.Add(new FieldProblem(-1, "version", "must be a positive integer or null"));
        }
        if (policy.CanaryVersion is <= 0)
        {
            problems.Add(new FieldProblem(-1, "canary.version", "must be a positive integer"));
        }
        else if (policy.CanaryVersion is long canary && canary == policy.DefaultVersion)
        {
            problems.Add(new FieldProblem(-1, "canary.version", "must differ from the default version"));
        }
        if (policy.CanaryVersion is null ? policy.CanaryPercent is not null : policy.CanaryPercent is not (>= 1 and <= 99))
        {
            problems.Add(new FieldProblem(-1, "canary.percent", policy.CanaryVersion is null ? "is set without a canary version" : "must be 1..99"));
        }
        return problems.Count == 0 ? null : Error.Invalid(problems);
    }

    /// <summary>A claim's name and quota: a namespaced name must be the claiming tenant's own.</summary>
    public static Error? Claim(string tenant, string name, MarketQuota? quota)
    {
        if (ModelListing.NamespaceOf(name) is { } ns && !string.Equals(ns, tenant, StringComparison.Ordinal))
        {
            return Error.Invalid("name", "must be in the claiming tenant's namespace ('<tenant>.<model>')");
        }
        return quota is { MaxModels: < 1 } or { MaxBytes: < 0 }
            ? Error.Invalid("quota", "MaxModels must be at least 1 and MaxBytes at least 0")
            : null;
    }

    /// <summary>The answer to a claim that would take a tenant past its quota (worded for the publisher's caller).</summary>
    public static Error? OverQuota(bool newListing, long models, long usedBytes, long bytes, MarketQuota? quota)
    {
        if (quota is null)
        {
            return null;
        }
        if (newListing && models >= quota.MaxModels)
        {
            return new Error(ErrorCode.Conflict,
                $"the tenant has {models} models, the most it may have ({quota.MaxModels}); delete one to publish another");
        }
        return bytes > 0 && usedBytes + bytes > quota.MaxBytes
            ? new Error(ErrorCode.Conflict,
                $"the tenant's models hold {usedBytes} bytes and this upload adds {bytes}, more than its limit of {quota.MaxBytes} bytes; delete a model or upload a smaller one")
            : null;
    }

    public static Error? Key(ApiKeyRecord? key)
    {
        if (key is null)
        {
            return Error.Invalid("key", "must not be null");
        }
        var failures = new List<FieldProblem>();
        if (!ApiKeyRules.IsValidKeyId(key.KeyId))
        {
            failures.Add(new(-1, nameof(key.KeyId), "must be 8-32 lower-case letters or digits"));
        }
        if (InputValidator.Tenant(key.Tenant) is { } tenant)
        {
            failures.AddRange(tenant.Problems);
        }
        if (key.Name is null || key.Name.Length > ApiKeyRules.MaxNameLength || key.Name.Any(char.IsControl))
        {
            failures.Add(new(-1, nameof(key.Name), $"must be at most {ApiKeyRules.MaxNameLength} characters without control characters"));
        }
        if (key.Roles is null || key.Roles.Count == 0 || key.Roles.Any(r => !ApiKeyRules.Roles.Contains(r)))
        {
            failures.Add(new(-1, nameof(key.Roles), $"must be a non-empty subset of {string.Join(", ", ApiKeyRules.Roles)}"));
        }
        if (key.SecretHash is not { Length: 64 } || !key.SecretHash.All(char.IsAsciiHexDigitLower))
        {
            failures.Add(new(-1, nameof(key.SecretHash), "must be 64 lower-case hex characters"));
        }
        if (key.Limits is null)
        {
            failures.Add(new(-1, nameof(key.Limits), "must not be null"));
        }
        else
        {
            if (key.Limits.RequestsPerSecond is { } rps && !(double.IsFinite(rps) && rps > 0))
            {
                failures.Add(new(-1, "RequestsPerSecond", "must be a positive finite number"));
            }
            if (key.Limits.Burst is < 1)
            {
                failures.Add(new(-1, "Burst", "must be at least 1"));
            }
            if (key.Limits.MaxConcurrentRequests is < 1)
            {
                failures.Add(new(-1, "MaxConcurrentRequests", "must be at least 1"));
            }
        }
        return failures.Count == 0 ? null : Error.Invalid(failures);
    }

    public static string Roles(IReadOnlyList<string> roles) => string.Join(',', roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static IReadOnlyList<string> Roles(string stored) => stored.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static string Visibility(ModelVisibility visibility) => visibility switch
    {
        ModelVisibility.Private => "private",
        ModelVisibility.Tenant => "tenant",
        ModelVisibility.Public => "public",
        _ => throw new ArgumentOutOfRangeException(nameof(visibility)),
    };

    public static ModelVisibility Visibility(string stored) => stored switch
    {
        "private" => ModelVisibility.Private,
        "tenant" => ModelVisibility.Tenant,
        _ => ModelVisibility.Public,
    };

    public static Error? VisibilityValue(ModelVisibility visibility) =>
        Enum.IsDefined(visibility) ? null : Error.Invalid("visibility", "must be private, tenant or public");
}
