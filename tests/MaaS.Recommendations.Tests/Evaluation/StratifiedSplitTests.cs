namespace MaaS.Recommendations.Tests.Evaluation;

public sealed class StratifiedSplitTests
{
    [Fact]
    public void Split_PerUser_KeepsRatioDisjointAndDeterministic()
    {
        var events = new List<InteractionEvent>();
        for (int u = 0; u < 10; u++)
        {
            for (int i = 0; i < 4 + u; i++)
            {
                events.Add(new InteractionEvent($"u{u}", $"i{i}", 1f, i));
            }
        }

        var (train, holdout) = StratifiedSplit.Split(events, 0.75, seed: 3);
        var again = StratifiedSplit.Split(events, 0.75, seed: 3);

        Assert.Equal(events.Count, train.Count + holdout.Count);
        Assert.Empty(train.Intersect(holdout));
        foreach (var user in events.GroupBy(e => e.UserId))
        {
            int expected = (int)Math.Round(0.75 * user.Count(), MidpointRounding.AwayFromZero);
            Assert.Equal(expected, train.Count(e => e.UserId == user.Key));
        }

        Assert.Equal(train, again.Train);
    }
}
