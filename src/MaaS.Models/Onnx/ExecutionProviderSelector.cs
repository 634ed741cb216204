using MaaS.Models.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MaaS.Models.Onnx;

/// <summary>Appends the requested execution provider to session options, falling back to CPU when it cannot be had.</summary>
internal static partial class ExecutionProviderSelector
{
    public const string Cpu = "CPUExecutionProvider";
    public const string Cuda = "CUDAExecutionProvider";

    /// <summary>Configures <paramref name="options"/> and returns the provider name in use.</summary>
    public static string Apply(OrtSessionOptions options, ExecutionProviderKind requested, int deviceId, string model, ILogger logger)
    {
        if (requested == ExecutionProviderKind.Cpu)
        {
            return Cpu;
        }

        string[] available = OrtEnv.Instance().GetAvailableProviders();
        if (!available.Contains(Cuda, StringComparer.Ordinal))
        {
            // Auto falls back too, but says so: an operator who deployed the CUDA image must see it is not on the GPU.
            LogCudaUnavailable(logger, model, requested, string.Join(",", available));
            return Cpu;
        }

        try
        {
            options.AppendExecutionProvider_CUDA(deviceId);
            return Cuda;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or OnnxRuntimeException or DllNotFoundException)
        {
            // The CPU package exports no CUDA entry point (NOTES-dotnet.md); the same options still build a CPU session.
            LogCudaFailed(logger, model, e.Message);
            return Cpu;
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Execution provider {Requested} for {Model}: ONNX Runtime lists only {Providers}; using CPU")]
    private static partial void LogCudaUnavailable(ILogger logger, string model, ExecutionProviderKind requested, string providers);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "CUDA execution provider could not be added for {Model} ({Reason}); using CPU")]
    private static partial void LogCudaFailed(ILogger logger, string model, string reason);
}
