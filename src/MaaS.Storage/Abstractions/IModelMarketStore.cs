namespace MaaS.Storage.Abstractions;

/// <summary>The model market's ownership, visibility and shares. Thread-safe; shared as a singleton.</summary>
public interface IModelMarketStore
{
    /// <summary>
    /// Claims <paramref name="name"/> for <paramref name="tenant"/> with <paramref name="visibility"/>, or updates the
    /// visibility when the tenant owns it already. When another tenant owns the name nothing changes and the other
    /// tenant's listing is returned: callers compare <see cref="ModelListing.Owner"/> with their tenant.
    /// </summary>
    ValueTask<Result<ModelListing>> ClaimAsync(
        string tenant, string name, ModelVisibility visibility, CancellationToken cancellationToken = default) =>
        ClaimAsync(tenant, name, visibility, 0, null, cancellationToken);

    /// <summary>
    /// Claims like <see cref="ClaimAsync(string, string, ModelVisibility, CancellationToken)"/> and adds
    /// <paramref name="bytes"/> to the listing's <see cref="ModelListing.Bytes"/> (negative gives bytes back, never
    /// below 0), in one transaction with the check of <paramref name="quota"/>: a claim that would take the tenant past
    /// <see cref="MarketQuota.MaxModels"/> (a new listing) or <see cref="MarketQuota.MaxBytes"/> (positive bytes) changes
    /// nothing and is <see cref="ErrorCode.Conflict"/>, its message naming the limit and the usage. The check holds across
    /// replicas sharing the store. A name in a namespace (<c>ns.model</c>) can be claimed only by tenant <c>ns</c>.
    /// </summary>
    ValueTask<Result<ModelListing>> ClaimAsync(
        string tenant, string name, ModelVisibility visibility, long bytes, MarketQuota? quota, CancellationToken cancellationToken = default);

    /// <summary>One listing, or <see cref="ErrorCode.NotFound"/>.</summary>
    ValueTask<Result<ModelListing>> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every listing of every tenant, by name (the market is small: hosts cache it whole).</summary>
    ValueTask<Result<IReadOnlyList<ModelListing>>> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Shares the tenant's model with <paramref name="grantee"/> (idempotent). A model the tenant does not own is
    /// <see cref="ErrorCode.NotFound"/>. Returns the updated listing, and whether this call added the share.
    /// </summary>
    ValueTask<Result<ShareChange>> ShareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken = default);

    /// <summary>
    /// Withdraws a share (idempotent); NotFound when the tenant does not own the model. Returns the updated listing, and
    /// whether this call removed the share.
    /// </summary>
    ValueTask<Result<ShareChange>> UnshareAsync(string tenant, string name, string grantee, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of the tenants the tenant's model is shared with, by tenant (ordinal): at most <paramref name="limit"/>
    /// greater than <paramref name="afterGrantee"/> (null: from the first). A model the tenant does not own is
    /// <see cref="ErrorCode.NotFound"/>.
    /// </summary>
    /// <param name="limit">1..<see cref="StorageLimits.MaxReadLimit"/>.</param>
    ValueTask<Result<IReadOnlyList<string>>> ListSharesAsync(
        string tenant, string name, string? afterGrantee, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes the tenant's listing and its shares; NotFound when the tenant does not own the model.</summary>
    ValueTask<Result<bool>> DeleteAsync(string tenant, string name, CancellationToken cancellationToken = default);

    /// <summary>Every model's version policy, by name (a row per model with a pin or a canary: hosts read them whole).</summary>
    ValueTask<Result<IReadOnlyList<ModelVersionPolicy>>> ListVersionPoliciesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a model's version policy whole, replacing the one before (an empty one, <see cref="ModelVersionPolicy.IsEmpty"/>,
    /// removes it), and tells every process sharing the store (<see cref="WaitForVersionPolicyChangeAsync"/>). The
    /// stored values are checked (positive versions, a percent of 1..99 exactly with a canary, a canary other than the
    /// pin): a refusal names each field. Whether the versions exist is the caller's to check. Returns the policy as stored.
    /// </summary>
    ValueTask<Result<ModelVersionPolicy>> PutVersionPolicyAsync(ModelVersionPolicy policy, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns when a version policy may have changed (this process's own puts; PostgreSQL adds every other replica's,
    /// and a reconnect of its listener) or when <paramref name="timeout"/> passes: callers read the policies again
    /// either way.
    /// </summary>
    ValueTask WaitForVersionPolicyChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <summary>A listing after a share was added or withdrawn.</summary>
/// <param name="Listing">The listing as stored now.</param>
/// <param name="Changed">Whether the call changed the shares (false: the share was already there, or already absent).</param>
public sealed record ShareChange(ModelListing Listing, bool Changed);
