using System.ComponentModel.DataAnnotations;

namespace MaaS.Gateway.Security;

/// <summary>Authentication, rate limit and hardening settings (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>
    /// When false every request acts as an admin+app key of <see cref="OperatorTenant"/> (local development only; a
    /// warning is logged at start). Default true here; the shipped appsettings.json turns it off for <c>dotnet run</c>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The first admin key (any text of 32+ characters, e.g. <c>openssl rand -hex 32</c>); acts for
    /// <see cref="OperatorTenant"/> with roles admin and app. Never stored or logged; rotate it by changing the setting.
    /// </summary>
    [MinLength(32)]
    public string? BootstrapAdminKey { get; set; }

    /// <summary>
    /// The operator's tenant: owns the bundled models (those without a market listing), and its admins may create
    /// and revoke keys of any tenant. Default <c>default</c>.
    /// </summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string OperatorTenant { get; set; } = "default";

    /// <summary>
    /// How long a key looked up in the store is trusted without asking again, in seconds. A key revoked on another
    /// replica keeps working there at most this long; on the replica that revoked it, it stops at once. Default 5.
    /// </summary>
    [Range(0, 300)]
    public double KeyCacheSeconds { get; set; } = 5;

    /// <summary>How often the market's ownership and visibility are re-read from the store (other replicas' changes), in seconds.</summary>
    [Range(0.1, 3600)]
    public double CatalogueRefreshSeconds { get; set; } = 5;

    /// <summary>
    /// Whether <c>/metrics</c> answers without a key (Prometheus scrapes it). Its labels name models of every tenant:
    /// keep it off the public listener (nginx) or set false to require an admin key. Default true.
    /// </summary>
    public bool AnonymousMetrics { get; set; } = true;

    /// <summary>Default per-key limits (a key's own stored limits override them). Default 100 requests per second, burst 200, 32 in flight.</summary>
    [ValidateObjectMembers]
    public KeyLimitsOptions RateLimits { get; set; } = new() { RequestsPerSecond = 100, Burst = 200, MaxConcurrentRequests = 32 };

    /// <summary>
    /// The operator's ceilings on per-key limits. <c>POST /v1/keys</c> refuses limits above them (400 naming the
    /// ceiling), the operator tenant's admins included: raising a ceiling is a change of configuration, not an API call.
    /// Keys stored with higher limits (before a ceiling was lowered, or by <c>maas keys create</c>) run clamped to them.
    /// Each ceiling must be at least its default in <see cref="RateLimits"/>. Default 1,000 requests per second, burst
    /// 2,000, 256 in flight.
    /// </summary>
    [ValidateObjectMembers]
    public KeyLimitsOptions KeyLimitCeilings { get; set; } = new() { RequestsPerSecond = 1_000, Burst = 2_000, MaxConcurrentRequests = 256 };

    /// <summary>Cost budgets, in-flight caps and the fair work queue of costed requests, per tenant (or client address with auth off).</summary>
    [ValidateObjectMembers]
    public AdmissionOptions Admission { get; set; } = new();

    /// <summary>Request limits that protect the server from oversized or slow requests.</summary>
    [ValidateObjectMembers]
    public HardeningOptions Limits { get; set; } = new();

    /// <summary>What the key resolver needs of these settings.</summary>
    internal ApiKeySettings KeySettings() => new(BootstrapAdminKey, OperatorTenant, KeyCacheSeconds, RateLimits.Values, KeyLimitCeilings.Values);
}

/// <summary>Request size, depth and time limits.</summary>
public sealed class HardeningOptions
{
    /// <summary>Largest request body for ordinary endpoints, in bytes (Kestrel MaxRequestBodySize). Default 8 MiB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest model upload (<c>POST /v1/models</c>), in bytes. Default 64 MiB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Total size of request headers, in bytes. Default 32 KiB.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Number of request headers. Default 64.</summary>
    [Range(8, 1000)]
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>Nesting depth of JSON bodies read by /v1 endpoints. Default 32.</summary>
    [Range(4, 256)]
    public int JsonMaxDepth { get; set; } = 32;

    /// <summary>Time a request may take before the server gives up on it (504), in seconds. Default 60.</summary>
    [Range(1, 3600)]
    public double RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>Time an upload may take, in seconds. Default 300.</summary>
    [Range(1, 3600)]
    public double UploadTimeoutSeconds { get; set; } = 300;
}

/// <summary>Validates <see cref="AuthOptions"/> from its annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>;

/// <summary>The rules between fields: every default per-key limit within its ceiling (all broken rules reported).</summary>
internal sealed class AuthLimitsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var defaults = options.RateLimits;
        var problems = options.KeyLimitCeilings.Values
            .Violations(defaults.RequestsPerSecond, defaults.Burst, defaults.MaxConcurrentRequests)
            .Select(p => $"Auth:RateLimits: the default {p.Field} {p.Reason}")
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
