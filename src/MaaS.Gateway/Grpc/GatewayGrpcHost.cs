using Grpc.Core;
using MaaS.Grpc;
using MaaS.Grpc.Protocol;
using MaaS.Models.Inference;
using MaaS.Models.SharedMemory;

namespace MaaS.Gateway.Grpc;

/// <summary>What the gRPC service reads from the gateway: its admission, request log, tenancy and server metadata.</summary>
internal sealed class GatewayGrpcHost(InferenceLogContext log, SharedMemoryRegistry sharedMemory) : IGrpcHost
{
    public V2ServerMetadataResponse Metadata => ServerEndpoints.Metadata(sharedMemory);

    public string ReadyTag => ServerEndpoints.ReadyTag;

    public string Tenant(ServerCallContext context) => context.GetHttpContext().GetTenant();

    /// <summary>
    /// Admission of a parsed call, as the endpoint filter does for <c>/v2</c>: its bytes held against the tenant's
    /// in-flight bytes, its cost (<see cref="WorkCosts.Tensors{TInput}(IReadOnlyList{TInput}, Func{TInput, IReadOnlyList{long}}, long)"/>) charged, then its turn in the
    /// fair work queue. The middleware has already refused a tenant in debt or at its in-flight cap before the read.
    /// </summary>
    public async ValueTask<IDisposable?> AdmitAsync(ModelInferRequest request, ServerCallContext context)
    {
        if (context.GetHttpContext().Features.Get<AdmissionTicket>() is not { } ticket)
        {
            return null;
        }

        long bytes = request.CalculateSize();
        try
        {
            var (grant, refusal) = await ticket.AdmitAsync(bytes, WorkCosts.Tensors(request.Inputs, static input => input.Shape, bytes), context.CancellationToken);
            return grant ?? throw GrpcErrors.Exception(ErrorCode.RateLimited, refusal.Detail);
        }
        catch (OperationCanceledException)
        {
            throw GrpcErrors.Exception(ErrorCode.ClientClosedRequest, "the call was cancelled while it waited for work capacity");
        }
    }

    public void Served(string model, InferenceResponse response) => log.Served(model, response);

    public void Failed(string model, ErrorCode code) => log.Failed(model, code);
}
