namespace MaaS.Models.Inference;

/// <summary>
/// A loaded model that maps named input tensors to named output tensors (ONNX and the like). Implementations are
/// thread-safe: <see cref="Run"/> is called concurrently by the batcher and direct callers.
/// </summary>
public interface ITensorModel : ILoadedModel
{
    /// <summary>Declared inputs and outputs.</summary>
    ModelSignature Signature { get; }

    /// <summary>
    /// Runs the model on already validated inputs and returns the named outputs as fresh managed arrays (the caller owns
    /// them). Throws the runtime's exception on failure.
    /// </summary>
    /// <param name="inputs">One tensor per declared input.</param>
    /// <param name="outputNames">Outputs to compute, each declared.</param>
    /// <param name="timings">Receives the split between tensor creation, run and output copy.</param>
    IReadOnlyList<InferTensor> Run(IReadOnlyList<InferTensor> inputs, IReadOnlyList<string> outputNames, out RunTimings timings);
}

/// <summary>Where the time of one <see cref="ITensorModel.Run"/> went.</summary>
/// <param name="Input">Creating runtime tensors from the inputs.</param>
/// <param name="Infer">The runtime's run.</param>
/// <param name="Output">Copying outputs back to managed arrays.</param>
public readonly record struct RunTimings(TimeSpan Input, TimeSpan Infer, TimeSpan Output);
