namespace MaaS.Agents.Policies;

/// <summary>Whom an apprentice agent's decisions follow.</summary>
public enum ApprenticeMode
{
    /// <summary>The baseline's action (with the learner's ε spread uniformly), while the learner learns from it.</summary>
    Apprentice,

    /// <summary>The learner's own choice, since its offline estimate beat the baseline.</summary>
    Learned,
}

/// <summary>When an apprentice switches; immutable, validated by <see cref="Problems"/>.</summary>
/// <param name="Margin">How much the learner's estimate must exceed the baseline's observed mean reward, ≥ 0.</param>
/// <param name="Window">The latest rewarded decisions both are measured over; at least this many before a switch.</param>
public sealed record ApprenticeSettings(double Margin = 0.02, int Window = 1000)
{
    /// <summary>The smallest and largest window.</summary>
    public const int MinWindow = 100, MaxWindow = 100_000;

    /// <summary>Every broken rule as (field, message); empty when valid.</summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        if (!(Margin >= 0) || double.IsInfinity(Margin))
        {
            problems.Add(("margin", "The margin must be a finite number ≥ 0."));
        }
        if (Window is < MinWindow or > MaxWindow)
        {
            problems.Add(("window", $"The window must be {MinWindow}..{MaxWindow} decisions."));
        }
        return problems;
    }
}

/// <summary>Where an apprentice stands: its mode and the two numbers the switch compares (null before any decision).</summary>
/// <param name="Mode">Whom decisions follow now.</param>
/// <param name="Decisions">Rewarded apprentice decisions measured so far.</param>
/// <param name="BaselineReward">The mean reward of the decisions that followed the baseline, over the window.</param>
/// <param name="LearnerIps">The learner's IPS estimate over the window.</param>
/// <param name="LearnerSnips">The learner's SNIPS estimate over the window (what the switch compares).</param>
/// <param name="SwitchedAfter">The number of measured decisions when it switched; null while an apprentice.</param>
public sealed record ApprenticeEstimate(ApprenticeMode Mode, long Decisions, double? BaselineReward, double? LearnerIps, double? LearnerSnips, long? SwitchedAfter);

/// <summary>
/// Apprentice mode (as Azure Personalizer had it): decisions follow a baseline action (the game's own logic, given per
/// decision) while a learner learns from their rewards; each decision is logged with the baseline's probability. Each
/// reward first scores the learner progressively (π_learner(a|x) / p_logged, before the learner sees it), so the
/// estimate is honest; once the learner's SNIPS over the latest window beats the baseline's observed mean by the
/// margin, the agent switches to the learner for good. Not thread-safe: one owner serialises Decide and Learn.
/// </summary>
public sealed class ApprenticePolicy
{
    private readonly Random _random;
    private readonly double[] _weights;
    private readonly double[] _weighted;
    private readonly double[] _followedReward;
    private readonly bool[] _followed;
    private int _next;
    private int _filled;
    private double _sumWeights, _sumWeighted, _sumFollowedReward;
    private int _followedCount;
    private long _decisions;
    private long? _switchedAfter;

