using System.Diagnostics.Metrics;
using MaaS.Models.Telemetry;

namespace MaaS.Gateway.Telemetry;

/// <summary>
/// The .NET meters <c>/metrics</c> publishes through prometheus-net's meter adapter: the runtime's, the project's own
/// (but the model meter, whose one exporter is <see cref="ModelMetricsExporter"/>, by the series policy), Kestrel's
/// connections, the exception handler's and the data sources' (Npgsql's pool). Left out are the framework's
/// per-request meters (hosting's request duration and active requests, routing, authentication, authorization, the
/// rate limiter, the memory pool's rentals): each measurement is a labelled lookup under a lock in the adapter, ~18 µs
/// of CPU a ping together once a scrape has started it (docs/benchmarks.md, "The meter adapter's per-request cost"),
/// and prometheus-net's HTTP metrics count those requests, their duration and codes (429s included) already. A listener that is not prometheus-net (dotnet-counters, an OpenTelemetry exporter) still
/// sees every meter.
/// </summary>
internal static class PublishedMeters
{
    private static readonly string[] Names =
    [
        "System.Runtime",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "Npgsql",
        "Polly",
    ];

    public static bool IsPublished(Instrument instrument)
    {
        string meter = instrument.Meter.Name;
        if (meter.StartsWith("MaaS.", StringComparison.Ordinal))
        {
            return meter != ModelMetrics.MeterName;
        }

        return Array.IndexOf(Names, meter) >= 0;
    }
}
