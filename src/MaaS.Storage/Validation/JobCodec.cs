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
        limits.Global < 1 || limits.PerTenant < 1 ? Error.Invalid("limits", "must be at least 1") : null;

    public static double Clamp(double progress) => double.IsFinite(progress) ? Math.Clamp(progress, 0, 1) : 0;

    /// <summary>
    /// Of the claimable candidates (oldest first), the first whose tenant is under its limit, given the live counts.
    /// </summary>
    public static int? Choose(IReadOnlyList<(string Id, string Tenant)> candidates, IReadOnlyDictionary<string, int> running, JobLimits limits)
    {
        if (running.Values.Sum() >= limits.Global)
        {
            return null;
        }

        for (int i = 0; i < candidates.Count; i++)
        {
            if (running.GetValueOrDefault(candidates[i].Tenant) < limits.PerTenant)
            {
                return i;
            }
        }

        return null;
    }
}
