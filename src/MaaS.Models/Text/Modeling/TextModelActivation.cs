namespace MaaS.Models.Text.Modeling;

/// <summary>Output activation of a linear text model.</summary>
public enum TextModelActivation
{
    /// <summary>One label per text: probabilities sum to 1.</summary>
    Softmax = 0,

    /// <summary>Independent labels (multi-label tagging): one probability per label.</summary>
    Sigmoid = 1,
}
