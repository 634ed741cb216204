namespace MaaS.Agents.Evaluation;

/// <summary>One example of a supervised data set played as a bandit: a context and the set of right actions.</summary>
public sealed record BakeOffExample(double[] Context, int[] Correct);

/// <summary>The progressive mean reward of one algorithm (or constant action) over one pass.</summary>
public sealed record BakeOffResult(string Name, double ProgressiveReward, int Examples)
{
    /// <summary>The action a constant policy plays; null for a learner.</summary>
    public int? Action { get; init; }
}

/// <summary>
/// The Contextual Bandit Bake-off protocol (Bietti, Agarwal and Langford, JMLR 2021): each example of a supervised data
/// set arrives once, in a seeded shuffled order; the policy picks one action, gets reward 1 when the action is one of the
/// example's labels (else 0) and learns only that; the score is the mean reward over the pass (progressive validation).
/// </summary>
public static class BakeOff
{
    /// <summary>Plays one pass with a fresh policy of <paramref name="settings"/>.</summary>
    /// <param name="name">The row's name.</param>
    /// <param name="examples">The data set, in its stored order.</param>
    /// <param name="actions">The number of actions (labels).</param>
    /// <param name="settings">The policy's settings.</param>
    /// <param name="seed">Seed of the shuffled order.</param>
    /// <param name="actionFeatures">Per action its features (all of one length), e.g. its name embedded as the
    /// context is, for <see cref="PolicySettings.PriorWeight"/>; null = actions without features.</param>
    public static BakeOffResult Run(string name, IReadOnlyList<BakeOffExample> examples, int actions, PolicySettings settings, int seed, IReadOnlyList<double[]>? actionFeatures = null)
    {
        int dimension = examples.Count == 0 ? 0 : examples[0].Context.Length;
        int width = actionFeatures is null || actionFeatures.Count == 0 ? 0 : actionFeatures[0].Length;
        var schema = new FeatureSchema([.. Enumerable.Range(0, dimension).Select(i => "x" + i)], [.. Enumerable.Range(0, width).Select(i => "f" + i)]);
        var policy = new BanditPolicy(schema, settings);
        ActionInput[] candidates = [.. Enumerable.Range(0, actions).Select(a => new ActionInput("a" + a, actionFeatures?[a] ?? []))];
        var eligible = new bool[actions];
        Array.Fill(eligible, true);
        double total = 0;
        foreach (int i in Order(examples.Count, seed))
        {
            var input = new DecisionInput(examples[i].Context, candidates);
            int chosen = policy.Decide(input, eligible).Chosen;
            double reward = Array.IndexOf(examples[i].Correct, chosen) >= 0 ? 1 : 0;
            policy.Learn(input, chosen, reward);
            total += reward;
        }
        return new BakeOffResult(name, examples.Count == 0 ? 0 : total / examples.Count, examples.Count);
    }

    /// <summary>The best single action in hindsight: its share of examples it is right for.</summary>
    public static BakeOffResult BestConstant(IReadOnlyList<BakeOffExample> examples, int actions)
    {
        var counts = new int[actions];
        foreach (BakeOffExample example in examples)
        {
            foreach (int a in example.Correct.Distinct())
            {
                counts[a]++;
            }
        }
        int best = Array.IndexOf(counts, counts.Max());
        return new BakeOffResult($"best constant (a{best})", examples.Count == 0 ? 0 : (double)counts[best] / examples.Count, examples.Count) { Action = best };
    }

    /// <summary>A seeded Fisher-Yates permutation of 0..n-1.</summary>
    public static int[] Order(int n, int seed)
    {
        int[] order = [.. Enumerable.Range(0, n)];
        new Random(seed).Shuffle(order);
        return order;
    }
}
