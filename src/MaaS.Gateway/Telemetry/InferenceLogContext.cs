using MaaS.Models.Inference;
using Serilog;
using Serilog.Events;

namespace MaaS.Gateway.Telemetry;

/// <summary>
/// What an inference adds to its request's log event (<c>UseGatewayRequestLogging</c>): the
/// model and its failure always, the version, batch size and timings only when successes are logged at all (Debug
/// for the requests source). Each property is bound through Serilog on the request's path, a visible share of a small
/// model's CPU per request, and a success is not written at the default levels. Singleton; thread-safe.
/// </summary>
internal sealed class InferenceLogContext(IDiagnosticContext diagnostics, Serilog.ILogger logger)
{
    private readonly Serilog.ILogger _requests = logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, LoggingExtensions.RequestsSource);

    public void Failed(string model, ErrorCode code)
    {
        diagnostics.Set("Model", model);
        diagnostics.Set("InferenceFailure", code);
    }

    public void Served(string model, InferenceResponse response)
    {
        if (!_requests.IsEnabled(LogEventLevel.Debug))
        {
            return;
        }

        var timings = response.Timings;
        diagnostics.Set("Model", model);
        diagnostics.Set("ModelVersion", response.ModelVersion);
        diagnostics.Set("BatchSize", timings.BatchSize);
        diagnostics.Set("QueueMs", timings.Queue.TotalMilliseconds);
        diagnostics.Set("ComputeMs", timings.Compute.TotalMilliseconds);
    }
}
