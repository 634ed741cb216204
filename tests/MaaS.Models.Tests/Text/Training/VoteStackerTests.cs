namespace MaaS.Models.Tests.Text.Training;

/// <summary>The stacking layer's fit: it must learn what one blend weight cannot, a label given by another label's votes.</summary>
public sealed class VoteStackerTests
{
    private const int Labels = 3;

    [Fact]
    public void Fit_LabelGivenByTheNextLabelsVotes_LearntOnFreshRows()
    {
        var random = new Random(11);
        var (linear, votes, truth) = Rows(random, 600);

        var stacking = VoteStacker.Fit(linear, votes, truth, Labels, 1e-4);

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
