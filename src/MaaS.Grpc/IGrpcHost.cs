using Grpc.Core;
using MaaS.Models.Inference;

namespace MaaS.Grpc;

/// <summary>
/// What <see cref="InferenceGrpcService"/> needs from the host that maps it, as the dashboard reads its host through
/// <c>IDashboardHost</c>: the host's admission of a costed call, its request log, the tenant of the caller and the
/// server's identity, which the host also serves over HTTP. The gateway implements it (<c>GatewayGrpcHost</c>).
/// </summary>
internal interface IGrpcHost
{
    /// <summary>The server's name, version and protocol extensions, the same that <c>GET /v2</c> answers.</summary>
    V2ServerMetadataResponse Metadata { get; }

    /// <summary>The health-check tag whose checks decide readiness, as for <c>/v2/health/ready</c>.</summary>
    string ReadyTag { get; }

    /// <summary>The tenant the authenticated caller acts for.</summary>
    string Tenant(ServerCallContext context);

    /// <summary>
    /// Admits a parsed <c>ModelInfer</c> call (a method marked <see cref="CostedCallAttribute"/>): a grant to dispose
    /// when the call ends, null when the host runs no admission for it; throws the call's status when refused.
    /// <paramref name="streamed"/>: one request of a <c>ModelStreamInfer</c> stream, admitted as a request of its own
    /// would be (the key's request rate, the budget, its bytes in flight, its turn for work).
    /// </summary>
    ValueTask<IDisposable?> AdmitAsync(ModelInferRequest request, ServerCallContext context, bool streamed = false);

    /// <summary>Requests of one <c>ModelStreamInfer</c> stream running at once, at most.</summary>
    int MaxInFlightPerStream { get; }

    /// <summary>Adds a served inference to the call's log event.</summary>
    void Served(string model, InferenceResponse response);

    /// <summary>Adds a failed inference to the call's log event.</summary>
    void Failed(string model, ErrorCode code);
}
