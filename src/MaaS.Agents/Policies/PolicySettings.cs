namespace MaaS.Agents.Policies;

/// <summary>How a learning policy chooses.</summary>
public enum PolicyKind
{
    /// <summary>Uniform over the eligible actions; learns nothing (a baseline and a pure logging policy).</summary>
    Random,

    /// <summary>The linear model's best action with probability 1 − ε, uniform otherwise.</summary>
    EpsilonGreedy,

    /// <summary>The best upper confidence bound θ·z + α√(zᵀA⁻¹z) (Li et al. 2010), uniform with probability ε.</summary>
    LinUcb,

    /// <summary>The scores of an ONNX model in the registry (observation → action scores), ε-greedy over them; learns nothing online.</summary>
    Onnx,
}

/// <summary>The feature map of the linear model.</summary>
public enum LinearModelKind
{
    /// <summary>One ridge model over ([1, context] ⊗ [1, action]): generalises across actions, new actions start informed.</summary>
    Shared,

    /// <summary>One ridge model over [1, context] per action id (LinUCB's disjoint form): action features are unused.</summary>
    Disjoint,
}

/// <summary>A learning policy's settings; immutable, validated by <see cref="Problems"/>.</summary>
/// <param name="Kind">The choice rule.</param>
/// <param name="Epsilon">Exploration probability in [0, 1]: the share spread uniformly over eligible actions.</param>
/// <param name="Alpha">LinUCB's confidence multiplier, ≥ 0.</param>
/// <param name="Lambda">Ridge prior precision, > 0.</param>
/// <param name="Model">Shared or disjoint linear model.</param>
/// <param name="Seed">Seed of the sampling generator, so that a replay chooses the same actions.</param>
/// <param name="Optimism">Prior mean of the bias weight: every action's estimate before any reward. An optimistic value
/// (the best reward possible) makes a greedy policy try each action until its own rewards pull it down.</param>
/// <param name="PriorWeight">Disjoint models only, where the action features live in the context's space (the action's
/// name embedded as the context is): the prior mean of an action's context weights is this times its features, so an
/// untried action already scores by its similarity to the context (zero-shot), and its rewards correct that.</param>
public sealed record PolicySettings(
    PolicyKind Kind = PolicyKind.EpsilonGreedy,
    double Epsilon = 0.05,
    double Alpha = 1.0,
    double Lambda = 1.0,
    LinearModelKind Model = LinearModelKind.Shared,
    int Seed = 0,
    double Optimism = 0,
    double PriorWeight = 0)
{
    /// <summary>Every broken rule as (field, message); empty when valid.</summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        if (!Enum.IsDefined(Kind))
        {
            problems.Add(("kind", "Unknown policy kind."));
        }
        if (!Enum.IsDefined(Model))
        {
            problems.Add(("model", "Unknown linear model kind."));
        }
        if (!(Epsilon >= 0 && Epsilon <= 1))
        {
            problems.Add(("epsilon", "Epsilon must be within [0, 1]."));
        }
        if (!(Alpha >= 0) || double.IsInfinity(Alpha))
        {
            problems.Add(("alpha", "Alpha must be a finite number ≥ 0."));
        }
        if (!(Lambda > 0) || double.IsInfinity(Lambda))
        {
            problems.Add(("lambda", "Lambda must be a finite number > 0."));
        }
        if (!double.IsFinite(Optimism))
        {
            problems.Add(("optimism", "Optimism must be a finite number."));
        }
        if (!double.IsFinite(PriorWeight))
        {
            problems.Add(("priorWeight", "The prior weight must be a finite number."));
        }
        else if (PriorWeight != 0 && Model != LinearModelKind.Disjoint)
        {
            problems.Add(("priorWeight", "A prior from the action features needs the disjoint model."));
        }
        return problems;
    }
}
