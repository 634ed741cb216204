using System.Data.Common;
using MaaS.Core;
using MaaS.Storage.Abstractions;

namespace MaaS.Storage.Validation;

/// <summary>
/// What every <see cref="IModelMarketStore"/> shares: the input rules, checked before any database work, and the
/// folding of the listings-with-shares join into listings. Each provider supplies its queries, which see valid
/// inputs alone.
/// </summary>
internal abstract class ValidatedModelMarketStore : IModelMarketStore
{
    /// <summary>Listings joined with their shares, one row per grantee (or one with a null grantee), as <see cref="ListingFold"/> folds them.</summary>
    protected const string ListingColumns = "l.name, l.owner, l.visibility, l.created_at, l.updated_at, s.grantee";

    public ValueTask<Result<ModelListing>> ClaimAsync(string tenant, string name, ModelVisibility visibility, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name) ?? SecurityValidator.VisibilityValue(visibility)) is { } invalid
            ? Refusal.Of<ModelListing>(invalid)
            : ClaimCoreAsync(tenant, name, visibility, cancellationToken);

    public ValueTask<Result<ModelListing>> GetAsync(string name, CancellationToken cancellationToken = default) =>
        SecurityValidator.ModelName(name) is { } invalid ? Refusal.Of<ModelListing>(invalid) : GetCoreAsync(name, cancellationToken);

    public abstract ValueTask<Result<IReadOnlyList<ModelListing>>> ListAllAsync(CancellationToken cancellationToken = default);

    public ValueTask<Result<ModelListing>> ShareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken = default) =>
        ShareRule(tenant, name, grantee) is { } invalid ? Refusal.Of<ModelListing>(invalid) : ShareCoreAsync(tenant, name, grantee, cancellationToken);

    public ValueTask<Result<ModelListing>> UnshareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken = default) =>
        ShareRule(tenant, name, grantee) is { } invalid ? Refusal.Of<ModelListing>(invalid) : UnshareCoreAsync(tenant, name, grantee, cancellationToken);

    public ValueTask<Result<bool>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default) =>
        (InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name)) is { } invalid
            ? Refusal.Of<bool>(invalid)
            : DeleteCoreAsync(tenant, name, cancellationToken);

    /// <summary>Creates the listing, or changes its visibility when <paramref name="tenant"/> owns it; answers the listing as stored.</summary>
    protected abstract ValueTask<Result<ModelListing>> ClaimCoreAsync(string tenant, string name, ModelVisibility visibility, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<ModelListing>> GetCoreAsync(string name, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="grantee"/> to the shares of a listing <paramref name="tenant"/> owns (NotFound otherwise).</summary>
    protected abstract ValueTask<Result<ModelListing>> ShareCoreAsync(string tenant, string name, string grantee, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="grantee"/> from the shares of a listing <paramref name="tenant"/> owns (NotFound otherwise).</summary>
    protected abstract ValueTask<Result<ModelListing>> UnshareCoreAsync(string tenant, string name, string grantee, CancellationToken cancellationToken);

    protected abstract ValueTask<Result<bool>> DeleteCoreAsync(string tenant, string name, CancellationToken cancellationToken);

    private static Error? ShareRule(string tenant, string name, string grantee) =>
        InputValidator.Tenant(tenant) ?? SecurityValidator.ModelName(name) ?? InputValidator.Tenant(grantee);

    /// <summary>
    /// Folds rows selected as <see cref="ListingColumns"/>, ordered by name then grantee, into listings;
    /// <paramref name="time"/> reads the provider's timestamp column.
    /// </summary>
    protected sealed class ListingFold(Func<DbDataReader, int, DateTimeOffset> time)
    {
        private List<string> _grantees = [];

        public List<ModelListing> Listings { get; } = [];

        public void Add(DbDataReader row)
        {
            var name = row.GetString(0);
            if (Listings.Count == 0 || Listings[^1].Name != name)
            {
                _grantees = [];
                Listings.Add(new ModelListing(name, row.GetString(1), SecurityValidator.Visibility(row.GetString(2)), _grantees, time(row, 3), time(row, 4)));
            }
            if (!row.IsDBNull(5))
            {
                _grantees.Add(row.GetString(5));
            }
        }
    }
}
