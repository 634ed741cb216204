namespace MaaS.Models.Tests.Text.Training;

/// <summary>The stacking layer's fit: it must learn what one blend weight cannot, a label given by another label's votes.</summary>
public sealed class VoteStackerTests
{
    private const int Labels = 3;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fit_LabelGivenByTheNextLabelsVotes_LearntOnFreshRows(bool logits)
    {
        var random = new Random(11);
        var (linear, votes, truth) = Rows(random, 600);

        var stacking = VoteStacker.Fit(linear, votes, truth, Labels, 1e-4, logits, TestContext.Current.CancellationToken);
        Assert.Equal(logits, stacking.UsesLogits);

        var (freshLinear, freshVotes, freshTruth) = Rows(random, 300);
        var p = new float[Labels];
        var correct = new int[Labels];
        for (int i = 0; i < freshLinear.Length; i++)
        {
            stacking.Apply(freshLinear[i], freshVotes[i], p);
            for (int j = 0; j < Labels; j++)
            {
                correct[j] += (p[j] >= 0.5f) == freshTruth[i].Contains(j) ? 1 : 0;
            }
        }

        // Neither the label's own linear probability (noise) nor its own votes say anything: a blend of the two scores
        // about chance, the stack must read the neighbouring label's votes.
        Assert.All(correct, c => Assert.True(c >= 0.95 * freshLinear.Length, $"{c} of {freshLinear.Length} right"));
    }

    [Fact]
    public void Fit_LabelGivenBySmallLinearOdds_LearntThroughTheLogits()
    {
        // Each label is true when its linear probability passes 0.01: probabilities spread over 1e-4..0.5 on a log
        // scale, so the cut lies where probabilities are all near 0 and only the log-odds input separates them well.
        var random = new Random(5);
        (float[][] Linear, float[][] Votes, int[][] Truth) Draw(int count)
        {
            var linear = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, Labels).Select(_ => 0.5f * MathF.Pow(10, -4 * (float)random.NextDouble())).ToArray()).ToArray();
            var votes = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, Labels).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
            return (linear, votes, [.. linear.Select(p => Enumerable.Range(0, Labels).Where(j => p[j] > 0.01f).ToArray())]);
        }

        var (fitLinear, fitVotes, fitTruth) = Draw(600);
        var stacking = VoteStacker.Fit(fitLinear, fitVotes, fitTruth, Labels, 1e-4, cancellationToken: TestContext.Current.CancellationToken);

        var (linear, votes, truth) = Draw(300);
        var p = new float[Labels];
        int correct = 0;
        for (int i = 0; i < linear.Length; i++)
        {
            stacking.Apply(linear[i], votes[i], p);
            correct += Enumerable.Range(0, Labels).Count(j => (p[j] >= 0.5f) == truth[i].Contains(j));
        }

        Assert.True(stacking.UsesLogits);
        Assert.True(correct >= 0.95 * Labels * linear.Length, $"{correct} of {Labels * linear.Length} right");
    }

    private static (float[][] Linear, float[][] Votes, int[][] Truth) Rows(Random random, int count)
    {
        var linear = new float[count][];
        var votes = new float[count][];
        var truth = new int[count][];
        for (int i = 0; i < count; i++)
        {
            linear[i] = [.. Enumerable.Range(0, Labels).Select(_ => (float)random.NextDouble())];
            votes[i] = [.. Enumerable.Range(0, Labels).Select(_ => (float)random.NextDouble())];
            var v = votes[i];
            truth[i] = [.. Enumerable.Range(0, Labels).Where(j => v[(j + 1) % Labels] > 0.5f)];
        }

        return (linear, votes, truth);
    }
}
