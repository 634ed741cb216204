namespace MaaS.Agents.Tests.Policies;

public sealed class RidgeModelTests
{
    [Fact]
    public void Update_ShermanMorrison_MatchesTheClosedFormRidgeSolution()
    {
        const int d = 7;
        const double lambda = 0.5;
        var random = new Random(11);
        var model = new RidgeModel(d, lambda);
        var a = new double[d, d];
        var b = new double[d];
        for (int i = 0; i < d; i++)
        {
            a[i, i] = lambda;
        }
        for (int n = 0; n < 200; n++)
        {
            double[] z = [.. Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5)];
            double r = random.NextDouble();
            model.Update(z, r);
            for (int i = 0; i < d; i++)
            {
                b[i] += r * z[i];
                for (int j = 0; j < d; j++)
                {
                    a[i, j] += z[i] * z[j];
                }
            }
        }
        double[] theta = Solve(a, b);

        for (int k = 0; k < 20; k++)
        {
            double[] probe = [.. Enumerable.Range(0, d).Select(_ => random.NextDouble() - 0.5)];
            double expected = probe.Select((v, i) => v * theta[i]).Sum();
            Assert.True(Math.Abs(model.Predict(probe) - expected) < 1e-9, $"probe {k}: {model.Predict(probe)} vs {expected}");
        }
        Assert.Equal(200, model.Observations);
    }

    [Fact]
    public void Width_ShrinksAlongObservedDirectionsOnly()
    {
        var model = new RidgeModel(2, 1.0);
        double[] seen = [1, 0];
        double[] unseen = [0, 1];

        for (int i = 0; i < 100; i++)
        {
            model.Update(seen, 1);
        }

        Assert.True(model.Width(seen) < 0.11, $"seen width {model.Width(seen)}");
        Assert.Equal(1.0, model.Width(unseen), 12);
    }

    [Fact]
    public void PriorMean_IsTheEstimateBeforeData_AndFadesWithObservations()
    {
        double[] prior = [0.8, -0.4];
        var model = new RidgeModel(2, 2.0, prior);
        double[] probe = [1, 1];

        Assert.Equal(0.4, model.Predict(probe), 12);
        for (int i = 0; i < 2000; i++)
        {
            model.Update([1, 0], 0.1);
            model.Update([0, 1], 0.3);
        }

        // Posterior mean (λm + Σ r z) / (λ + n) per axis: the data dominate the prior.
        Assert.Equal(((2 * 0.8) + (2000 * 0.1)) / 2002 + ((2 * -0.4) + (2000 * 0.3)) / 2002, model.Predict(probe), 9);
        Assert.Throws<ArgumentException>(() => new RidgeModel(3, 1, [1, 2]));
    }

    [Fact]
    public void Constructor_NonPositiveLambda_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RidgeModel(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RidgeModel(3, double.NaN));
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int c = 0; c < n; c++)
        {
            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int k = c; k < n; k++)
                {
                    m[r, k] -= f * m[c, k];
                }
                x[r] -= f * x[c];
            }
        }
        for (int r = n - 1; r >= 0; r--)
        {
            for (int k = r + 1; k < n; k++)
            {
                x[r] -= m[r, k] * x[k];
            }
            x[r] /= m[r, r];
        }
        return x;
    }
}
