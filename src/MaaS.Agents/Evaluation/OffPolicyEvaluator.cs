namespace MaaS.Agents.Evaluation;

/// <summary>
/// Counterfactual evaluation of a policy from logged decisions and their probabilities: IPS, SNIPS, the direct method
/// with a ridge regressor over the shared interaction features, and doubly robust.
/// </summary>
public static class OffPolicyEvaluator
{
    /// <summary>
    /// Estimates a fixed target policy. The regressor is fitted on the whole log first (DR stays unbiased whatever its
    /// quality; a good one only lowers the variance).
    /// </summary>
    public static OffPolicyEstimate Evaluate(IReadOnlyList<LoggedDecision> log, FeatureSchema schema, IDecisionPolicy target, double lambda = 1.0)
    {
        var regressor = new RidgeModel(schema.InteractionLength, lambda);
        var z = new double[schema.InteractionLength];
        foreach (LoggedDecision decision in log)
        {
            ActionInput action = decision.Input.Actions[decision.Chosen];
            Interactions.Shared(decision.Input.Context, action.Features, z);
            regressor.Update(z, decision.Reward);
        }
        var accumulator = new Accumulator(schema, regressor);
        foreach (LoggedDecision decision in log)
        {
            accumulator.Add(decision, target);
        }
        return accumulator.Result();
    }

    /// <summary>
    /// Estimates a learning policy with <paramref name="candidate"/>'s settings as if it had run over the log: at each
    /// decision its current probabilities are scored, then it learns the logged reward (progressive validation), and the
    /// regressor is likewise fitted only on the decisions before.
    /// </summary>
    public static OffPolicyEstimate EvaluateLearner(IReadOnlyList<LoggedDecision> log, FeatureSchema schema, PolicySettings candidate)
    {
        var policy = new BanditPolicy(schema, candidate);
        var regressor = new RidgeModel(schema.InteractionLength, candidate.Lambda);
        var z = new double[schema.InteractionLength];
        var accumulator = new Accumulator(schema, regressor);
        foreach (LoggedDecision decision in log)
        {
            accumulator.Add(decision, policy);
            policy.Learn(decision.Input, decision.Chosen, decision.Reward);
            Interactions.Shared(decision.Input.Context, decision.Input.Actions[decision.Chosen].Features, z);
            regressor.Update(z, decision.Reward);
        }
        return accumulator.Result();
    }

    private sealed class Accumulator(FeatureSchema schema, RidgeModel regressor)
    {
        private readonly double[] _z = new double[schema.InteractionLength];
        private double _weighted;
        private double _weights;
        private double _squaredWeights;
        private double _doublyRobust;
        private double _direct;
        private double _logged;
        private int _count;

        public void Add(LoggedDecision decision, IDecisionPolicy target)
        {
            int n = decision.Input.Actions.Count;
            bool[] eligible = decision.Eligible ?? AllTrue(n);
            Span<double> probabilities = n <= 64 ? stackalloc double[n] : new double[n];
            target.Probabilities(decision.Input, eligible, probabilities);
            double direct = 0;
            double chosenEstimate = 0;
            for (int a = 0; a < n; a++)
            {
                Interactions.Shared(decision.Input.Context, decision.Input.Actions[a].Features, _z);
                double q = regressor.Predict(_z);
                direct += probabilities[a] * q;
                if (a == decision.Chosen)
                {
                    chosenEstimate = q;
                }
            }
            double w = probabilities[decision.Chosen] / decision.Probability;
            _weighted += w * decision.Reward;
            _weights += w;
            _squaredWeights += w * w;
            _direct += direct;
            _doublyRobust += direct + (w * (decision.Reward - chosenEstimate));
            _logged += decision.Reward;
            _count++;
        }

        public OffPolicyEstimate Result()
        {
            if (_count == 0)
            {
                return new OffPolicyEstimate(0, 0, 0, 0, 0, 0, 0);
            }
            return new OffPolicyEstimate(
                _weighted / _count,
                _weights > 0 ? _weighted / _weights : 0,
                _doublyRobust / _count,
                _direct / _count,
                _count,
                _squaredWeights > 0 ? _weights * _weights / _squaredWeights : 0,
                _logged / _count);
        }

        private static bool[] AllTrue(int n)
        {
            var all = new bool[n];
            Array.Fill(all, true);
            return all;
        }
    }
}
