namespace MaaS.Models.Inference;

/// <summary>
/// Thrown by <see cref="ITensorModel.Run"/> when the runtime failed for a reason not shown to be the inputs' fault. The
/// message is safe to show a caller (no runtime internals); the runtime's own error is the inner exception. The registry
/// turns it into <see cref="ErrorCode.InferenceFailed"/>, which counts towards the circuit breaker.
/// </summary>
public sealed class ModelRunException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What the caller is told.</param>
    /// <param name="mayBeInput">
    /// True when the runtime's error may have been caused by these inputs but the model has not yet shown that it runs
    /// on others; a rerun after another request succeeded then tells which it was.
    /// </param>
    /// <param name="inner">The runtime's error.</param>
    public ModelRunException(string message, bool mayBeInput, Exception? inner = null)
        : base(message, inner)
    {
        MayBeInput = mayBeInput;
    }

    /// <summary>Whether the inputs may be the cause (see the constructor).</summary>
    public bool MayBeInput { get; }
}
