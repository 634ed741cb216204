using Microsoft.ML.OnnxRuntime;

namespace MaaS.Models.Onnx;

/// <summary>Who a failed session run is to blame on, as far as ONNX Runtime's error says.</summary>
internal enum OnnxRunFault
{
    /// <summary>ORT refused the inputs themselves (its own input checks, or a kernel's argument check).</summary>
    Input,

    /// <summary>A kernel failed a shape or value check: the inputs' fault when the model runs on others, else the model's.</summary>
    InputOrModel,

    /// <summary>The engine, the device or the graph failed: not something a request can cause.</summary>
    Model,
}

/// <summary>
/// Classifies <see cref="OnnxRuntimeException"/>s from a run. The managed API exposes the native <c>OrtErrorCode</c> only
/// as the message prefix <c>[ErrorCode:Name]</c>. A run reports a kernel's own status code (INVALID_ARGUMENT for argument
/// checks such as Gather's index bounds, FAIL for <c>ORT_RETURN_IF_NOT</c> and <c>ORT_ENFORCE</c> shape checks) and
/// RUNTIME_EXCEPTION for anything a kernel throws (sequential_executor.cc), which covers broadcast mismatches but also
/// allocation and CUDA failures: those are told apart by their text.
/// </summary>
internal static class OnnxModelFailure
{
    /// <summary>What a caller is told when the runtime refused its inputs: no runtime text (paths, node names, internals).</summary>
    public const string InputMessage = "the model could not run on these inputs: a shape or value it does not accept";

    /// <summary>What a caller is told when the runtime failed for the model's own reasons; the server log has the detail.</summary>
    public const string ModelMessage = "the model's runtime failed; the server log has the details";

    // Failures of memory or device that a kernel throws: the server's trouble whatever the inputs were.
    private static readonly string[] ResourceMarkers =
        ["Failed to allocate", "bad_alloc", "out of memory", "CUDA", "cuda", "CUBLAS", "cublas", "CUDNN", "cudnn", "TensorRT"];

    public static OnnxRunFault Classify(OnnxRuntimeException exception)
    {
        string message = exception.Message;
        if (message.StartsWith("[ErrorCode:InvalidArgument]", StringComparison.Ordinal))
        {
            return OnnxRunFault.Input;
        }

        if (message.StartsWith("[ErrorCode:Fail]", StringComparison.Ordinal) || message.StartsWith("[ErrorCode:RuntimeException]", StringComparison.Ordinal))
        {
            foreach (string marker in ResourceMarkers)
            {
                if (message.Contains(marker, StringComparison.Ordinal))
                {
                    return OnnxRunFault.Model;
                }
            }

            return OnnxRunFault.InputOrModel;
        }

        return OnnxRunFault.Model;
    }
}
