using MaaS.Storage.Privacy;

namespace MaaS.Services.Tests.Recommendations.Events;

/// <summary>The background re-sealing over a real SQLite file: after it ran, the rotated-out key can leave configuration.</summary>
public sealed class EventResealingTests : IDisposable
{
    private static readonly string UserKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string K1 = Convert.ToBase64String(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray());
    private static readonly string K2 = Convert.ToBase64String(Enumerable.Range(150, 32).Select(i => (byte)i).ToArray());
    private readonly TempFolder _folder = new("maas-reseal-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_AfterRotation_InSmallBatches_OldKeyRemovableAndEveryEventReads()
    {
        var start = DateTimeOffset.UnixEpoch.AddDays(20_000);
        var events = Enumerable.Range(0, 53).Select(i => new InteractionEvent($"e{i}", $"user-{i % 5}", $"item-{i % 11}", i % 2 == 0 ? "play" : "rate", i % 4 + 0.5f, start.AddMinutes(i))).ToList();
        await using (var sealedUnderK1 = await OpenAsync("k1", ("k1", K1)))
        {
            Assert.True((await sealedUnderK1.Events.AppendAsync("default", events, Ct)).IsSuccess);
        }

        await using (var rotated = await OpenAsync("k2", ("k1", K1), ("k2", K2)))
        {
            var resealing = new EventResealing(rotated.Events, Options.Create(new ResealOptions { BatchSize = 7 }), TimeProvider.System, NullLogger<EventResealing>.Instance);
            Assert.True(await resealing.RunAsync(Ct));
        }

        var refused = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = _folder["maas.db"] }, Keys("k1", ("k1", K1)), null, Ct);
        Assert.False(refused.IsSuccess, "the file opened without the key its events are now sealed with");
        await using var withoutK1 = await OpenAsync("k2", ("k2", K2));
        foreach (var user in events.GroupBy(e => e.UserId))
        {
            Assert.Equal(user.Reverse(), (await withoutK1.Events.GetUserEventsAsync("default", user.Key, Ct)).Value);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private async Task<SqliteStorage> OpenAsync(string current, params (string Id, string Key)[] keys)
    {
        var opened = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = _folder["maas.db"] }, Keys(current, keys), null, Ct);
        Assert.True(opened.IsSuccess, opened.Error?.Message);
        return opened.Value;
    }

    private static PrivacyOptions Keys(string current, params (string Id, string Key)[] keys) => new()
    {
        UserKey = UserKey,
        EncryptionKeyId = current,
        EncryptionKeys = keys.ToDictionary(k => k.Id, k => k.Key, StringComparer.Ordinal),
    };
}
