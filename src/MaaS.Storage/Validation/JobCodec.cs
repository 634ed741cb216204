namespace MaaS.Storage.Validation;

/// <summary>The checks both job stores apply before a write (the stored words of <see cref="JobState"/> are <see cref="JobStates"/>').</summary>
internal static class JobCodec
{
    /// <summary>Server-minted ids are 32 lower-case hex characters; anything else cannot name a job.</summary>
    public static bool IsId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    public static Error? New(NewJob job) =>
        !IsId(job.Id) ? Error.Invalid("id", "must be 32 lower-case hex characters")
        : InputValidator.Tenant(job.Tenant) is { } tenant ? tenant
        : string.IsNullOrEmpty(job.Kind) || job.Kind.Length > 64 ? Error.Invalid("kind", "must be 1-64 characters")
        : null;

    public static Error? Limits(JobLimits limits) =>
        limits.Global < 1 || limits.PerTenant < 1 || limits.PerTenantOfKind.Values.Any(n => n < 1) ? Error.Invalid("limits", "must be at least 1") : null;

    public static double Clamp(double progress) => double.IsFinite(progress) ? Math.Clamp(progress, 0, 1) : 0;

    /// <summary>
    /// Of the claimable candidates (oldest first), the first this claim may take (<see cref="JobLimits.OwnSlots"/>) whose
    /// tenant is under its limit for the job's kind, given the live counts by tenant and kind.
    /// </summary>
    public static int? Choose(
        IReadOnlyList<(string Id, string Tenant, string Kind)> candidates, IReadOnlyDictionary<(string Tenant, string Kind), int> running, JobLimits limits)
    {
        if (running.Values.Sum() >= limits.Global)
        {
            return null;
        }

        for (int i = 0; i < candidates.Count; i++)
        {
            var (_, tenant, kind) = candidates[i];
            bool own = limits.PerTenantOfKind.TryGetValue(kind, out int ofKind);
            if (limits.OwnSlots is { } only && only != own)
            {
                continue;
            }

            int used = own
                ? running.GetValueOrDefault((tenant, kind))
                : running.Where(r => r.Key.Tenant == tenant && !limits.PerTenantOfKind.ContainsKey(r.Key.Kind)).Sum(r => r.Value);
            if (used < (own ? ofKind : limits.PerTenant))
            {
                return i;
            }
        }

        return null;
    }
}
