using System.Diagnostics.Metrics;
using MaaS.Services.Admission;

namespace MaaS.Services.Tests.Admission;

/// <summary>Admission's in-flight places and bytes: a ticket gives back all it took, however many steps it took them in.</summary>
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
        using var control = Control();
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
        using var control = Control(maxConcurrent: 2);
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
}
