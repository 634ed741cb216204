namespace MaaS.Storage.Abstractions;

/// <summary>Who may see a published model.</summary>
public enum ModelVisibility
{
    /// <summary>Only the owning tenant.</summary>
    Private,

    /// <summary>The owning tenant and the tenants it has shared the model with.</summary>
    Tenant,

    /// <summary>Every tenant.</summary>
    Public,
}

/// <summary>
/// A market entry: the tenant that owns a model of the repository and who else may see it. Models in the repository
/// without a listing (the bundled ones) have no owner and are public.
/// </summary>
/// <param name="Name">
/// Model name (the repository folder), unique: <c>&lt;tenant&gt;.&lt;model&gt;</c> for models published into a tenant's
/// namespace, a plain model name for those published before names were scoped.
/// </param>
/// <param name="Owner">Tenant that published it; only its admins publish versions, share, or delete.</param>
/// <param name="Visibility">Who may see it.</param>
/// <param name="SharedWith">Tenants it is shared with (effective for <see cref="ModelVisibility.Tenant"/>), ordinal order.</param>
/// <param name="CreatedAt">First publication (UTC).</param>
/// <param name="UpdatedAt">Last change (UTC).</param>
public sealed record ModelListing(
    string Name,
    string Owner,
    ModelVisibility Visibility,
    IReadOnlyList<string> SharedWith,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Longest listing name: the longest model folder name the registry accepts.</summary>
    public const int MaxListingNameLength = 128;

    /// <summary>
    /// Bytes of model files its versions hold, counted against the owner's quota; 0 for listings made before sizes
    /// were kept.
    /// </summary>
    public long Bytes { get; init; }

    /// <summary>Whether <paramref name="tenant"/> may see (discover, read, infer) the model.</summary>
    public bool IsVisibleTo(string tenant) =>
        Visibility == ModelVisibility.Public
        || string.Equals(Owner, tenant, StringComparison.Ordinal)
        || (Visibility == ModelVisibility.Tenant && SharedWith.Contains(tenant, StringComparer.Ordinal));

    /// <summary>Whether <paramref name="name"/> is a valid market model name: 1-64 of <c>[a-z0-9-_]</c>, not starting with '-' or '_'.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: >= 1 and <= 64 }
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');

    /// <summary>
    /// Whether <paramref name="name"/> is a valid listing name: a model name (<see cref="IsValidName"/>), or one in a
    /// namespace, <c>&lt;namespace&gt;.&lt;model name&gt;</c>, at most <see cref="MaxListingNameLength"/> characters, where
    /// the namespace is a tenant name starting with a letter or digit (so the folder is never hidden).
    /// </summary>
    public static bool IsValidListingName(string? name) =>
        IsValidName(name)
        || (name is { Length: <= MaxListingNameLength }
            && NamespaceOf(name) is { } ns
            && IsValidName(name[(ns.Length + 1)..])
            && char.IsAsciiLetterOrDigit(ns[0])
            && ns.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));

    /// <summary>
    /// The namespace of a listing name (the part before its last '.', which model names never contain), or null for a
    /// name without one.
    /// </summary>
    public static string? NamespaceOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int dot = name.LastIndexOf('.');
        return dot > 0 ? name[..dot] : null;
    }

    /// <summary>The listing name of <paramref name="name"/> in <paramref name="tenant"/>'s namespace.</summary>
    public static string Qualify(string tenant, string name) => $"{tenant}.{name}";
}

/// <summary>A tenant's market limits, enforced when a claim adds a model or bytes.</summary>
/// <param name="MaxModels">Most listings one tenant may own.</param>
/// <param name="MaxBytes">Most model bytes (<see cref="ModelListing.Bytes"/> summed) one tenant may own.</param>
public sealed record MarketQuota(int MaxModels, long MaxBytes);
