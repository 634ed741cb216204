namespace MaaS.Agents.Evaluation;

/// <summary>One logged decision as offline evaluation reads it.</summary>
/// <param name="Input">Context and candidate actions as the policy saw them.</param>
/// <param name="Chosen">Index of the logged action.</param>
/// <param name="Probability">The logging policy's probability of that action, in (0, 1].</param>
/// <param name="Reward">The observed (or default) reward.</param>
/// <param name="Eligible">The actions the rules left; null means all.</param>
public sealed record LoggedDecision(DecisionInput Input, int Chosen, double Probability, double Reward, bool[]? Eligible = null);

/// <summary>Estimates of a target policy's mean reward from a log.</summary>
/// <param name="Ips">Inverse propensity scoring: mean of w·r, w = π(a)/p(a). Unbiased, high variance.</param>
/// <param name="Snips">Self-normalised IPS: Σ w·r / Σ w. Slightly biased, much lower variance.</param>
/// <param name="DoublyRobust">Direct method plus the IPS-weighted residual of the regressor (Dudík et al. 2011).</param>
/// <param name="DirectMethod">The regressor's mean of Σ π(a) q̂(x, a) alone.</param>
/// <param name="Count">Decisions read.</param>
/// <param name="EffectiveSampleSize">(Σw)² / Σw²: how many decisions the estimate is worth.</param>
/// <param name="LoggedMean">The mean reward the logging policy got.</param>
public sealed record OffPolicyEstimate(double Ips, double Snips, double DoublyRobust, double DirectMethod, int Count, double EffectiveSampleSize, double LoggedMean);
