using MaaS.Recommendations.Similarity;

namespace MaaS.Services.Recommendations;

/// <summary>Recommendation service settings, bound from the <c>Recommendations</c> section.</summary>
internal sealed class RecommendationOptions
{
    public const string SectionName = "Recommendations";

    /// <summary>Seconds between background index rebuilds of tenants that got events since their last build; 0 turns the schedule off.</summary>
    [Range(0, 604_800)]
    public double RebuildIntervalSeconds { get; set; } = 300;

    /// <summary>
    /// Longest wait, in seconds, between two looks at the store's catalogue change feed. Another replica's catalogue
    /// write usually arrives sooner (PostgreSQL notifies every replica on commit); this bounds the delay when a
    /// notification is lost, and is how a single node sees writes of another process (an import) on its SQLite file.
    /// </summary>
    [Range(0.05, 3600)]
    public double CatalogueFeedPollSeconds { get; set; } = 1;

    /// <summary>
    /// Hours of the trending window: a trending row and the trending fill of a recommendation count the events whose
    /// timestamp falls in the current UTC hour or the hours before it, this many.
    /// </summary>
    [Range(1, 720)]
    public int TrendingWindowHours { get; set; } = 24;

    /// <summary>
    /// Longest wait, in seconds, between two reads of the event log by the trending follower. Events stored by this
    /// replica, and with PostgreSQL by the others (their notifications), wake it sooner, at most every
    /// <see cref="TrendingFollower.MinimumGap"/>.
    /// </summary>
    [Range(0.05, 3600)]
    public double TrendingPollSeconds { get; set; } = 1;

    /// <summary>
    /// Seconds between two writes of this replica's attribution counts (answers, served items, attributed events per
    /// tenant and hour) to the store, where the report reads them; also written at a graceful stop. A crash loses at
    /// most this long's counts.
    /// </summary>
    [Range(0.05, 3600)]
    public double AttributionFlushSeconds { get; set; } = 5;

    /// <summary>Build the default tenant's index at start when it has none (after the demo seed on a fresh data folder).</summary>
    public bool BuildOnStart { get; set; } = true;

    /// <summary>
    /// Most recent events of a user read at request time to score recommendations. Exclusion does not depend on it:
    /// every item the user has an event of, however old, is never recommended.
    /// </summary>
    [Range(1, 10_000)]
    public int HistoryLimit { get; set; } = 200;

    /// <summary>
    /// Seconds a user's history may be served from memory; 0 reads the store on every request. This replica's writes
    /// invalidate it at once, and with PostgreSQL so do the other replicas' (the store's change feed), so this bounds
    /// only how long events written outside both, such as an import into SQLite, go unseen.
    /// </summary>
    [Range(0, 3600)]
    public double HistoryCacheSeconds { get; set; } = 30;

    /// <summary>Most users whose history is held in memory.</summary>
    [Range(1, 10_000_000)]
    public int HistoryCacheEntries { get; set; } = 100_000;

    /// <summary>Index versions kept on disk per tenant; older ones are unloaded and deleted after a rebuild.</summary>
    [Range(1, 100)]
    public int KeepVersions { get; set; } = 2;

    /// <summary>Build preset: default, ease or sar-jaccard (see IndexBuildOptions).</summary>
    [Required]
    public string Preset { get; set; } = "default";

    /// <summary>
    /// Most events a build reads (they are held in memory while it runs); a tenant with more is refused. The default
    /// admits the 25M-interaction synthetic build docs/benchmarks.md measures (42 s, 0.81 GiB for the similarity alone).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxBuildEvents { get; set; } = 30_000_000;

    /// <summary>Most items an index may hold (each build thread keeps six arrays of this length).</summary>
    [Range(1, 100_000_000)]
    public int MaxBuildItems { get; set; } = 1_000_000;

    /// <summary>
    /// Most items the dense <c>ease</c> preset accepts: it inverts an items² matrix (memory items², time items³; 1,682
    /// items take about 0.5 s, 9,742 never finished in 600 s). Above it, use the sparse default preset.
    /// </summary>
    [Range(1, SimilarityOptions.MaxDenseItems)]
    public int MaxEaseItems { get; set; } = 3_000;

    /// <summary>Deadline of one build in seconds, reading the store included; a build past it is stopped and the serving version kept.</summary>
    [Range(0.001, 86_400)]
    public double BuildTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// Seconds a rebuild asked for by erasures waits, after the first erasure and after the tenant's previous build,
    /// so a burst of erasures is one build. A rebuild asked for by an admin starts at once.
    /// </summary>
    [Range(0, 3600)]
    public double ErasureRebuildDelaySeconds { get; set; } = 10;

