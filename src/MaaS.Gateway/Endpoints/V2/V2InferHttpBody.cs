using System.Diagnostics;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>An infer request's body as the gateway binds it: read by MaaS.Http's <see cref="V2InferBodyReader"/>, costed here.</summary>
/// <param name="Value">The body.</param>
/// <param name="BodyBytes">The body's length, or the most it could have been when it was streamed without one.</param>
/// <param name="ReadStart">When its reading began (a <see cref="Stopwatch"/> timestamp): a trace's HTTP_RECV_START.</param>
/// <param name="ReadEnd">When it was read and parsed: a trace's HTTP_RECV_END.</param>
internal readonly record struct V2InferHttpBody(V2InferBody Value, long BodyBytes, long ReadStart, long ReadEnd) : IV2InferBody<V2InferHttpBody>, IWorkCost
{
    // The parser leaves null where the JSON says null; the handler refuses such bodies, so they cost the minimum.
    long IWorkCost.WorkCost => WorkCosts.Tensors(Value.Request.Inputs, static input => input?.Shape, BodyBytes);

    public static V2InferHttpBody Create(V2InferBody body, long bodyBytes, long readStart) => new(body, bodyBytes, readStart, Stopwatch.GetTimestamp());
}
