namespace MaaS.Models.Tracing;

/// <summary>
/// One traced request (Triton's trace): its id, model, version, parent (the ensemble call a step belongs to), its
/// timestamps in the order they happened and, at <see cref="TraceLevels.Tensors"/>, its tensors. Made by
/// <see cref="InferenceTracing.TryStart"/> for a sampled request; the transport, <see cref="ModelInference"/> and an
/// ensemble's steps stamp it. A transport starts, stamps and hands it on through <see cref="TransportTrace"/>, the one
/// protocol of /v2 HTTP, gRPC <c>ModelInfer</c> and each request of <c>ModelStreamInfer</c>.
/// </summary>
/// <remarks>Thread-safe: an ensemble's steps add children concurrently, and the transport stamps the send after the handler.</remarks>
public sealed class InferenceTrace
{
    /// <summary>Triton's timestamp names, in the order a request passes them.</summary>
    public const string HttpRecvStart = "HTTP_RECV_START", HttpRecvEnd = "HTTP_RECV_END", GrpcWaitReadEnd = "GRPC_WAIT_READ_END",
        RequestStart = "REQUEST_START", QueueStart = "QUEUE_START", ComputeStart = "COMPUTE_START", ComputeInputEnd = "COMPUTE_INPUT_END",
        ComputeOutputStart = "COMPUTE_OUTPUT_START", ComputeEnd = "COMPUTE_END", RequestEnd = "REQUEST_END",
        HttpSendStart = "HTTP_SEND_START", HttpSendEnd = "HTTP_SEND_END", GrpcSendStart = "GRPC_SEND_START", GrpcSendEnd = "GRPC_SEND_END";

    /// <summary>Triton's tensor activities.</summary>
    public const string QueueInput = "TENSOR_QUEUE_INPUT", BackendOutput = "TENSOR_BACKEND_OUTPUT";

    private readonly InferenceTracing _owner;
    private readonly List<(string Name, long Timestamp)> _stamps = new(12);
    private List<TracedTensor>? _tensors;
    private List<InferenceTrace>? _children;

    internal InferenceTrace(InferenceTracing owner, long id, string model, long parentId, TraceLevels level, int logFrequency)
    {
        _owner = owner;
        Id = id;
        ModelName = model;
        ParentId = parentId;
        Level = level;
        LogFrequency = logFrequency;
    }

    /// <summary>The trace's id, unique in this process.</summary>
    public long Id { get; }

    /// <summary>The model the request named.</summary>
    public string ModelName { get; }

    /// <summary>The version that answered; -1 until one is leased.</summary>
    public long ModelVersion { get; private set; } = -1;

    /// <summary>The id of the ensemble call's trace this step belongs to; 0 for a request of its own.</summary>
    public long ParentId { get; }

    /// <summary>What the trace records.</summary>
    public TraceLevels Level { get; }

    /// <summary>The protocol that received the request, which names its receive and send stamps.</summary>
    public TraceProtocol Protocol { get; internal set; }

    /// <summary>Whether the request reached a model version (REQUEST_START): one that did not is not written.</summary>
    internal bool ReachedModel => ModelVersion >= 0;

    internal InferenceTracing Owner => _owner;

    /// <summary>The log frequency in force when the request was sampled: how the writer cuts files.</summary>
    internal int LogFrequency { get; }

    /// <summary>Whether tensors are recorded.</summary>
    public bool RecordsTensors => (Level & TraceLevels.Tensors) != 0;

    /// <summary>The timestamps recorded so far, as <see cref="Stopwatch"/> timestamps, in the order they were stamped.</summary>
    internal IReadOnlyList<(string Name, long Timestamp)> Stamps
    {
        get
        {
            lock (_stamps)
            {
                return [.. _stamps];
            }
        }
    }

    internal IReadOnlyList<TracedTensor> Tensors
    {
        get
        {
            lock (_stamps)
            {
                return _tensors is null ? [] : [.. _tensors];
            }
        }
    }

    internal IReadOnlyList<InferenceTrace> Children
    {
        get
        {
            lock (_stamps)
            {
                return _children is null ? [] : [.. _children];
            }
        }
    }

    /// <summary>Records <paramref name="name"/> now.</summary>
    public void Stamp(string name) => Stamp(name, Stopwatch.GetTimestamp());

    /// <summary>Records <paramref name="name"/> at <paramref name="timestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Stamp(string name, long timestamp)
    {
        lock (_stamps)
        {
            _stamps.Add((name, timestamp));
        }
    }

    /// <summary>The request reaches its version: REQUEST_START, and the version.</summary>
    internal void Begin(long version)
    {
        ModelVersion = version;
        Stamp(RequestStart);
    }

    /// <summary>
    /// A run's stamps from where the request was queued (<paramref name="queueStart"/>) and the batcher's measured
    /// durations: QUEUE_START, COMPUTE_START, COMPUTE_INPUT_END, COMPUTE_OUTPUT_START, COMPUTE_END, none later than now.
    /// </summary>
    internal void Ran(long queueStart, in InferenceTimings timings)
    {
        long now = Stopwatch.GetTimestamp();
        long computeStart = Math.Min(now, queueStart + Ticks(timings.Queue));
        long inputEnd = Math.Min(now, computeStart + Ticks(timings.ComputeInput));
        long outputStart = Math.Min(now, inputEnd + Ticks(timings.ComputeInfer));
        long computeEnd = Math.Min(now, outputStart + Ticks(timings.ComputeOutput));
        lock (_stamps)
        {
            _stamps.Add((QueueStart, queueStart));
            _stamps.Add((ComputeStart, computeStart));
            _stamps.Add((ComputeInputEnd, inputEnd));
            _stamps.Add((ComputeOutputStart, outputStart));
            _stamps.Add((ComputeEnd, computeEnd));
        }

        static long Ticks(TimeSpan span) => (long)(span.Ticks * (Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond));
    }

    /// <summary>Records tensors as <paramref name="activity"/> when the level asks for them.</summary>
    internal void Record(string activity, IReadOnlyList<InferTensor> tensors)
    {
        if (!RecordsTensors)
        {
            return;
        }

        var traced = new List<TracedTensor>(tensors.Count);
        foreach (var tensor in tensors)
        {
            traced.Add(TracedTensor.Of(activity, tensor, _owner.MaxTensorElements));
        }

        lock (_stamps)
        {
            (_tensors ??= []).AddRange(traced);
        }
    }

    /// <summary>The trace of an ensemble's step on <paramref name="model"/>: traced because its call is, this trace its parent.</summary>
    internal InferenceTrace Child(string model)
    {
        var child = _owner.NewTrace(model, Id, Level, LogFrequency);
        lock (_stamps)
        {
            (_children ??= []).Add(child);
        }

        return child;
    }
}

/// <summary>A tensor as a <c>TENSORS</c> trace writes it: Triton's strings, the data cut to the configured number of values.</summary>
internal sealed record TracedTensor(string Activity, string Name, string Data, string Shape, string DataType)
{
    public static TracedTensor Of(string activity, InferTensor tensor, int maxElements)
    {
        var data = new StringBuilder();
        int count = Math.Min(tensor.Data.Length, maxElements);
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                data.Append(',');
            }

            data.Append(CultureInfo.InvariantCulture, $"{tensor.Data.GetValue(i)}");
        }

        if (count < tensor.Data.Length)
        {
            data.Append(",...");
        }

        return new TracedTensor(activity, tensor.Name, data.ToString(), string.Join(',', tensor.Shape), tensor.DataType.ToProtocolName());
    }
}
