namespace MaaS.Storage.Privacy;

/// <summary>
/// The user store seen by raw ids: a lookup hashes the id into the pseudonym the rows hold and answers with the id it
/// was asked for. Listing cannot invert the hash: it pages pseudonyms (the cursor is one of them). Thread-safe.
/// </summary>
internal sealed class PseudonymousUserStore(IUserStore inner, PrivacyCodec privacy) : IUserStore
{
    public async ValueTask<Result<UserRecord>> GetAsync(string tenant, string userId, CancellationToken cancellationToken = default)
    {
        if ((InputValidator.Tenant(tenant) ?? InputValidator.Id(userId, "userId")) is { } invalid)
        {
            return invalid;
        }
        var found = await inner.GetAsync(tenant, privacy.User(tenant, userId), cancellationToken).ConfigureAwait(false);
        return found.TryGetValue(out var user, out var error) ? user with { UserId = userId } : error;
    }

    public ValueTask<Result<IReadOnlyList<UserRecord>>> ListAsync(string tenant, string? afterUserId, int limit, CancellationToken cancellationToken = default) =>
        inner.ListAsync(tenant, afterUserId, limit, cancellationToken);

    public ValueTask<Result<long>> CountAsync(string tenant, CancellationToken cancellationToken = default) => inner.CountAsync(tenant, cancellationToken);
}
