using MaaS.Grpc;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MaaS.Gateway.Grpc;

/// <summary>
/// The KServe V2 gRPC endpoint: its own port (<see cref="GrpcOptions.Port"/>) speaking HTTP/2 only, so cleartext
/// clients connect with prior knowledge (h2c), beside the HTTP port; the same middleware (authentication, roles,
/// per-key rate limits, metrics, request logging) runs in front of it. Server reflection is on. The service itself is
/// <c>MaaS.Grpc</c>'s; the gateway supplies what it reads from its host (<see cref="GatewayGrpcHost"/>).
/// </summary>
internal static class GrpcHostingExtensions
{
    public static WebApplicationBuilder AddGatewayGrpc(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<GrpcOptions, GrpcOptionsValidator>().BindConfiguration(GrpcOptions.SectionName);
        services.AddGrpc();
        // A message may be as large as an HTTP body: one limit for both protocols. Grpc.AspNetCore lifts Kestrel's
        // body limit for its calls and enforces this one instead (RESOURCE_EXHAUSTED).
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<AuthOptions>>((grpc, auth) =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, auth.Value.Limits.MaxRequestBodyBytes);
            grpc.MaxSendMessageSize = null;
        });
        services.AddGrpcReflection();
        services.AddSingleton<IGrpcHost, GatewayGrpcHost>();
        // Grpc.AspNetCore takes a registered service instead of building one per call (five dependencies resolved and
        // an object per ModelInfer); the service keeps no state of its own and its dependencies are singletons.
        services.AddSingleton<InferenceGrpcService>();

        // The port decides the listening addresses, so it is read now, before the server is built; an invalid one binds
        // nothing here and fails the start through ValidateOnStart, as every other invalid setting does.
        var options = builder.Configuration.GetSection(GrpcOptions.SectionName).Get<GrpcOptions>() ?? new GrpcOptions();
        if (options.Port > 0 && !new GrpcOptionsValidator().Validate(null, options).Failed)
        {
            int port = options.Port;
            string urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), GrpcUrl(urls, port)]);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
            {
                if (listen.IPEndPoint?.Port == port)
                {
                    listen.Protocols = HttpProtocols.Http2;
                }
            }));
        }

        return builder;
    }

    public static WebApplication MapGatewayGrpc(this WebApplication app)
    {
        int port = app.Services.GetRequiredService<IOptions<GrpcOptions>>().Value.Port;
        if (port == 0)
        {
            return app;
        }

        // Only on the gRPC port: the HTTP port speaks HTTP/1.1 to browsers and proxies.
        string host = "*:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.MapGrpcService<InferenceGrpcService>().RequireHost(host).OnInferenceHotPath().Add(method =>
        {
            // The service marks its costed RPCs; the gateway's admission reads its own attribute from the endpoint.
            if (method.Metadata.OfType<CostedCallAttribute>().Any())
            {
                method.Metadata.Add(new AdmissionAttribute());
            }
        });
        // The schema is public, as the OpenAPI document is: grpcurl lists the services before it holds a key.
        app.MapGrpcReflectionService().RequireHost(host).AllowAnonymous();
        return app;
    }

    /// <summary>The gRPC URL on the host of the first HTTP URL (<c>http://+:8080</c> → <c>http://+:8081</c>).</summary>
    internal static string GrpcUrl(string urls, int port)
    {
        string first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        int scheme = first.IndexOf("://", StringComparison.Ordinal);
        string authority = scheme >= 0 ? first[(scheme + 3)..] : first;
        int slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        // The last colon outside an IPv6 literal's brackets starts the port.
        int colon = authority.LastIndexOf(':');
        string host = colon > authority.LastIndexOf(']') ? authority[..colon] : authority;
        return $"http://{host}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
