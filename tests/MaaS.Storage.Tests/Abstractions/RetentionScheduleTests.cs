namespace MaaS.Storage.Tests.Abstractions;

/// <summary>
/// <see cref="RetentionSchedule"/>, when every retention pass runs: one at once, then one per interval until the host
/// stops, which ends it without a fault; a pass that fails otherwise ends the loop with its exception.
/// </summary>
public sealed class RetentionScheduleTests
{
    [Fact]
    public async Task Run_PassAtOnceThenEveryInterval_ReturnsWhenStoppedMidPass()
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var passes = new List<DateTimeOffset>();

        await RetentionSchedule.RunAsync(TimeSpan.FromMilliseconds(10), TimeProvider.System, async token =>
        {
            passes.Add(DateTimeOffset.UtcNow);
            if (passes.Count == 3)
            {
                await stopping.CancelAsync();
                token.ThrowIfCancellationRequested();
            }
        }, stopping.Token);

        Assert.Equal(3, passes.Count);
        Assert.True(passes[2] > passes[0], $"{passes[0]:O} then {passes[2]:O}");
    }

    [Fact]
    public async Task Run_StoppedBetweenPasses_ReturnsWithoutAFault()
    {
        // A faulted or cancelled task here is what the host logs with a stack trace when it stops before it started.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        int passes = 0;

        var run = RetentionSchedule.RunAsync(TimeSpan.FromHours(1), TimeProvider.System, _ =>
        {
            passes++;
            return Task.CompletedTask;
        }, stopping.Token);
        await stopping.CancelAsync();
        await run;

        Assert.True(run.IsCompletedSuccessfully, run.Status.ToString());
        Assert.Equal(1, passes);
    }

    [Fact]
    public async Task Run_PassFailsOtherwise_EndsWithItsException()
    {
        int passes = 0;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => RetentionSchedule.RunAsync(TimeSpan.FromMilliseconds(10), TimeProvider.System, _ =>
        {
            passes++;
            throw new InvalidOperationException("pass failed");
        }, Ct));

        Assert.Equal(("pass failed", 1), (failure.Message, passes));
    }
}
