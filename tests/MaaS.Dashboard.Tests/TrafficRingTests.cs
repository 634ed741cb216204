using MaaS.Dashboard.Traffic;

namespace MaaS.Dashboard.Tests;

/// <summary>The dashboard's time-series ring: counts, quantiles, expiry after an hour, and its fixed bound.</summary>
public sealed class TrafficRingTests
{
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly DateTimeOffset Start = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Record_RequestsErrorsAndLatency_CountedPerStepAndFamily()
    {
        var time = new ManualTime(Start);
        var ring = new TrafficRing(time);
        for (int i = 0; i < 98; i++)
        {
            ring.Record("acme", "Recommendations", null, 200, 3);
        }

        ring.Record("acme", "Recommendations", null, 500, 3);
        ring.Record("acme", "Recommendations", null, 429, 800);
        time.Now = Start.AddSeconds(7);
        ring.Record("acme", "Models", "m1", 200, 20);

        var read = ring.Read(_ => true, 60, 5);
        var total = read.Total;
        Assert.Equal(101, total.TotalRequests);
        Assert.Equal(1, total.TotalServerErrors);
        Assert.Equal(1, total.TotalThrottled);
        Assert.Equal(1, total.TotalClientErrors);
        // Of 101 requests 99 took 3 ms, one 20 ms, one 800 ms: p50 lies in the (2.5, 5] ms bucket, p99 (rank 99.99)
        // on the 20 ms request's (10, 25] bucket, p99.9 (rank 100.9) in the slow one's (500, 1000].
        Assert.InRange(total.LatencyQuantile(0.5)!.Value, 2.5, 5);
        Assert.InRange(total.LatencyQuantile(0.99)!.Value, 10, 25);
        Assert.InRange(total.LatencyQuantile(0.999)!.Value, 500, 1000);
        var families = read.By(TrafficSeriesKind.Family);
        Assert.Equal(["Recommendations", "Models"], families.Select(f => f.Name));
        Assert.Equal(100, families[0].Steps.TotalRequests);
        Assert.Equal(1, Assert.Single(read.By(TrafficSeriesKind.Model)).Steps.TotalRequests);
        // The last step holds the newest second: the Models request, 7 s after the others, two steps later.
        Assert.Equal(1, total.Requests(read.Steps - 1));
        Assert.Equal(100, total.Requests(read.Steps - 2));
    }

    [Fact]
    public void Read_AfterAnHour_OldBucketsNoLongerCount()
    {
        var time = new ManualTime(Start);
        var ring = new TrafficRing(time);
        ring.Record("acme", "Items", null, 200, 1);
        time.Now = Start.AddSeconds(TrafficRing.Seconds);
        Assert.Equal(0, ring.Read(_ => true, TrafficRing.Seconds, 60).Total.TotalRequests);

        // The same slot of the ring, an hour later: cleared before it counts again.
        ring.Record("acme", "Items", null, 200, 1);
        Assert.Equal(1, ring.Read(_ => true, TrafficRing.Seconds, 60).Total.TotalRequests);
    }

    [Fact]
    public void Record_ManyTenantsAndModels_SeriesStayBoundedAndFilterByTenant()
    {
        var ring = new TrafficRing(new ManualTime(Start));
        for (int i = 0; i < 500; i++)
        {
            ring.Record($"tenant-{i}", "Models", $"model-{i}", 200, 1);
        }

        Assert.InRange(ring.SeriesCount, 1, TrafficRing.MaxSeries + 2);
        var all = ring.Read(_ => true, 60, 60);
        Assert.Equal(500, all.Total.TotalRequests);
        var one = ring.Read(k => k.Tenant == "tenant-0", 60, 60);
        Assert.Equal(1, one.Total.TotalRequests);
        Assert.DoesNotContain(one.Series, s => s.Key.Tenant != "tenant-0");
        Assert.Equal(244_800, TrafficRing.BytesPerSeries);
    }

    [Fact]
    public void RecordThrottled_CountsPerKey()
    {
        var ring = new TrafficRing(new ManualTime(Start));
        ring.RecordThrottled("k1", "acme");
        ring.RecordThrottled("k1", "acme");
        Assert.Equal(2, ring.ThrottledCount("k1"));
        Assert.Equal(0, ring.ThrottledCount("k2"));
    }
}
