using MaaS.Storage.Abstractions;
using MaaS.Storage.Sqlite;
using static MaaS.Storage.Tests.TestData;

namespace MaaS.Storage.Tests.Sqlite;

/// <summary>
/// Journal mode: writes acknowledged from the fsynced journal must survive SQLite losing its unsynced commits.
/// A crash is simulated by writing journal records for a database that never saw them, then opening it.
/// </summary>
public sealed class SqliteJournalTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string DbPath => Path.Combine(_folder.Path, "maas.db");

    private string JournalPath => DbPath + ".maas-journal";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenAsync_JournalWithUnappliedRecords_ReplaysThemInOrder()
    {
        await using (await Open()) { }
        using (var journal = SqliteJournal.TryOpen(JournalPath)!)
        {
            journal.Append(new JournalRecord.Append("t", [Event("e1", user: "u1", minutes: 1), Event("e2", user: "u1", minutes: 2), Event("e3", user: "u2", minutes: 3)]).Encode());
            journal.Append(new JournalRecord.Upsert("t", [Item("i1")], 1_000).Encode());
            journal.Append(new JournalRecord.Erase("t", "u1").Encode());
            journal.Append(new JournalRecord.Append("t", [Event("e4", user: "u1", minutes: 4), Event("e3", user: "u2", minutes: 3)]).Encode());
        }

        await using var storage = await Open();

        Assert.Equal(["e3", "e4"], (await TestData.ReadAll(storage.Events, "t")).Select(e => e.EventId));
        Assert.Equal(new UserRecord("u1", T0.AddMinutes(4), T0.AddMinutes(4)), (await storage.Users.GetAsync("t", "u1", Ct)).Value);
        Assert.Equal("Title i1", (await storage.Catalog.GetAsync("t", "i1", Ct)).Value.Title);
        Assert.Equal(0, new FileInfo(JournalPath).Length);
    }

    [Fact]
    public async Task OpenAsync_JournalWithTornTail_ReplaysCompleteRecordsAndDropsTheRest()
    {
        await using (await Open()) { }
        using (var journal = SqliteJournal.TryOpen(JournalPath)!)
        {
            journal.Append(new JournalRecord.Append("t", [Event("whole")]).Encode());
        }
        var torn = new JournalRecord.Append("t", [Event("torn")]).Encode();
        await using (var file = new FileStream(JournalPath, FileMode.Append))
        {
            file.Write([(byte)torn.Length, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
            file.Write(torn.AsSpan(0, torn.Length / 2));
        }

        await using var storage = await Open();

        Assert.Equal(["whole"], (await TestData.ReadAll(storage.Events, "t")).Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_JournalMode_JournalHoldsWritesUntilCheckpointAndIsEmptyAfterDispose()
    {
        var storage = await Open();
        Assert.Equal(SqliteDurability.Journal, storage.Durability);

        await storage.Events.AppendAsync("t", Events(10), Ct);
        var journalAfterAppend = new FileInfo(JournalPath).Length;
        await storage.DisposeAsync();

        Assert.True(journalAfterAppend > 10 * 20, $"journal holds the batch ({journalAfterAppend} bytes)");
        Assert.Equal(0, new FileInfo(JournalPath).Length);
    }

    [Fact]
    public async Task EraseUserAsync_JournalMode_CheckpointsSoErasedEventsLeaveTheJournal()
    {
        await using var storage = await Open();
        await storage.Events.AppendAsync("t", [Event("secret", user: "private-user")], Ct);

        await storage.Events.EraseUserAsync("t", "private-user", Ct);

        Assert.Equal(0, new FileInfo(JournalPath).Length);
    }

    [Fact]
    public async Task OpenAsync_JournalHeldByAnotherOpener_FallsBackToFullAndBothWrite()
    {
        await using var first = await Open();
        await using var second = await Open();

        await first.Events.AppendAsync("t", [Event("a")], Ct);
        await second.Events.AppendAsync("t", [Event("b")], Ct);

        Assert.Equal(SqliteDurability.Journal, first.Durability);
        Assert.Equal(SqliteDurability.Full, second.Durability);
        Assert.Equal(2, (await first.Events.CountAsync("t", Ct)).Value);
    }

    [Fact]
    public void Decode_EncodedRecords_RoundTrip()
    {
        var items = new[] { Item("x"), new CatalogItem("y", ItemKind.Song, "S", [], [], null, null, null) };
        var events = new[] { Event("e", value: 2.5f) with { Timestamp = T0.AddMilliseconds(7) } };

        var append = (JournalRecord.Append)JournalRecord.Decode(new JournalRecord.Append("t", events).Encode());
        var upsert = (JournalRecord.Upsert)JournalRecord.Decode(new JournalRecord.Upsert("t", items, 42).Encode());
        var erase = JournalRecord.Decode(new JournalRecord.Erase("t", "u").Encode());

        Assert.Equal(events, append.Events);
        Assert.Equal(42, upsert.UpdatedAtMs);
        Assert.Equal(items.Select(Describe), upsert.Items.Select(Describe));
        Assert.Equal(new JournalRecord.Erase("t", "u"), erase);
    }

    public void Dispose() => _folder.Dispose();

    private static string Describe(CatalogItem i) =>
        $"{i.ItemId}|{i.Kind}|{i.Title}|{string.Join(',', i.Genres)}|{string.Join(',', i.Tags)}|{i.Text}|{i.AvailableFrom}|{i.AvailableUntil}";

    private async Task<SqliteStorage> Open()
    {
        var result = await SqliteStorage.OpenAsync(new SqliteStorageOptions { Path = DbPath }, cancellationToken: Ct);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }
}
