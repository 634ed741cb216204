using System.Diagnostics;
using System.Diagnostics.Metrics;
using MaaS.Models.Tracing;

namespace MaaS.Models.Tests.Tracing;

/// <summary>
/// The owner of the trace settings without a host: which requests its settings sample, how a model's overrides and the
/// global settings share a count, and a full writer queue dropping (and counting) a trace instead of waiting.
/// </summary>
public sealed class InferenceTracingTests
{
    [Theory]
    [InlineData(1, -1, 10, new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(3, -1, 10, new[] { 3, 6, 9 })]
    [InlineData(2, 2, 10, new[] { 2, 4 })]
    [InlineData(1, 0, 5, new int[0])]
    public void TryStart_RateAndCount_TheNthRequestsUntilTheCountRunsOut(int rate, long count, int requests, int[] traced)
    {
        var tracing = Tracing(new TracingOptions { File = "trace.json", Level = "TIMESTAMPS", Rate = rate, Count = count });

        int[] sampled = [.. Enumerable.Range(1, requests).Where(_ => tracing.TryStart("m") is not null)];

        Assert.Equal(traced, sampled);
        Assert.Equal(count < 0 ? -1 : Math.Max(0, count - traced.Length), tracing.Global.Count);
    }

    [Fact]
    public void TryStart_ModelOverride_OwnRateAndLevelTheGlobalCountShared()
    {
        var tracing = Tracing(new TracingOptions { File = "trace.json", Level = "OFF", Rate = 1, Count = 3 });
        Assert.True(tracing.Update("a", [KeyValuePair.Create(TraceSettings.LevelName, TraceSettingValue.Of("TIMESTAMPS"))]).IsSuccess);

        bool offModel = tracing.TryStart("b") is not null;
        int taken = Enumerable.Range(0, 5).Count(_ => tracing.TryStart("a") is not null);

        Assert.False(offModel, "a model without overrides follows the global OFF");
        Assert.Equal(3, taken);
        Assert.Equal(0, tracing.For("a").Count);
        Assert.Equal(0, tracing.Global.Count);

        // A count of its own: the model counts apart from the global settings.
        Assert.True(tracing.Update("a", [KeyValuePair.Create(TraceSettings.CountName, TraceSettingValue.Of("2"))]).IsSuccess);
        Assert.Equal(2, Enumerable.Range(0, 5).Count(_ => tracing.TryStart("a") is not null));
        Assert.Equal(0, tracing.Global.Count);
    }

    [Fact]
    public void Update_OneRefused_NoneChangedEveryProblemNamed()
    {
        var tracing = Tracing(new TracingOptions { File = "trace.json", Level = "OFF" });
        var before = tracing.Global;

        var result = tracing.Update(null, [
            KeyValuePair.Create(TraceSettings.RateName, TraceSettingValue.Of("5")),
            KeyValuePair.Create(TraceSettings.LogFrequencyName, TraceSettingValue.Other),
            KeyValuePair.Create(TraceSettings.ModeName, TraceSettingValue.Of("opentelemetry")),
        ]);

        Assert.False(result.IsSuccess);
        Assert.Equal([TraceSettings.LogFrequencyName, TraceSettings.ModeName], result.Error!.Problems.Select(p => p.Field));
        Assert.Equal(before, tracing.Global);
    }

    [Fact]
    public void Submit_QueueFull_DroppedAndCountedNotWaited()
    {
        using var meters = new TestMeters();
        var tracing = new InferenceTracing(Options.Create(new TracingOptions { File = "trace.json", Level = "TIMESTAMPS", Rate = 1, QueueCapacity = 2 }), meters);
        long dropped = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "maas.trace.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            Assert.Equal("queue_full", tags[0].Value);
            Interlocked.Add(ref dropped, value);
        });
        listener.Start();

        // No writer reads the queue: the first two wait in it, the next three are dropped.
        for (int i = 0; i < 5; i++)
        {
            tracing.Submit(tracing.TryStart("m")!);
        }

        Assert.Equal(3, Interlocked.Read(ref dropped));
        Assert.Equal(2, tracing.Finished.Count);
    }

    /// <summary>
    /// The transport protocol: each protocol's receive and send stamps around inference's, in order; a request that never
    /// reached a model version (an unknown model) is not handed to the writer, as Triton makes no trace for it.
    /// </summary>
    [Theory]
    [InlineData(TraceProtocol.Http, "HTTP_RECV_START,HTTP_RECV_END,REQUEST_START,HTTP_SEND_START,HTTP_SEND_END")]
    [InlineData(TraceProtocol.Grpc, "GRPC_WAIT_READ_END,REQUEST_START,GRPC_SEND_START,GRPC_SEND_END")]
    public async Task TransportTrace_ReachedAModelOrNot_StampsInOrderAndOnlyTheReachedOneWritten(TraceProtocol protocol, string stamps)
    {
        var tracing = Tracing(new TracingOptions { File = "trace.json", Level = "TIMESTAMPS", Rate = 1 });
        InferenceTrace? Start(string model) => protocol == TraceProtocol.Http
            ? tracing.StartHttp(model, Stopwatch.GetTimestamp() - 10, Stopwatch.GetTimestamp())
            : tracing.StartGrpc(model);

        var unknown = Start("no-such-model")!;
        unknown.Sending();
        unknown.Sent();
        var known = Start("m")!;
        known.Begin(3);
        known.Sending();
        await TransportTrace.Completed(known);

        Assert.Equal(protocol, known.Protocol);
        Assert.Equal(stamps, string.Join(',', known.Stamps.Select(s => s.Name)));
        Assert.True(known.Stamps.Select(s => s.Timestamp).SequenceEqual(known.Stamps.Select(s => s.Timestamp).Order()), "stamps out of order");
        Assert.Equal(1, tracing.Finished.Count);
        Assert.True(tracing.Finished.TryRead(out var written) && ReferenceEquals(known, written), "the written trace is not the one that reached a model");
    }

    private static InferenceTracing Tracing(TracingOptions options) => new(Options.Create(options));

    private sealed class TestMeters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
