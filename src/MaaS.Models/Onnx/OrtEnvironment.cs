using Microsoft.ML.OnnxRuntime;

namespace MaaS.Models.Onnx;

/// <summary>
/// The process-wide ONNX Runtime environment. ORT keeps one <see cref="OrtEnv"/> per process, so the global thread
/// pools can only be configured by whoever creates it first; this class does that once and remembers whether it did.
/// </summary>
internal static class OrtEnvironment
{
    private static readonly Lock Gate = new();
    private static bool _initialized;
    private static bool _globalThreadPools;

    /// <summary>Records that the environment turned out to lack global pools (created elsewhere first).</summary>
    public static void MarkPerSessionThreadPools()
    {
        lock (Gate)
        {
            _initialized = true;
            _globalThreadPools = false;
        }
    }

    /// <summary>
    /// Creates the environment with global intra/inter-op pools (0 = ORT default sizes). Returns true when the global
    /// pools are in effect, false when something else created the environment first (sessions then keep per-session pools).
    /// </summary>
    public static bool EnsureGlobalThreadPools(int intraOpThreads, int interOpThreads)
    {
        lock (Gate)
        {
            if (_initialized)
            {
                return _globalThreadPools;
            }

            _initialized = true;
            if (OrtEnv.IsCreated)
            {
                _globalThreadPools = false;
                return false;
            }

            var threading = new OrtThreadingOptions();
            if (intraOpThreads > 0)
            {
                threading.GlobalIntraOpNumThreads = intraOpThreads;
            }

            if (interOpThreads > 0)
            {
                threading.GlobalInterOpNumThreads = interOpThreads;
            }

            // Spinning pool threads burn the cores the HTTP server needs between runs.
            threading.GlobalSpinControl = false;
            var options = new EnvironmentCreationOptions
            {
                logId = "maas",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                threadOptions = threading,
            };
            try
            {
                OrtEnv.CreateInstanceWithOptions(ref options);
                _globalThreadPools = true;
            }
            catch (OnnxRuntimeException)
            {
                // Created by another thread between the check and here.
                _globalThreadPools = false;
            }

            return _globalThreadPools;
        }
    }
}
