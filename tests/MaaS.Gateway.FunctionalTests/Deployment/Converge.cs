namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>The one wait of the replica tests for a change to reach a replica.</summary>
internal static class Converge
{
    /// <summary>
    /// Asks <paramref name="check"/> every 50 ms until it holds; fails when a check begun <paramref name="limit"/> or more
    /// after <paramref name="since"/> started still finds the old state. What counts is when a check began, not when it
    /// ended, and how long it took is printed: speed is the load scripts' business, not a test's.
    /// </summary>
    public static async Task WithinAsync(
        Stopwatch since, TimeSpan limit, string what, Func<Task<(bool Holds, string State)>> check, CancellationToken ct)
    {
        while (true)
        {
            var began = since.Elapsed;
            var (holds, state) = await check();
            if (holds)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{what}: converged {since.Elapsed.TotalMilliseconds:0} ms after the change (the check began at {began.TotalMilliseconds:0} ms)");
                return;
            }

            Assert.True(began < limit, $"{what}: a check begun {began.TotalMilliseconds:0} ms after the change (ended at {since.Elapsed.TotalMilliseconds:0} ms) still found {state}");
            await Task.Delay(50, ct);
        }
    }
}
