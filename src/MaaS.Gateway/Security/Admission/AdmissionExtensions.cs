using MaaS.Gateway.Grpc;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;

namespace MaaS.Gateway.Security.Admission;

/// <summary>How a costed endpoint is admitted.</summary>
internal enum AdmissionMode
{
    /// <summary>Charged to the budget and run in its turn of the work queue: CPU work (inference, text models, recommendations).</summary>
    Queued,

    /// <summary>Charged to the budget only: store writes, which their own writer paces.</summary>
    Budget,
}

/// <summary>
/// Endpoint metadata: this endpoint's requests are costed. Minimal APIs get it from
/// <see cref="AdmissionExtensions.RequireAdmission{TBuilder}"/>; a gRPC method carries it as an attribute and charges
/// its parsed message itself (<see cref="AdmissionTicket.AdmitAsync"/>), since endpoint filters do not run there.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class AdmissionAttribute(AdmissionMode mode = AdmissionMode.Queued) : Attribute
{
    public AdmissionMode Mode { get; } = mode;
}

/// <summary>
/// Registration and wiring of <see cref="AdmissionControl"/>: a middleware after the per-key rate limiter admits
/// costed requests before their bodies are read, and an endpoint filter, after binding, charges the parsed body's cost
/// and waits for work capacity. Endpoints without <see cref="AdmissionAttribute"/> (ping, health, metadata, listings)
/// never touch either, so they never wait behind costed work.
/// </summary>
internal static class AdmissionExtensions
{
    public static IServiceCollection AddGatewayAdmission(this IServiceCollection services)
    {
        // The options are bound and validated with Auth; the library takes them as they are.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value.Admission);
        services.AddSingleton<AdmissionControl>();
        return services;
    }

    /// <summary>Marks an endpoint's requests as costed work.</summary>
    public static TBuilder RequireAdmission<TBuilder>(this TBuilder builder, AdmissionMode mode = AdmissionMode.Queued)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new AdmissionAttribute(mode));
        builder.AddEndpointFilter<TBuilder, AdmissionFilter>();
        return builder;
    }

    /// <summary>Admits costed requests before their bodies are read (429 with Retry-After when refused).</summary>
    public static IApplicationBuilder UseAdmission(this IApplicationBuilder app)
    {
        var control = app.ApplicationServices.GetRequiredService<AdmissionControl>();
        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<AdmissionAttribute>() is not { } metadata)
            {
                await next(context);
                return;
            }

            bool canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false };
            long declared = canHaveBody ? context.Request.ContentLength ?? 0 : 0;
            if (!control.TryEnter(PartitionOf(context), declared, metadata.Mode == AdmissionMode.Queued, out var ticket, out var refusal))
            {
                await SecurityResponses.WriteRateLimitedAsync(context, refusal.Detail, refusal.RetryAfter);
                return;
            }

            using (ticket)
            {
                context.Features.Set(ticket);
                // A gRPC message is counted once parsed (AdmitAsync): Grpc.AspNetCore reads it inside the call, where a
                // refusal from the body stream would surface as UNKNOWN instead of RESOURCE_EXHAUSTED.
                if (canHaveBody && context.Request.ContentLength is null && !context.Request.IsGrpc())
                {
                    context.Request.Body = new AdmissionBodyStream(context.Request.Body, ticket);
                }

                try
                {
                    await next(context);
                }
                catch (AdmissionRefusedException refused) when (!context.Response.HasStarted)
                {
                    await SecurityResponses.WriteRateLimitedAsync(context, refused.Refusal.Detail, refused.Refusal.RetryAfter);
                }
            }
        });
    }

    /// <summary>Whose budget a request uses: its key's tenant, or its client address when it has no key's limits (authentication off).</summary>
    private static AdmissionPartition PartitionOf(HttpContext context) =>
        context.Features.Get<ApiKeyIdentity>() is { Limits: not null } identity
            ? AdmissionPartition.OfTenant(identity.Tenant)
            : AdmissionPartition.OfAddress(context.Connection.RemoteIpAddress);
}

/// <summary>
/// After binding: charges the parsed body's cost (<see cref="IWorkCost"/>; 1 for a request without a body) and, for
/// queued endpoints, holds the request until the work queue gives it room. A body that could not be read is neither
/// charged nor queued: the handler answers its 400 at once.
/// </summary>
internal sealed class AdmissionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Features.Get<AdmissionTicket>() is not { } ticket || Cost(context.Arguments) is not long units)
        {
            return await next(context);
        }

        ticket.Charge(units);
        if (!ticket.UsesWorkQueue)
        {
            return await next(context);
        }

        IDisposable grant;
        try
        {
            grant = await ticket.WaitForWorkAsync(units, context.HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (context.HttpContext.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested != true)
        {
            // The client left while its request waited (a timeout instead goes on to the timeouts middleware's 504).
            return SecurityResponses.Result(context.HttpContext, ErrorCode.ClientClosedRequest, "the request was cancelled while it waited for work capacity");
        }

        using (grant)
        {
            return await next(context);
        }
    }

    private static long? Cost(IList<object?> arguments)
    {
        foreach (object? argument in arguments)
        {
            if (argument is ICostedBody body)
            {
                return body.WorkCost;
            }
        }

        return 1;
    }
}

/// <summary>A bound request body as admission sees it (<c>Body&lt;T&gt;</c>).</summary>
internal interface ICostedBody
{
    /// <summary>The parsed body's cost (1 when it declares none), or null when the body could not be read.</summary>
    long? WorkCost { get; }
}
