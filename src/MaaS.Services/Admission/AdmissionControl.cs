using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;

namespace MaaS.Services.Admission;

/// <summary>Why a costed request was refused before its body was read, and when to come back.</summary>
internal readonly record struct AdmissionRefusal(string Detail, TimeSpan RetryAfter);

/// <summary>
/// Admission of costed requests, per partition (<see cref="AdmissionPartition"/>): before the body is read, the
/// partition's budget must not be in debt (<see cref="CostBucket"/>) and it must be under its in-flight cap and hold
/// its body's bytes within the in-flight bytes (<see cref="PartitionAdmission"/>); once the body is parsed its cost is
/// charged and, for CPU work, it waits its turn in the <see cref="WorkQueue"/>. Thread-safe singleton.
/// </summary>
internal sealed class AdmissionControl
{
    /// <summary>Meter of the admission instruments; Prometheus prefixes their names with it (<c>maas_admission_in_flight</c>).</summary>
    public const string MeterName = "MaaS.Admission";

    // Partitions are dropped once idle (a fresh one is the same), swept when there are many, at most once a second.
    private const int SweepAbove = 1_024;

    private readonly AdmissionOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, PartitionAdmission> _partitions = new(StringComparer.Ordinal);
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _wait;
    private long _sweptAt;
    private long _inFlightCount;

    public AdmissionControl(AdmissionOptions options, TimeProvider time, IMeterFactory meters)
    {
        _options = options;
        _time = time;
        Queue = new WorkQueue(_options.EffectiveCapacity, _options.EffectiveShare);
        var meter = meters.Create(MeterName);
        _refused = meter.CreateCounter<long>("refused", "{request}", "Costed requests refused before their body was read, by reason (budget, in_flight, in_flight_bytes).");
        _wait = meter.CreateHistogram<double>("queue.wait", "s", "Time costed requests waited for work capacity.");
        meter.CreateObservableGauge("running", () => Queue.RunningUnits, "{unit}", "Work units running.");
        meter.CreateObservableGauge("waiting", () => Queue.Waiting, "{request}", "Costed requests waiting for work capacity.");
        meter.CreateObservableGauge("in_flight", () => Volatile.Read(ref _inFlightCount), "{request}", "Costed requests admitted and not yet answered (being read, waiting or running).");
    }

    /// <summary>The fair queue of CPU work.</summary>
    public WorkQueue Queue { get; }

    /// <summary>
    /// Lets a request of <paramref name="partition"/> be read, or says why not: <paramref name="bodyBytes"/> is its
    /// Content-Length (0 without one: its bytes are then counted as they are read, <see cref="AdmissionTicket.TryCount"/>).
    /// The ticket holds its in-flight place until disposed.
    /// </summary>
    public bool TryEnter(AdmissionPartition partition, long bodyBytes, bool usesWorkQueue, [NotNullWhen(true)] out AdmissionTicket? ticket, out AdmissionRefusal refusal)
    {
        ticket = null;
        var state = _partitions.GetOrAdd(
            partition.Key, static (_, self) => new PartitionAdmission(new CostBucket(self._options.CostPerSecond, self._options.CostBurst, self._time)), this);
        SweepIfCrowded();
        if (!state.Budget.TryOpen(out var repaid))
        {
            refusal = BudgetRefusal(partition, repaid);
            return false;
        }

        if (!state.TryTakeRequest(_options.MaxConcurrentRequests))
        {
            _refused.Add(1, new KeyValuePair<string, object?>("reason", "in_flight"));
            refusal = new AdmissionRefusal($"{partition.Description} has {_options.MaxConcurrentRequests} costed requests in flight, its limit", TimeSpan.FromSeconds(1));
            return false;
        }

        // The bytes first, then the count: a request refused for its bytes was never in flight, and the gauge must
        // not show one whose bytes are not yet held (a test waiting for the gauge saw 1 and sent a request that fit).
        var candidate = new AdmissionTicket(this, partition, state, usesWorkQueue);
        if (!candidate.TryCount(bodyBytes, step: 0))
        {
            candidate.Dispose();
            refusal = BytesRefusal(partition);
            return false;
        }

        refusal = default;
        ticket = candidate.Entered();
        return true;
    }

