using MaaS.Services.Admission;

namespace MaaS.Services.Tests.Admission;

/// <summary>The lock-free work budget: refill, debt, the capacity bound, and no charge lost under contention.</summary>
public sealed class CostBucketTests
{
    /// <summary>A clock that moves only when told, in microseconds.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1_000_000_000;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void New_StartsFullAndOpen()
    {
        var bucket = new CostBucket(unitsPerSecond: 100, capacity: 50, new ManualClock());

        Assert.True(bucket.TryOpen(out var retry));
        Assert.Equal(TimeSpan.Zero, retry);
        Assert.True(bucket.IsFull);
    }

    [Fact]
    public void Charge_PastZero_ClosedUntilTheDebtIsRepaidAtTheRefillRate()
    {
        var clock = new ManualClock();
        var bucket = new CostBucket(unitsPerSecond: 100, capacity: 50, clock);

        bucket.Charge(80);

        Assert.False(bucket.IsFull);
        Assert.False(bucket.TryOpen(out var retry));
        Assert.Equal(TimeSpan.FromSeconds(0.3), retry);
        clock.Ticks += 299_000;
        Assert.False(bucket.TryOpen(out _));
        clock.Ticks += 2_000;
        Assert.True(bucket.TryOpen(out _));
        clock.Ticks += 500_000;
        Assert.True(bucket.IsFull);
    }

    [Fact]
    public void Idle_RefillsNoFurtherThanCapacity()
    {
        var clock = new ManualClock();
        var bucket = new CostBucket(unitsPerSecond: 100, capacity: 50, clock);
        clock.Ticks += 3_600_000_000;

        // A full bucket holds 50 units: charging 50 leaves none (closed), not an hour's worth of refill.
        bucket.Charge(50);

        Assert.False(bucket.TryOpen(out var retry));
        Assert.Equal(TimeSpan.Zero, retry);
        bucket.Charge(10);
        Assert.False(bucket.TryOpen(out retry));
        Assert.Equal(TimeSpan.FromSeconds(0.1), retry);
    }

    [Fact]
    public async Task Charge_ManyThreadsAtOnce_EveryChargeCounted()
    {
        var clock = new ManualClock();
        var bucket = new CostBucket(unitsPerSecond: 1_000, capacity: 100, clock);
        const int threads = 8, charges = 20_000;

        await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < charges; i++)
            {
                bucket.Charge(1);
            }
        })));

        // 160,000 units against 100 held: 159,900 of debt, repaid at 1,000 units/s. A lost update would show here.
        Assert.False(bucket.TryOpen(out var retry));
        Assert.Equal(TimeSpan.FromSeconds(159.9), retry);
    }

    [Fact]
    public void Charge_AtExactlyTheRefillRate_NeverClosed()
    {
        // The serving run's 32-row requests: 33 units each against the default 100,000 units/s, so one every 330 µs is
        // exactly the budget. A tenant within its budget must never be refused, however long it keeps that pace.
        var clock = new ManualClock();
        var bucket = new CostBucket(unitsPerSecond: 100_000, capacity: 200_000, clock);
        // From an empty budget, so each request finds exactly its own cost earned since the last one.
        bucket.Charge(200_000);
        clock.Ticks += 330;

        for (int request = 0; request < 100_000; request++)
        {
            Assert.True(bucket.TryOpen(out var retry), $"request {request} refused");
            Assert.Equal(TimeSpan.Zero, retry);
            bucket.Charge(33);
            clock.Ticks += 330;
        }
    }

    [Fact]
    public void Charge_OverTheRefillRate_RefusedWithRetryAfterAndAdmitsExactlyTheBudget()
    {
        // 33 units every 200 µs is 165,000 units/s: more than the serving run's 32-row mode offers a 2-core box
        // (~137,000 units/s), which spent the 200,000 saved up within its 7 s and was then refused.
        var clock = new ManualClock();
        var bucket = new CostBucket(unitsPerSecond: 100_000, capacity: 200_000, clock);
        long admitted = 0, refused = 0;
        const long window = 7_000_000;
        long end = clock.Ticks + window;

        while (clock.Ticks < end)
        {
            if (bucket.TryOpen(out var retry))
            {
                bucket.Charge(33);
                admitted += 33;
            }
            else
            {
                refused++;
                // The debt is at most one request's cost, repaid at the refill rate.
                Assert.InRange(retry, TimeSpan.Zero, TimeSpan.FromMilliseconds(0.33));
            }

            clock.Ticks += 200;
        }

        // Everything the budget earned (7 s at 100,000/s on top of the 200,000 it started with) was let in, give or
        // take the one request that may overdraw it and the last steps' refill; nothing more.
        Assert.True(refused > 0);
        Assert.InRange(admitted, 900_000 - 66, 900_000 + 33);
    }

    [Fact]
    public void LockFree_MatchesTheLockedRefillAndChargeArithmetic()
    {
        // A seeded walk of charges, idle gaps and checks against the bucket as it was written with a lock (balance
        // refilled up to capacity on every call, charges subtracted), in exact clock ticks.
        var clock = new ManualClock();
        const long ticksPerUnit = 1_000, capacity = 5_000;
        var bucket = new CostBucket(unitsPerSecond: 1_000, capacity: capacity, clock);
        long balance = capacity * ticksPerUnit, refilledAt = clock.Ticks;
        var random = new Random(20261205);

        for (int step = 0; step < 50_000; step++)
        {
            clock.Ticks += random.Next(4) == 0 ? random.Next(2_000_000) : random.Next(3_000);
            balance = Math.Min(capacity * ticksPerUnit, balance + (clock.Ticks - refilledAt));
            refilledAt = clock.Ticks;
            switch (random.Next(3))
            {
                case 0:
                    int units = random.Next(1, 400);
                    bucket.Charge(units);
                    balance -= units * ticksPerUnit;
                    break;
                case 1:
                    Assert.Equal(balance > 0, bucket.TryOpen(out var retry));
                    Assert.Equal(balance > 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-balance / 1e6), retry);
                    break;
                default:
                    Assert.Equal(balance >= capacity * ticksPerUnit, bucket.IsFull);
                    break;
            }
        }
    }
}
