namespace MaaS.Agents.Policies;

/// <summary>One decision of a policy: the sampled action, every action's probability and score.</summary>
/// <param name="Chosen">Index into the decision's actions.</param>
/// <param name="Probabilities">π(a | x) per action, 0 for the ineligible.</param>
/// <param name="Scores">The model's score per action (the UCB for LinUCB, the estimate otherwise; 0 for random).</param>
public sealed record PolicyDecision(int Chosen, double[] Probabilities, double[] Scores);

/// <summary>
/// A contextual bandit over context × action features: random, ε-greedy over a ridge model, or LinUCB, with a shared
/// or a disjoint model. Not thread-safe: one owner serialises Decide and Learn (the service holds a lock per agent).
/// </summary>
public sealed class BanditPolicy : IDecisionPolicy
{
    private readonly FeatureSchema _schema;
    private readonly Random _random;
    private readonly RidgeModel? _shared;
    private readonly Dictionary<string, RidgeModel> _disjoint = new(StringComparer.Ordinal);
    private readonly double[] _features;

    /// <summary>A fresh policy; throws <see cref="ArgumentException"/> when the settings are invalid.</summary>
    public BanditPolicy(FeatureSchema schema, PolicySettings settings)
    {
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")), nameof(settings));
        }
        _schema = schema;
        Settings = settings;
        _random = new Random(settings.Seed);
        if (settings.PriorWeight != 0 && schema.Action.Count != schema.Context.Count)
        {
            throw new ArgumentException(
                $"A prior from the action features needs as many action as context features, got {schema.Action.Count} and {schema.Context.Count}.", nameof(settings));
        }
        if (settings.Model == LinearModelKind.Shared)
        {
            // The shared map starts with the constant 1: its weight is the bias the optimism sets.
            var prior = new double[schema.InteractionLength];
            prior[0] = settings.Optimism;
            _shared = new RidgeModel(schema.InteractionLength, settings.Lambda, prior);
            _features = new double[schema.InteractionLength];
        }
        else
        {
            _features = new double[schema.Context.Count + 1];
        }
    }

    /// <summary>The settings it was built with.</summary>
    public PolicySettings Settings { get; }

    /// <summary>The number of rewards learnt from.</summary>
    public long Updates { get; private set; }

    /// <summary>Scores every action, computes the probabilities over the eligible ones and samples one.</summary>
    public PolicyDecision Decide(DecisionInput input, ReadOnlySpan<bool> eligible)
    {
        var scores = new double[input.Actions.Count];
        var probabilities = new double[input.Actions.Count];
        Score(input, scores);
        Distribute(scores, eligible, probabilities);
        return new PolicyDecision(Distributions.Sample(probabilities, _random), probabilities, scores);
    }

    /// <inheritdoc />
    public void Probabilities(DecisionInput input, ReadOnlySpan<bool> eligible, Span<double> probabilities)
    {
        var scores = new double[input.Actions.Count];
        Score(input, scores);
        Distribute(scores, eligible, probabilities);
    }

    /// <summary>Learns the reward of the action at <paramref name="chosen"/>; a non-finite reward is refused.</summary>
    public void Learn(DecisionInput input, int chosen, double reward)
    {
        if (!double.IsFinite(reward))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, "A reward must be a finite number.");
        }
        if (Settings.Kind == PolicyKind.Random)
        {
            Updates++;
            return;
        }
        ActionInput action = input.Actions[chosen];
        Model(action).Update(Featurise(input.Context, action), reward);
        Updates++;
    }

    /// <summary>Writes what the policy learnt (the update count, the shared or every disjoint model) for <see cref="ReadState"/>.</summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Updates);
        if (_shared is not null)
        {
            _shared.WriteState(writer);
            return;
        }
        writer.Write(_disjoint.Count);
        foreach (var (id, model) in _disjoint)
        {
            writer.Write(id);
            model.WriteState(writer);
        }
    }

    /// <summary>
    /// Replaces a fresh policy's state with one <see cref="WriteState"/> wrote under the same settings and schema; false
    /// (state unspecified: discard the policy) when it does not fit them.
    /// </summary>
    public bool ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Updates = reader.ReadInt64();
        if (_shared is not null)
        {
            return _shared.ReadState(reader);
        }
        int count = reader.ReadInt32();
        if (count < 0)
        {
            return false;
        }
        _disjoint.Clear();
        for (int i = 0; i < count; i++)
        {
            string id = reader.ReadString();
            var model = new RidgeModel(_schema.Context.Count + 1, Settings.Lambda);
            if (!model.ReadState(reader))
            {
                return false;
            }
            _disjoint[id] = model;
        }
        return true;
    }

    private void Score(DecisionInput input, Span<double> scores)
    {
        if (Settings.Kind == PolicyKind.Random)
        {
            scores.Clear();
            return;
        }
        for (int i = 0; i < input.Actions.Count; i++)
        {
            ActionInput action = input.Actions[i];
            RidgeModel model = Model(action);
            ReadOnlySpan<double> z = Featurise(input.Context, action);
            scores[i] = model.Predict(z) + (Settings.Kind == PolicyKind.LinUcb ? Settings.Alpha * model.Width(z) : 0);
        }
    }

    private void Distribute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> eligible, Span<double> probabilities)
    {
        if (Settings.Kind == PolicyKind.Random)
        {
            Distributions.Uniform(eligible, probabilities);
            return;
        }
        Distributions.EpsilonGreedy(scores, eligible, Settings.Epsilon, probabilities);
    }

    private ReadOnlySpan<double> Featurise(double[] context, ActionInput action)
    {
        if (context.Length != _schema.Context.Count || action.Features.Length != _schema.Action.Count)
        {
            throw new ArgumentException(
                $"Expected {_schema.Context.Count} context and {_schema.Action.Count} action features, got {context.Length} and {action.Features.Length}.");
        }
        if (_shared is not null)
        {
            Interactions.Shared(context, action.Features, _features);
        }
        else
        {
            Interactions.WithBias(context, _features);
        }
        return _features;
    }

    /// <summary>The action's model; a disjoint one is created at the action's first sight, its prior from the features seen then.</summary>
    private RidgeModel Model(ActionInput action)
    {
        if (_shared is not null)
        {
            return _shared;
        }
        if (!_disjoint.TryGetValue(action.Id, out RidgeModel? model))
        {
            var prior = new double[_schema.Context.Count + 1];
            prior[0] = Settings.Optimism;
            if (Settings.PriorWeight != 0)
            {
                TensorPrimitives.Multiply(action.Features, Settings.PriorWeight, prior.AsSpan(1));
            }
            model = new RidgeModel(_schema.Context.Count + 1, Settings.Lambda, prior);
            _disjoint[action.Id] = model;
        }
        return model;
    }
}