    /// <summary>A fresh apprentice over a fresh learner; throws <see cref="ArgumentException"/> when a setting is invalid.</summary>
    public ApprenticePolicy(FeatureSchema schema, PolicySettings learner, ApprenticeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems.Select(p => $"{p.Field}: {p.Message}")), nameof(settings));
        }
        Learner = new BanditPolicy(schema, learner);
        Settings = settings;
        _random = new Random(unchecked(learner.Seed + 1));
        _weights = new double[settings.Window];
        _weighted = new double[settings.Window];
        _followedReward = new double[settings.Window];
        _followed = new bool[settings.Window];
    }

    /// <summary>The policy that learns (and decides once switched).</summary>
    public BanditPolicy Learner { get; }

    /// <summary>The switch settings.</summary>
    public ApprenticeSettings Settings { get; }

    /// <summary>Whom decisions follow now.</summary>
    public ApprenticeMode Mode => _switchedAfter is null ? ApprenticeMode.Apprentice : ApprenticeMode.Learned;

    /// <summary>The mode and the estimates the switch compares.</summary>
    public ApprenticeEstimate Estimate => new(
        Mode, _decisions,
        _followedCount > 0 ? _sumFollowedReward / _followedCount : null,
        _filled > 0 ? _sumWeighted / _filled : null,
        _sumWeights > 0 ? _sumWeighted / _sumWeights : null,
        _switchedAfter);

    /// <summary>
    /// The baseline at index <paramref name="baseline"/> with probability 1 − ε (plus its share of ε), ε uniform over the
    /// eligible actions; the learner's choice once switched, or when there is no eligible baseline (−1 or forbidden).
    /// Scores are the learner's either way.
    /// </summary>
    public PolicyDecision Decide(DecisionInput input, ReadOnlySpan<bool> eligible, int baseline)
    {
        PolicyDecision learned = Learner.Decide(input, eligible);
        if (Mode == ApprenticeMode.Learned || baseline < 0 || baseline >= eligible.Length || !eligible[baseline])
        {
            return learned;
        }
        var probabilities = new double[input.Actions.Count];
        Distributions.Uniform(eligible, probabilities);
        double epsilon = Learner.Settings.Epsilon;
        TensorPrimitives.Multiply(probabilities, epsilon, probabilities);
        probabilities[baseline] += 1 - epsilon;
        return new PolicyDecision(Distributions.Sample(probabilities, _random), probabilities, learned.Scores);
    }

    /// <summary>
    /// Scores the learner on one logged apprentice decision (when it had a <paramref name="baseline"/> and a positive
    /// <paramref name="probability"/>), may switch, then lets the learner learn the reward.
    /// </summary>
    public void Learn(DecisionInput input, int chosen, double reward, double probability, int baseline, bool[]? eligible = null)
    {
        if (!double.IsFinite(reward))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), reward, "A reward must be a finite number.");
        }
        if (Mode == ApprenticeMode.Apprentice && baseline >= 0 && probability > 0)
        {
            var all = eligible ?? [.. Enumerable.Repeat(true, input.Actions.Count)];
            var target = new double[input.Actions.Count];
            Learner.Probabilities(input, all, target);
            Push(target[chosen] / probability, reward, chosen == baseline);
            if (_filled == Settings.Window && _followedCount > 0 && _sumWeights > 0
                && (_sumWeighted / _sumWeights) > (_sumFollowedReward / _followedCount) + Settings.Margin)
            {
                _switchedAfter = _decisions;
            }
        }
        Learner.Learn(input, chosen, reward);
    }

    /// <summary>Writes what the apprentice measured and its learner learnt, for <see cref="ReadState"/>.</summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Learner.WriteState(writer);
        writer.Write(Settings.Window);
        for (int i = 0; i < Settings.Window; i++)
        {
            writer.Write(_weights[i]);
            writer.Write(_weighted[i]);
            writer.Write(_followedReward[i]);
            writer.Write(_followed[i]);
        }
        writer.Write(_next);
        writer.Write(_filled);
        writer.Write(_sumWeights);
        writer.Write(_sumWeighted);
        writer.Write(_sumFollowedReward);
        writer.Write(_followedCount);
        writer.Write(_decisions);
        writer.Write(_switchedAfter ?? -1);
    }

    /// <summary>Replaces a fresh apprentice's state with one <see cref="WriteState"/> wrote under the same settings; false when it does not fit them.</summary>
    public bool ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!Learner.ReadState(reader) || reader.ReadInt32() != Settings.Window)
        {
            return false;
        }
        for (int i = 0; i < Settings.Window; i++)
        {
            _weights[i] = reader.ReadDouble();
            _weighted[i] = reader.ReadDouble();
            _followedReward[i] = reader.ReadDouble();
            _followed[i] = reader.ReadBoolean();
        }
        _next = reader.ReadInt32();
        _filled = reader.ReadInt32();
        _sumWeights = reader.ReadDouble();
        _sumWeighted = reader.ReadDouble();
        _sumFollowedReward = reader.ReadDouble();
        _followedCount = reader.ReadInt32();
        _decisions = reader.ReadInt64();
        long switchedAfter = reader.ReadInt64();
        _switchedAfter = switchedAfter >= 0 ? switchedAfter : null;
        return _next >= 0 && _next < Settings.Window && _filled >= 0 && _filled <= Settings.Window;
    }

    private void Push(double weight, double reward, bool followed)
    {
        if (_filled == Settings.Window)
        {
            _sumWeights -= _weights[_next];
            _sumWeighted -= _weighted[_next];
            if (_followed[_next])
            {
                _sumFollowedReward -= _followedReward[_next];
                _followedCount--;
            }
        }
        else
        {
            _filled++;
        }
        _weights[_next] = weight;
        _weighted[_next] = weight * reward;
        _followed[_next] = followed;
        _followedReward[_next] = followed ? reward : 0;
        _sumWeights += weight;
        _sumWeighted += weight * reward;
        if (followed)
        {
            _sumFollowedReward += reward;
            _followedCount++;
        }
        _next = (_next + 1) % Settings.Window;
        _decisions++;
    }
}
