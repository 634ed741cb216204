namespace MaaS.Models.Text.Training;

/// <summary>
/// Hyper-parameters of the L2-regularised logistic regression trained by SGD.
/// </summary>
/// <param name="Lambda">L2 strength per example (objective: mean log-loss + λ/2 ‖w‖²).</param>
/// <param name="Epochs">Passes over the data (each in a fresh seeded order).</param>
/// <param name="LearningRate">Initial step η₀; the step decays as η₀ / (1 + λ η₀ t).</param>
public sealed record LogisticOptions(double Lambda = 1e-4, int Epochs = 12, double LearningRate = 0.2);