    /// <summary>Takes <paramref name="bytes"/> more of the partition's in-flight bytes (0 to the whole allowance); false when the partition has no more to give.</summary>
    public bool TryTakeBytes(PartitionAdmission partition, long bytes)
    {
        if (partition.TryTakeBytes(bytes, _options.MaxInFlightBytes))
        {
            return true;
        }

        _refused.Add(1, new KeyValuePair<string, object?>("reason", "in_flight_bytes"));
        return false;
    }

    /// <summary>The refusal of a request while the partition's budget is in debt, <paramref name="repaid"/> from being repaid (counted).</summary>
    public AdmissionRefusal BudgetRefusal(AdmissionPartition partition, TimeSpan repaid)
    {
        _refused.Add(1, new KeyValuePair<string, object?>("reason", "budget"));
        var wait = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(repaid.TotalSeconds)));
        return new AdmissionRefusal(
            string.Create(CultureInfo.InvariantCulture, $"{partition.Description} has spent its work budget (requests are charged by their size); retry in {wait.TotalSeconds} s"), wait);
    }

    /// <summary>The refusal of a request whose body does not fit the partition's in-flight bytes.</summary>
    public AdmissionRefusal BytesRefusal(AdmissionPartition partition) => new(
        string.Create(CultureInfo.InvariantCulture, $"{partition.Description} has costed requests of up to {_options.MaxInFlightBytes} bytes in flight, its limit"),
        TimeSpan.FromSeconds(1));

    /// <summary>The allowance of in-flight bytes of one partition.</summary>
    public int MaxInFlightBytes => _options.MaxInFlightBytes;

    /// <summary>A ticket was made (it counts in flight until disposed).</summary>
    public void Entered() => Interlocked.Increment(ref _inFlightCount);

    /// <summary>A ticket was disposed.</summary>
    public void Left() => Interlocked.Decrement(ref _inFlightCount);

    /// <summary>Records a wait for work capacity.</summary>
    public void RecordWait(TimeSpan waited) => _wait.Record(waited.TotalSeconds);

    private void SweepIfCrowded()
    {
        long now = _time.GetTimestamp(), last = Volatile.Read(ref _sweptAt);
        if (_partitions.Count <= SweepAbove || _time.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1)
            || Interlocked.CompareExchange(ref _sweptAt, now, last) != last)
        {
            return;
        }

        foreach (var (key, state) in _partitions)
        {
            // A request racing this removal is forgiven: it is held and released by the state it found, while the
            // partition's next requests start again from a fresh one (a full budget, nothing in flight).
            if (state.IsIdle)
            {
                _partitions.TryRemove(new KeyValuePair<string, PartitionAdmission>(key, state));
            }
        }
    }
}

