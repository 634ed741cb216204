namespace MaaS.Storage.Tests;

internal static class TestData
{
    /// <summary>Privacy keys for stores built by hand (a fixed user key, no encryption).</summary>
    public static readonly PrivacyCodec Privacy = new(new byte[32], [], null);

    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string NewTenant() => "t" + Guid.NewGuid().ToString("N")[..16];

    public static InteractionEvent Event(string id, string user = "u1", string item = "i1", int minutes = 0, string type = "play", float value = 1f) =>
        new(id, user, item, type, value, T0.AddMinutes(minutes));

    public static List<InteractionEvent> Events(int count, string prefix = "e", int users = 7, int items = 13) =>
        [.. Enumerable.Range(0, count).Select(i => Event($"{prefix}{i}", $"u{i % users}", $"i{i % items}", minutes: i, value: i % 5 + 0.5f))];

    public static CatalogItem Item(string id, ItemKind kind = ItemKind.Movie, string? title = null) =>
        new(id, kind, title ?? $"Title {id}", ["Drama", "Sci-Fi"], ["space", "slow burn"], "A description.",
            new DateOnly(2025, 1, 1), new DateOnly(2027, 12, 31));

    /// <summary>The events as the stream yields them: the user of each is the pseudonym the store keeps.</summary>
    public static List<InteractionEvent> AsStored(IEventStore store, string tenant, IEnumerable<InteractionEvent> events) =>
        [.. events.Select(e => e with { UserId = Pseudonym(store, tenant, e.UserId) })];

    /// <summary>The pseudonym <paramref name="store"/> keeps for <paramref name="userId"/>.</summary>
    public static string Pseudonym(IEventStore store, string tenant, string userId) =>
        ((Validation.ValidatedEventStore)store).Privacy.User(tenant, userId);

    public static async Task<List<InteractionEvent>> ReadAll(IEventStore store, string tenant, DateTimeOffset? since = null, int batchSize = 5_000)
    {
        var all = new List<InteractionEvent>();
        await foreach (var batch in store.StreamAllAsync(tenant, since, batchSize, TestContext.Current.CancellationToken))
        {
            Assert.InRange(batch.Count, 1, batchSize);
            all.AddRange(batch);
        }
        return all;
    }
}
