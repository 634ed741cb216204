using System.Diagnostics.Metrics;
using MaaS.Models.Telemetry;
using Prometheus;

namespace MaaS.Gateway.Telemetry;

/// <summary>
/// Publishes this host's <c>MaaS.Models</c> meter as native Prometheus metrics: histograms keep their buckets (so p99
/// can be aggregated across replicas), counters become <c>_total</c> counters, units become name suffixes
/// (<c>_seconds</c>). Models that not every caller may see are labelled by <see cref="ModelSeriesPolicy"/>, never by
/// name. A MeterListener of our own rather than prometheus-net's generic adapter, which gives no control over names
/// or labels (the adapter is told to skip this meter, see <see cref="MetricsExtensions.AddGatewayTelemetry"/>).
/// </summary>
internal sealed class ModelMetricsExporter : IHostedService, IDisposable
{
    private static readonly double[] DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly MeterListener _listener = new();
    private readonly IMeterFactory _meterFactory;
    private readonly ModelSeriesPolicy _policy;
    private readonly IMetricFactory _metrics;
    private readonly ConcurrentQueue<Sink> _sinks = new();

    public ModelMetricsExporter(IMeterFactory meterFactory, ModelSeriesPolicy policy)
    {
        _meterFactory = meterFactory;
        _policy = policy;
        // A registry per host, not prometheus-net's static one: hosts sharing a process (tests) must not export each
        // other's models, and each host can judge the visibility of its own models only.
        Registry = Metrics.NewCustomRegistry();
        _metrics = Metrics.WithCustomRegistry(Registry);
        Registry.AddBeforeCollectCallback(RemoveHiddenSeries);
    }

    /// <summary>The per-model series; <c>/metrics</c> exports it after prometheus-net's default registry.</summary>
    public CollectorRegistry Registry { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Meters of other hosts in the process carry the same name; the factory scope tells this host's apart.
            if (instrument.Meter.Name == ModelMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _meterFactory))
            {
                var sink = Sink.For(instrument, _metrics, _policy);
                _sinks.Enqueue(sink);
                listener.EnableMeasurementEvents(instrument, sink);
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

    /// <summary>Before each scrape: series named after a model that is no longer public (or no longer served) go.</summary>
    private void RemoveHiddenSeries()
    {
        foreach (var sink in _sinks)
        {
            sink.RemoveHidden();
        }
    }

    /// <summary>One Prometheus metric fed by one instrument; its labels start with <c>model</c>, <c>version</c>.</summary>
    private sealed class Sink
    {
        private readonly string[] _labels;
        private readonly ModelSeriesPolicy _policy;
        private readonly Histogram? _histogram;
        private readonly Counter? _counter;
        private readonly ConcurrentDictionary<(string Model, string Version, string Outcome), Action<double>> _children = new();

        private Sink(string[] labels, ModelSeriesPolicy policy, Histogram? histogram, Counter? counter)
        {
            _labels = labels;
            _policy = policy;
            _histogram = histogram;
            _counter = counter;
        }

        public static Sink For(Instrument instrument, IMetricFactory metrics, ModelSeriesPolicy policy)
        {
            string[] labels = instrument.Name.EndsWith(".requests", StringComparison.Ordinal) || instrument.Name.EndsWith(".warmups", StringComparison.Ordinal)
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
                return new Sink(labels, policy, metrics.CreateHistogram(name, help, new HistogramConfiguration { LabelNames = labels, Buckets = buckets }), null);
            }

            return new Sink(labels, policy, null, metrics.CreateCounter(name + "_total", help, new CounterConfiguration { LabelNames = labels }));
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string model = Label(tags, 0), version = Label(tags, 1), outcome = _labels.Length > 2 ? Label(tags, 2) : "";
            if (!_policy.MayNameCached(model))
            {
                // Neither the name nor the version: a model's own sequence of versions could single it out.
                model = ModelSeriesPolicy.PrivateLabel;
                version = "";
            }

            // Each request records a few measurements: the series' child is looked up once, not through a new label
            // array and prometheus-net's label lookup each time.
            var key = (model, version, outcome);
            if (!_children.TryGetValue(key, out var record))
            {
                string[] values = _labels.Length > 2 ? [model, version, outcome] : [model, version];
                record = _histogram is not null ? _histogram.WithLabels(values).Observe : _counter!.WithLabels(values).Inc;
                _children[key] = record;
            }

            record(value);
        }

        public void RemoveHidden()
        {
            if (_histogram is not null)
            {
                RemoveHidden(_histogram);
            }
            else
            {
                RemoveHidden(_counter!);
            }

            // Removed series must not be fed through a cached child; the next measurement looks its series up again.
            _children.Clear();
        }

        private string Label(ReadOnlySpan<KeyValuePair<string, object?>> tags, int index)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == _labels[index])
                {
                    return tag.Value?.ToString() ?? "";
                }
            }

            return "";
        }

        private void RemoveHidden<TChild>(Collector<TChild> collector)
            where TChild : ChildBase
        {
            foreach (string[] values in collector.GetAllLabelValues().ToList())
            {
                if (values[0] != ModelSeriesPolicy.PrivateLabel && !_policy.MayName(values[0]))
                {
                    collector.RemoveLabelled(values);
                }
            }
        }
    }
}
