namespace MaaS.Services.Tests.Jobs;

/// <summary>The system clock moved <paramref name="ahead"/>: what a retention pass sees while the store keeps its own time.</summary>
internal sealed class ShiftedClock(TimeSpan ahead) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
}
