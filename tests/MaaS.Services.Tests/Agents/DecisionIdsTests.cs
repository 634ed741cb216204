using MaaS.Services.Agents;

namespace MaaS.Services.Tests.Agents;

public sealed class DecisionIdsTests
{
    [Fact]
    public void New_ManyIdsAcrossRefills_Version7TextOfTheTimeAndNeverRepeated()
    {
        var now = new DateTimeOffset(2026, 12, 5, 19, 30, 0, 123, TimeSpan.Zero);

        // More than one buffer's worth, so ids drawn after a refill are checked too.
        string[] ids = [.. Enumerable.Range(0, 1_000).Select(_ => DecisionIds.New(now))];

        Assert.All(ids, id =>
        {
            var guid = Guid.ParseExact(id, "N");
            Assert.Equal(guid.ToString("N"), id);
            Assert.Equal(7, guid.Version);
            Assert.Equal(0b10, Convert.ToInt32(id[16..17], 16) >> 2);
            Assert.Equal(now.ToUnixTimeMilliseconds(), Convert.ToInt64(id[..12], 16));
        });
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        // 74 random bits per id: across 1,000 ids every random hex digit position takes many values.
        Assert.All(Enumerable.Range(13, 19).Where(i => i != 16), i => Assert.True(ids.Select(id => id[i]).Distinct().Count() > 8));
    }

    [Fact]
    public async Task New_OnManyThreads_NoIdTwice()
    {
        var now = DateTimeOffset.UtcNow;
        string[][] perThread = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(
            () => Enumerable.Range(0, 600).Select(_ => DecisionIds.New(now)).ToArray(), TestContext.Current.CancellationToken)));

        Assert.Equal(8 * 600, perThread.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).Count());
    }
}
