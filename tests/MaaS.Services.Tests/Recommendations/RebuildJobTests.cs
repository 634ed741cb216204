namespace MaaS.Services.Tests.Recommendations;

/// <summary>A rebuild job answers in the job vocabulary training jobs share: the store's status words, phase text, a progress fraction.</summary>
public sealed class RebuildJobTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(JobState.Queued, null, "queued", "queued", 0.0)]
    [InlineData(JobState.Running, null, "running", "running", 0.0)]
    [InlineData(JobState.Running, "admission", "running", "admission", 0.0)]
    [InlineData(JobState.Running, "reading", "running", "reading", 0.25)]
    [InlineData(JobState.Running, "building", "running", "building", 0.5)]
    [InlineData(JobState.Running, "loading", "running", "loading", 0.75)]
    [InlineData(JobState.Succeeded, "loading", "succeeded", "succeeded", 1.0)]
    [InlineData(JobState.Failed, "building", "failed", "failed", 0.5)]
    [InlineData(JobState.Cancelled, null, "cancelled", "cancelled", 0.0)]
    public void ToResponse_StatusAndStage_StatusWordPhaseAndFraction(JobState state, string? stage, string status, string phase, double progress)
    {
        var job = new RebuildJob("0123456789abcdef0123456789abcdef", "t", state, RebuildTrigger.Api, 1, At, At, Stage: stage);

        var answer = job.ToResponse(At.AddSeconds(1));

        Assert.Equal((status, phase, progress), (answer.Status, answer.Phase, answer.Progress));
        Assert.Contains(answer.Status, JobStates.Names);
    }

    [Fact]
    public void Finished_AfterAStage_KeepsWhereItStoppedUnlessSucceeded()
    {
        var running = new RebuildJob("0123456789abcdef0123456789abcdef", "t", JobState.Running, RebuildTrigger.Api, 1, At, At, Stage: "reading");

        Assert.Equal(0.25, running.Finished(JobState.Failed, At).ToResponse(At).Progress);
        Assert.Equal(1, running.Finished(JobState.Succeeded, At).ToResponse(At).Progress);
    }

    [Fact]
    public void JobStates_Names_AreEveryStateInOrder()
    {
        Assert.Equal(JobStates.Names, Enum.GetValues<JobState>().Select(JobStates.Name));
    }
}
