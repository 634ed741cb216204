using Grpc.Core;
using MaaS.Grpc;
using MaaS.Grpc.Protocol;
using MaaS.Models.Inference;
using MaaS.Models.SharedMemory;

namespace MaaS.Gateway.Grpc;

/// <summary>What the gRPC service reads from the gateway: its admission, request log, tenancy and server metadata.</summary>
internal sealed class GatewayGrpcHost(
    InferenceLogContext log, SharedMemoryRegistry sharedMemory, KeyRequestRate rate, IOptions<GrpcOptions> options) : IGrpcHost
{
    public int MaxInFlightPerStream => options.Value.MaxInFlightPerStream;

    public V2ServerMetadataResponse Metadata => ServerEndpoints.Metadata(sharedMemory);

    public string ReadyTag => ServerEndpoints.ReadyTag;

    public string Tenant(ServerCallContext context) => context.GetHttpContext().GetTenant();

    /// <summary>
    /// Admission of a parsed call, as the endpoint filter does for <c>/v2</c>: its bytes held against the tenant's
    /// in-flight bytes, its cost (<see cref="WorkCosts.Tensors{TInput}(IReadOnlyList{TInput}, Func{TInput, IReadOnlyList{long}}, long)"/>) charged, then its turn in the
    /// fair work queue. The middleware has already refused a tenant in debt or at its in-flight cap before the read; a
    /// streamed request takes its key's rate token here and its ticket checks the budget (<see cref="AdmissionTicket.AdmitStreamedAsync"/>).
    /// </summary>
    public async ValueTask<IDisposable?> AdmitAsync(ModelInferRequest request, ServerCallContext context, bool streamed = false)
    {
        var http = context.GetHttpContext();
        if (streamed)
        {
            // The stream's HTTP request took one token when it opened; each of its requests takes its own.
            using var token = rate.Limiter.AttemptAcquire(http);
            if (!token.IsAcquired)
            {
                throw GrpcErrors.Exception(ErrorCode.RateLimited, KeyLimits.ExceededDetail);
            }
        }

        if (http.Features.Get<AdmissionTicket>() is not { } ticket)
        {
            return null;
        }

        long bytes = request.CalculateSize();
        try
        {
            long units = WorkCosts.Tensors(request.Inputs, static input => input.Shape, bytes);
            var (grant, refusal) = streamed
                ? await ticket.AdmitStreamedAsync(bytes, units, context.CancellationToken)
                : await ticket.AdmitAsync(bytes, units, context.CancellationToken);
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
