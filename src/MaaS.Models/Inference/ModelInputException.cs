namespace MaaS.Models.Inference;

/// <summary>
/// Thrown by <see cref="ITensorModel.Run"/> when the runtime rejects the input values themselves (for example an index
/// out of range in Gather). The message is safe to show the caller (no runtime internals); the runtime's own error is the
/// inner exception. The registry turns it into <see cref="ErrorCode.InvalidRequest"/>; it does not count towards the
/// circuit breaker.
/// </summary>
public sealed class ModelInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
