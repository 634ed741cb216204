namespace MaaS.Storage.Tests.Abstractions;

/// <summary>
/// <see cref="BatchedDelete"/>, the loop of every retention pass: it asks for full batches until one comes back short
/// (or, asked to, until one deletes nothing), and a failure stops it with what was deleted before it.
/// </summary>
public sealed class BatchedDeleteTests
{
    [Theory]
    [InlineData(new[] { 3 }, 1, 3L)]
    [InlineData(new[] { 5, 5, 2 }, 3, 12L)]
    [InlineData(new[] { 5, 5, 0 }, 3, 10L)]
    [InlineData(new[] { 0 }, 1, 0L)]
    public async Task Run_UntilABatchComesBackShort_SumsEveryBatch(int[] counts, int calls, long deleted)
    {
        var asked = new List<int>();
        var result = await BatchedDelete.RunAsync(size =>
        {
            asked.Add(size);
            return ValueTask.FromResult<Result<long>>(counts[asked.Count - 1]);
        }, 5);

        Assert.Equal((deleted, (Error?)null), result);
        Assert.Equal(Enumerable.Repeat(5, calls), asked);
    }

    [Theory]
    [InlineData(new[] { 5, 2, 1, 0 }, 4, 8L)]
    [InlineData(new[] { 0 }, 1, 0L)]
    public async Task Run_UntilNone_GoesOnPastShortBatchesUntilOneDeletesNothing(int[] counts, int calls, long deleted)
    {
        int asked = 0;
        var result = await BatchedDelete.RunAsync(_ => ValueTask.FromResult<Result<int>>(counts[asked++]), 5, untilNone: true);

        Assert.Equal((deleted, (Error?)null), result);
        Assert.Equal(calls, asked);
    }

    [Fact]
    public async Task Run_FailureAfterAFullBatch_StopsWithTheDeletedCountAndTheFailure()
    {
        int calls = 0;
        var failure = new Error(ErrorCode.DependencyUnavailable, "the store is down");
        var (deleted, error) = await BatchedDelete.RunAsync(_ => ValueTask.FromResult(++calls == 1 ? (Result<int>)4 : failure), 4);

        Assert.Equal(2, calls);
        Assert.Equal(4L, deleted);
        Assert.Same(failure, error);
    }

    [Fact]
    public async Task Run_BatchBelowOne_Refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => BatchedDelete.RunAsync(_ => ValueTask.FromResult<Result<int>>(0), 0));
    }
}
