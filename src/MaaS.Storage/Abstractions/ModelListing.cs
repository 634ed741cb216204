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
/// <param name="Name">Model name (the repository folder), unique across tenants.</param>
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
}