/// <summary>
/// A request's place in its partition's admission: its in-flight permit, the in-flight bytes it holds, its budget,
/// whether it queues for CPU. Used by one request at a time.
/// </summary>
internal sealed class AdmissionTicket(
    AdmissionControl control, AdmissionPartition partition, PartitionAdmission state, bool usesWorkQueue) : IDisposable
{
    private long _held;
    private bool _entered;
    private bool _disposed;

    /// <summary>Counts in flight from here until disposed.</summary>
    public AdmissionTicket Entered()
    {
        if (!_entered)
        {
            _entered = true;
            control.Entered();
        }

        return this;
    }

    /// <summary>Partition key.</summary>
    public string Partition => partition.Key;

    /// <summary>The refusal when the body outgrows the partition's in-flight bytes.</summary>
    public AdmissionRefusal BytesRefusal => control.BytesRefusal(partition);

    /// <summary>Whether the request waits its turn in the work queue once charged.</summary>
    public bool UsesWorkQueue { get; } = usesWorkQueue;

    /// <summary>
    /// Holds at least <paramref name="total"/> of the partition's in-flight bytes for this request, taking at least
    /// <paramref name="step"/> more when it must take any (a body larger than the whole allowance holds all of it, and so
    /// runs alone); false when the partition has no more to give.
    /// </summary>
    public bool TryCount(long total, long step)
    {
        if (total <= _held || _held >= control.MaxInFlightBytes)
        {
            return true;
        }

        long needed = total - _held, more = Math.Min(Math.Max(needed, step), control.MaxInFlightBytes - _held);
        // A step that does not fit falls back to exactly what this read needs.
        if (!control.TryTakeBytes(state, more) && (more <= needed || !control.TryTakeBytes(state, more = needed)))
        {
            return false;
        }

        _held += more;
        return true;
    }

    /// <summary>Charges the parsed request's cost to the partition's budget.</summary>
    public void Charge(long units) => state.Budget.Charge(units);

    /// <summary>Waits for room to run <paramref name="units"/> of work; dispose the grant when done.</summary>
    public async ValueTask<IDisposable> WaitForWorkAsync(long units, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var grant = await control.Queue.EnterAsync(Partition, units, cancellationToken).ConfigureAwait(false);
        control.RecordWait(Stopwatch.GetElapsedTime(started));
        return grant;
    }

    /// <summary>
    /// For callers outside the endpoint filter (gRPC): counts the parsed message's <paramref name="bytes"/>, charges
    /// <paramref name="units"/> and waits for work capacity. Null when the message does not fit the partition's
    /// in-flight bytes (the refusal says why); otherwise dispose the grant when the work is done.
    /// </summary>
    public async ValueTask<(IDisposable? Grant, AdmissionRefusal Refusal)> AdmitAsync(long bytes, long units, CancellationToken cancellationToken)
    {
        if (!TryCount(bytes, step: 0))
        {
            return (null, BytesRefusal);
        }

        Charge(units);
        return (UsesWorkQueue ? await WaitForWorkAsync(units, cancellationToken).ConfigureAwait(false) : NoGrant.Instance, default);
    }

    /// <summary>
    /// For one request of a stream (gRPC <c>ModelStreamInfer</c>), which this ticket admitted as a whole: admitted as a
    /// request of its own would be after the middleware, the budget not in debt, its <paramref name="bytes"/> held apart
    /// (released with the grant, so a long stream holds only its requests in flight), <paramref name="units"/> charged,
    /// then its turn for work capacity. Null with the refusal when refused; otherwise dispose the grant when the work is done.
    /// </summary>
    public async ValueTask<(IDisposable? Grant, AdmissionRefusal Refusal)> AdmitStreamedAsync(long bytes, long units, CancellationToken cancellationToken)
    {
        if (!state.Budget.TryOpen(out var repaid))
        {
            return (null, control.BudgetRefusal(partition, repaid));
        }

        bytes = Math.Clamp(bytes, 0, control.MaxInFlightBytes);
        if (!control.TryTakeBytes(state, bytes))
        {
            return (null, BytesRefusal);
        }

        try
        {
            Charge(units);
            return (new StreamedGrant(state, bytes, UsesWorkQueue ? await WaitForWorkAsync(units, cancellationToken).ConfigureAwait(false) : null), default);
        }
        catch
        {
            state.ReleaseBytes(bytes);
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        state.ReleaseRequest();
        state.ReleaseBytes(_held);
        _held = 0;
        if (_entered)
        {
            control.Left();
        }
    }
}

/// <summary>A streamed request's grant: its in-flight bytes and its work, released together, once.</summary>
file sealed class StreamedGrant(PartitionAdmission state, long bytes, IDisposable? work) : IDisposable
{
    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            work?.Dispose();
            state.ReleaseBytes(bytes);
        }
    }
}

/// <summary>The grant of work that did not queue.</summary>
file sealed class NoGrant : IDisposable
{
    public static readonly NoGrant Instance = new();

    public void Dispose()
    {
    }
}
