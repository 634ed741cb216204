using System.Diagnostics.Metrics;

namespace MaaS.Models.Telemetry;

/// <summary>
/// Inference instruments on the <c>MaaS.Models</c> meter: request counter, and histograms of request, queue and
/// compute duration (seconds) and batch size (rows per session run), tagged by model and version so percentiles
/// can be aggregated across replicas; and the warmups of freshly loaded versions (<c>modelWarmup</c>): a counter by
/// outcome and a histogram of their duration. Thread-safe; one instance per host.
/// </summary>
public sealed class ModelMetrics
{
    /// <summary>Meter name to subscribe to.</summary>
    public const string MeterName = "MaaS.Models";

    // Tag values are strings (exporters such as prometheus-net drop measurements whose tags are not); the usual
    // versions' strings are made once: each request records three tags, and a new string per tag per request was
    // garbage on the hot path.
    private static readonly string[] SmallVersionTags =
        [.. Enumerable.Range(0, 64).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<double> _computeDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _warmups;
    private readonly Histogram<double> _warmupDuration;

    /// <summary>Creates the instruments from the host's meter factory (or a private meter when none is given).</summary>
    public ModelMetrics(IMeterFactory? meterFactory = null)
    {
        Meter meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = meter.CreateCounter<long>("maas.inference.requests", "{request}", "Inference requests by outcome.");
        _requestDuration = meter.CreateHistogram<double>("maas.inference.request.duration", "s", "Inference request duration, queue plus compute.");
        _queueDuration = meter.CreateHistogram<double>("maas.inference.queue.duration", "s", "Time requests waited in the batching queue.");
        _computeDuration = meter.CreateHistogram<double>("maas.inference.compute.duration", "s", "Session run time per execution (input, run, output).");
        _batchSize = meter.CreateHistogram<int>("maas.inference.batch.size", "{row}", "Rows per session run.");
        _warmups = meter.CreateCounter<long>("maas.model.warmups", "{warmup}", "Warmups of loaded model versions by outcome; a failed one fails the load.");
        _warmupDuration = meter.CreateHistogram<double>("maas.model.warmup.duration", "s", "Time a model version's warmup took, every sample's runs.");
    }

    internal void RecordRequest(string model, long version, ErrorCode? failure, TimeSpan duration, TimeSpan queue)
    {
        var tags = new TagList { { "model", model }, { "version", VersionTag(version) }, { "outcome", OutcomeName(failure) } };
        _requests.Add(1, tags);
        var durationTags = new TagList { { "model", model }, { "version", VersionTag(version) } };
        _requestDuration.Record(duration.TotalSeconds, durationTags);
        if (failure is null)
        {
            _queueDuration.Record(queue.TotalSeconds, durationTags);
        }
    }

    internal void RecordExecution(string model, long version, int batchSize, in RunTimings timings)
    {
        var tags = new TagList { { "model", model }, { "version", VersionTag(version) } };
        _batchSize.Record(batchSize, tags);
        _computeDuration.Record((timings.Input + timings.Infer + timings.Output).TotalSeconds, tags);
    }

    internal void RecordWarmup(string model, long version, bool succeeded, TimeSpan duration)
    {
        _warmups.Add(1, new TagList { { "model", model }, { "version", VersionTag(version) }, { "outcome", succeeded ? "success" : "error" } });
        _warmupDuration.Record(duration.TotalSeconds, new TagList { { "model", model }, { "version", VersionTag(version) } });
    }

    // Tag values are strings: exporters such as prometheus-net drop measurements whose tags are not.
    private static string VersionTag(long version) => version is >= 0 and < 64
        ? SmallVersionTags[version]
        : version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string OutcomeName(ErrorCode? failure) => failure switch
    {
        null => "success",
        ErrorCode.InvalidRequest => "invalid",
        ErrorCode.Overloaded => "overloaded",
        ErrorCode.Timeout => "timeout",
        ErrorCode.ClientClosedRequest => "cancelled",
        ErrorCode.ModelNotReady => "unavailable",
        _ => "error",
    };
}
