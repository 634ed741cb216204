using System.Diagnostics.Metrics;
using MaaS.Services.Admission;

namespace MaaS.Services.Tests.Admission;

/// <summary>
/// Admission's in-flight places and bytes: a ticket gives back all it took, however many steps it took them in, a
/// streamed request's grant once however often disposed, and racing requests never hold more than the limits.
/// </summary>
public sealed class AdmissionControlTests
{
    private sealed class Meters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }

    private static AdmissionControl Control(int maxConcurrent = 64) =>
        new(new AdmissionOptions { MaxInFlightBytes = 1024, MaxConcurrentRequests = maxConcurrent }, TimeProvider.System, new Meters());

    [Fact]
    public void Ticket_BytesTakenInSeveralSteps_AllGivenBackOnDispose()
    {
        var control = Control();
        var partition = AdmissionPartition.OfTenant("acme");

        Assert.True(control.TryEnter(partition, 100, usesWorkQueue: false, out var ticket, out _));
        Assert.True(ticket.TryCount(600, step: 0), "500 more of 1,024");
        Assert.True(ticket.TryCount(1024, step: 0), "the last 424");
        Assert.False(control.TryEnter(partition, 1, usesWorkQueue: false, out _, out var refusal), "all 1,024 bytes are held by the first ticket");
        Assert.Contains("1024 bytes in flight", refusal.Detail);

        ticket.Dispose();
        ticket.Dispose();

        Assert.True(control.TryEnter(partition, 1024, usesWorkQueue: false, out var whole, out refusal), $"every step's bytes came back: {refusal.Detail}");
        whole.Dispose();
    }

    [Fact]
    public void TryEnter_PartitionAtItsInFlightCap_RefusedUntilOneLeavesWhileOthersGoOn()
    {
        var control = Control(maxConcurrent: 2);
        var partition = AdmissionPartition.OfTenant("acme");

        Assert.True(control.TryEnter(partition, 10, usesWorkQueue: false, out var first, out _));
        Assert.True(control.TryEnter(partition, 10, usesWorkQueue: false, out var second, out _));
        Assert.False(control.TryEnter(partition, 10, usesWorkQueue: false, out _, out var refusal));
        Assert.Contains("2 costed requests in flight", refusal.Detail);
        Assert.True(control.TryEnter(AdmissionPartition.OfTenant("globex"), 10, usesWorkQueue: false, out var elsewhere, out _), "another partition has its own cap");

        first.Dispose();

        Assert.True(control.TryEnter(partition, 10, usesWorkQueue: false, out var third, out refusal), refusal.Detail);
        second.Dispose();
        third.Dispose();
        elsewhere.Dispose();
    }

    [Fact]
    public async Task StreamedGrant_DisposedTwice_GivesItsBytesBackOnce()
    {
        var control = Control();
        var partition = AdmissionPartition.OfTenant("acme");
        Assert.True(control.TryEnter(partition, 0, usesWorkQueue: false, out var stream, out _));

        var (grant, refusal) = await stream.AdmitStreamedAsync(600, 1, TestContext.Current.CancellationToken);
        Assert.NotNull(grant);
        Assert.Null((await stream.AdmitStreamedAsync(600, 1, TestContext.Current.CancellationToken)).Grant);
        grant.Dispose();
        grant.Dispose();

        Assert.True(control.TryEnter(partition, 1024, usesWorkQueue: false, out var whole, out refusal), refusal.Detail);
        Assert.False(control.TryEnter(partition, 1, usesWorkQueue: false, out _, out _), "a second release would have let one byte past the 1,024");
        whole.Dispose();
        stream.Dispose();
    }

    [Fact]
    public void PartitionAdmission_RacingTakesAndReleases_NeverPastTheLimitsAndAllGivenBack()
    {
        var state = new PartitionAdmission(new CostBucket(1, 1, TimeProvider.System));
        const int requestLimit = 2, byteLimit = 1_000;
        long mostRequests = 0, mostBytes = 0, refusedRequests = 0, refusedBytes = 0;
        Parallel.For(0, 8, worker =>
        {
            var random = new Random(worker);
            for (int i = 0; i < 20_000; i++)
            {
                if (!state.TryTakeRequest(requestLimit))
                {
                    Interlocked.Increment(ref refusedRequests);
                    continue;
                }

                long bytes = random.Next(0, 800);
                bool holds = state.TryTakeBytes(bytes, byteLimit);
                InterlockedMax(ref mostRequests, state.Requests);
                InterlockedMax(ref mostBytes, state.Bytes);
                // Held a while, so that the workers' holds overlap even on two cores.
                Thread.SpinWait(random.Next(1, 200));
                if (holds)
                {
                    state.ReleaseBytes(bytes);
                }
                else
                {
                    Interlocked.Increment(ref refusedBytes);
                }

                state.ReleaseRequest();
            }
        });

        Assert.InRange(mostRequests, 1, requestLimit);
        Assert.InRange(mostBytes, 1, byteLimit);
        Assert.True(refusedRequests > 0 && refusedBytes > 0, $"{refusedRequests} and {refusedBytes} refused: the race never reached a limit");
        Assert.Equal(0, state.Requests);
        Assert.Equal(0, state.Bytes);
        Assert.True(state.IsIdle);
    }

    private static void InterlockedMax(ref long most, long value)
    {
        long seen = Volatile.Read(ref most);
        while (value > seen)
        {
            long found = Interlocked.CompareExchange(ref most, value, seen);
            if (found == seen)
            {
                return;
            }

            seen = found;
        }
    }
}
