using System.Diagnostics;

namespace MaaS.Recommendations.Tests.Similarity;

/// <summary>Builds stop soon after their token is cancelled: a gateway build past its deadline must not run on.</summary>
public sealed class BuildCancellationTests
{
    [Fact]
    public async Task Build_EaseCancelledMidInverse_ThrowsWithinAFewPivots()
    {
        // 4,000 items: an items³ inverse of tens of seconds on a small machine; one pivot is a 4,000² pass (milliseconds).
        var matrix = RandomMatrix(seed: 3, users: 400, items: 4_000, perUser: 30);
        using var cts = new CancellationTokenSource();
        var build = Task.Run(() => SimilarityBuilder.Build(matrix, IndexBuildOptions.Ease.Similarity, cts.Token), TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(build.IsCompleted, "the build ended before it was cancelled; make it bigger");

        var clock = Stopwatch.StartNew();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => build);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopped {clock.Elapsed.TotalMilliseconds:0} ms after cancellation");
    }

    [Fact]
    public void ParallelRows_CancelledDuringARange_StartsNoFurtherRange()
    {
        const int n = 10_000;
        using var cts = new CancellationTokenSource();
        int built = 0;
        int builtWhenCancelled = -1;
        var ranges = Enumerable.Range(0, n / 10).Select(r => Tuple.Create(r * 10, (r * 10) + 10));

        Assert.ThrowsAny<OperationCanceledException>(() => SimilarityBuilder.ParallelRows(ranges, n, 2, (i, _) =>
        {
            if (Interlocked.Increment(ref built) == 15)
            {
                cts.Cancel();
                Volatile.Write(ref builtWhenCancelled, Volatile.Read(ref built));
            }

            return ([], []);
        }, cts.Token));

        // Counted from the moment the cancel took effect, not from the 15th row: on a loaded machine the thread that
        // reached row 15 can be descheduled before its Cancel() runs while the other worker builds on (CI runs saw
        // 100 and all 10,000 rows counted from row 15). After the cancel, only the ranges already running finish
        // (at most two, 10 rows each): every range started later throws before its first row.
        Assert.InRange(builtWhenCancelled, 15, n);
        Assert.InRange(built - builtWhenCancelled, 0, 20);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("ease")]
    public void Build_TokenAlreadyCancelled_ThrowsBeforeBuilding(string preset)
    {
        var events = Enumerable.Range(0, 200).Select(k => new InteractionEvent($"u{k % 20}", $"i{k % 13}", 1f, k)).ToList();

        Assert.ThrowsAny<OperationCanceledException>(() => ItemIndex.Build(events, IndexBuildOptions.Preset(preset), cancellationToken: new CancellationToken(canceled: true)));
    }

    private static InteractionMatrix RandomMatrix(int seed, int users, int items, int perUser)
    {
        var rng = new Random(seed);
        var events = new List<InteractionEvent>(users * perUser);
        // Every item is touched at least once, so the dense matrix is items × items.
        for (int i = 0; i < items; i++)
        {
            events.Add(new InteractionEvent($"u{i % users}", $"i{i}", 1f, 0));
        }

        for (int k = 0; k < users * perUser; k++)
        {
            events.Add(new InteractionEvent($"u{k % users}", $"i{rng.Next(items)}", 1f, 0));
        }

        return InteractionMatrixBuilder.Build(events, new WeightingOptions(ValueScheme.Binary));
    }
}