    /// <summary>Builds running at once across tenants (each build already uses every core); more wait, queued.</summary>
    [Range(1, 64)]
    public int MaxConcurrentBuilds { get; set; } = 1;

    /// <summary>Half-life in days of the time-decayed popularity fallback; 0 counts every event the same.</summary>
    [Range(0, 3650)]
    public double PopularityHalfLifeDays { get; set; } = 14;

    /// <summary>Weight of an event type in a user's history and in the index (<c>rate</c> uses value / 2.5 instead); unknown types weigh 1, negative weights (skip) push similar items down and are left out of the index.</summary>
    public Dictionary<string, float> EventWeights { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["view"] = 1f,
        ["play"] = 1.5f,
        ["like"] = 2f,
        ["skip"] = -1f,
    };

    /// <summary>Hybrid β in interactions: an item's CF weight is n / (n + β), n its events in the serving build (see HybridOptions).</summary>
    [Range(0, 1_000_000)]
    public float HybridBeta { get; set; } = HybridOptions.DefaultBeta;

    /// <summary>Hybrid α: scale of the content half of the blend.</summary>
    [Range(0.0001, 1)]
    public float HybridContentWeight { get; set; } = HybridOptions.DefaultContentWeight;

    /// <summary>Hybrid: last positions of a page reserved for catalogue items without events (0 turns it off).</summary>
    [Range(0, 10)]
    public int HybridNewItemSlots { get; set; } = HybridOptions.DefaultNewItemSlots;

    /// <summary>Key of the keyed hash that stands for user ids in logs; empty picks a random key per process.</summary>
    public string? LogHashKey { get; set; }

    /// <summary>
    /// Re-ranking against popularity bias when a request does not say (its <c>debias</c> wins): <c>Method</c> (none,
    /// popularity or calibrated) and <c>Strength</c> for every tenant, <c>Tenants:{tenant}</c> for one. Off by default.
    /// </summary>
    public DebiasOptions Debias { get; set; } = new();

    /// <summary>The hybrid blend these settings ask for.</summary>
    public HybridOptions Blend() => new(HybridBeta, HybridContentWeight, HybridNewItemSlots);
}

/// <summary>A debias method and strength (<c>Recommendations:Debias</c>, or one tenant's entry under it).</summary>
internal class DebiasSettings
{
    /// <summary>none, popularity or calibrated.</summary>
    public string Method { get; set; } = "none";

    /// <summary>λ in [0, 1].</summary>
    public float Strength { get; set; } = RecommendationLimits.DefaultDebiasStrength;
}

/// <summary><c>Recommendations:Debias</c>: the setting of every tenant, and per-tenant ones that replace it.</summary>
internal sealed class DebiasOptions : DebiasSettings
{
    /// <summary>Per tenant name, its own setting.</summary>
    public Dictionary<string, DebiasSettings> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The setting in force for a tenant (the configuration was validated on start).</summary>
    public DebiasSetting For(string tenant)
    {
        var chosen = Tenants.GetValueOrDefault(tenant) ?? this;
        return DebiasMethods.TryParse(chosen.Method, out var method)
            ? new DebiasSetting(method, chosen.Strength, "tenant")
            : throw new InvalidOperationException($"Recommendations:Debias for {tenant} names an unknown method; the options validation should have refused it.");
    }
}

/// <summary>Checks <c>Recommendations:Debias</c>, every tenant's entry included, naming each bad key.</summary>
internal sealed class DebiasOptionsValidator : IValidateOptions<RecommendationOptions>
{
    public ValidateOptionsResult Validate(string? name, RecommendationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Check(string path, DebiasSettings settings)
        {
            if (!DebiasMethods.TryParse(settings.Method, out _))
            {
                failures.Add($"{path}:Method {DebiasMethods.Problem}.");
            }

            if (!DebiasMethods.IsStrength(settings.Strength))
            {
                failures.Add($"{path}:Strength {DebiasMethods.StrengthProblem}.");
            }
        }

        const string section = $"{RecommendationOptions.SectionName}:Debias";
        Check(section, options.Debias);
        foreach (var (tenant, settings) in options.Debias.Tenants)
        {
            Check($"{section}:Tenants:{tenant}", settings);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Validates <see cref="RecommendationOptions"/> from its data annotations.</summary>
[OptionsValidator]
internal sealed partial class RecommendationOptionsValidator : IValidateOptions<RecommendationOptions>;
