using System.Diagnostics.Metrics;
using MaaS.Models.Telemetry;
using Prometheus;

namespace MaaS.Gateway.Telemetry;

/// <summary>
/// Publishes the <c>MaaS.Models</c> meter as native Prometheus metrics: histograms keep their buckets (so p99 can be
/// aggregated across replicas), counters become <c>_total</c> counters, units become name suffixes (<c>_seconds</c>).
/// A MeterListener of our own rather than prometheus-net's generic adapter, which gives no control over names and, on
/// this runtime, exported none of these instruments.
/// </summary>
internal sealed class ModelMetricsExporter : IHostedService, IDisposable
{
    private static readonly double[] DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly MeterListener _listener = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ModelMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument, Sink.For(instrument));
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Sink)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Sink)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Sink)state!).Record(value, tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    /// <summary>One Prometheus metric fed by one instrument.</summary>
    private sealed class Sink
    {
        private readonly string[] _labels;
        private readonly Histogram? _histogram;
        private readonly Counter? _counter;

        private Sink(string[] labels, Histogram? histogram, Counter? counter)
        {
            _labels = labels;
            _histogram = histogram;
            _counter = counter;
        }

        public static Sink For(Instrument instrument)
        {
            string[] labels = instrument.Name.EndsWith(".requests", StringComparison.Ordinal)
                ? ["model", "version", "outcome"]
                : ["model", "version"];
            string name = instrument.Name.Replace('.', '_') + instrument.Unit switch
            {
                "s" => "_seconds",
                _ => "",
            };
            string help = instrument.Description ?? instrument.Name;
            if (instrument is Histogram<double> or Histogram<int> or Histogram<long>)
            {
                var buckets = instrument.Unit == "s" ? DurationBuckets : BatchBuckets;
                return new Sink(labels, Metrics.CreateHistogram(name, help, new HistogramConfiguration { LabelNames = labels, Buckets = buckets }), null);
            }

            return new Sink(labels, null, Metrics.CreateCounter(name + "_total", help, new CounterConfiguration { LabelNames = labels }));
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var values = new string[_labels.Length];
            for (int i = 0; i < _labels.Length; i++)
            {
                values[i] = "";
                foreach (var tag in tags)
                {
                    if (tag.Key == _labels[i])
                    {
                        values[i] = tag.Value?.ToString() ?? "";
                        break;
                    }
                }
            }

            if (_histogram is not null)
            {
                _histogram.WithLabels(values).Observe(value);
            }
            else
            {
                _counter!.WithLabels(values).Inc(value);
            }
        }
    }
}
