using Microsoft.ML.OnnxRuntime;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace MaaS.Models.Onnx;

/// <summary>
/// Appends the requested execution provider to session options, falling back to CPU when it cannot be had. Which
/// providers ONNX Runtime lists is a property of the process (the package it was built with), so it is reported once
/// per process, not once per model. Thread-safe.
/// </summary>
internal static partial class ExecutionProviderSelector
{
    public const string Cpu = "CPUExecutionProvider";
    public const string Cuda = "CUDAExecutionProvider";

    private static int s_providersReported;

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
            if (Interlocked.Exchange(ref s_providersReported, 1) == 0)
            {
                // Auto on a CPU-only build is the expected case (information); an explicit Cuda that cannot be had is
                // not (a warning): an operator who deployed the CUDA image must see it is not on the GPU.
                if (requested == ExecutionProviderKind.Auto)
                {
                    LogAutoOnCpu(logger, string.Join(", ", available));
                }
                else
                {
                    LogCudaUnavailable(logger, string.Join(", ", available));
                }
            }

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
        Message = "Serving:ExecutionProvider is Cuda but ONNX Runtime lists only {Providers} (a CPU-only build, or no GPU visible); every model runs on CPU")]
    private static partial void LogCudaUnavailable(ILogger logger, string providers);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information,
        Message = "Serving:ExecutionProvider is Auto and ONNX Runtime lists {Providers}: every model runs on CPU")]
    private static partial void LogAutoOnCpu(ILogger logger, string providers);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "CUDA execution provider could not be added for {Model} ({Reason}); using CPU")]
    private static partial void LogCudaFailed(ILogger logger, string model, string reason);
}
