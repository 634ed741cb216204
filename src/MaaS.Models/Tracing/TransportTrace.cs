namespace MaaS.Models.Tracing;

/// <summary>The transport a traced request came by: it names the trace's receive and send timestamps.</summary>
public enum TraceProtocol
{
    /// <summary>/v2 over HTTP: HTTP_RECV_START, HTTP_RECV_END … HTTP_SEND_START, HTTP_SEND_END.</summary>
    Http,

    /// <summary>gRPC, unary or one request of a stream: GRPC_WAIT_READ_END … GRPC_SEND_START, GRPC_SEND_END.</summary>
    Grpc,
}

/// <summary>
/// The transport's side of a traced request, written once for /v2 HTTP, gRPC <c>ModelInfer</c> and each request of
/// <c>ModelStreamInfer</c>: sampled once the request is read (with its receive stamps), SEND_START once inference
/// answered, SEND_END once the answer is out, then handed to the writer. A request that never reached a model version
/// (an unknown model or version) is not written: Triton refuses it before it makes a trace.
/// </summary>
public static class TransportTrace
{
    /// <summary>
    /// The callback that ends a trace once its answer is sent, for <c>HttpResponse.OnCompleted(TransportTrace.Completed, trace)</c>:
    /// a static delegate with the trace as its state, so a traced request allocates no closure or tuple for it.
    /// </summary>
    public static readonly Func<object, Task> Completed = static state =>
    {
        ((InferenceTrace)state).Sent();
        return Task.CompletedTask;
    };

    /// <summary>
    /// A trace of a request on <paramref name="model"/> read over HTTP between <paramref name="readStart"/> and
    /// <paramref name="readEnd"/> (<see cref="Stopwatch"/> timestamps), when its settings sample it; else null.
    /// </summary>
    public static InferenceTrace? StartHttp(this InferenceTracing tracing, string model, long readStart, long readEnd)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        var trace = tracing.TryStart(model);
        if (trace is not null)
        {
            trace.Protocol = TraceProtocol.Http;
            trace.Stamp(InferenceTrace.HttpRecvStart, readStart);
            trace.Stamp(InferenceTrace.HttpRecvEnd, readEnd);
        }

        return trace;
    }

    /// <summary>
    /// A trace of a gRPC request on <paramref name="model"/>, when its settings sample it; else null. The handler runs
    /// once the message is read: GRPC_WAIT_READ_END is now, and when its reading began is the transport's, not known here.
    /// </summary>
    public static InferenceTrace? StartGrpc(this InferenceTracing tracing, string model)
    {
        ArgumentNullException.ThrowIfNull(tracing);
        var trace = tracing.TryStart(model);
        if (trace is not null)
        {
            trace.Protocol = TraceProtocol.Grpc;
            trace.Stamp(InferenceTrace.GrpcWaitReadEnd);
        }

        return trace;
    }

    /// <summary>Inference has answered and the transport starts its answer: the protocol's SEND_START.</summary>
    public static void Sending(this InferenceTrace? trace) =>
        trace?.Stamp(trace.Protocol == TraceProtocol.Http ? InferenceTrace.HttpSendStart : InferenceTrace.GrpcSendStart);

    /// <summary>The answer is sent: the protocol's SEND_END, then the trace goes to the writer if it reached a model.</summary>
    public static void Sent(this InferenceTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (!trace.ReachedModel)
        {
            return;
        }

        trace.Stamp(trace.Protocol == TraceProtocol.Http ? InferenceTrace.HttpSendEnd : InferenceTrace.GrpcSendEnd);
        trace.Owner.Submit(trace);
    }
}
