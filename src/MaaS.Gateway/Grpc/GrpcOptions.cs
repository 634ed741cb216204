using System.ComponentModel.DataAnnotations;

namespace MaaS.Gateway.Grpc;

/// <summary>The gRPC endpoint (section <c>Grpc</c>).</summary>
internal sealed class GrpcOptions
{
    public const string SectionName = "Grpc";

    /// <summary>
    /// Port of the gRPC endpoint (cleartext HTTP/2, h2c), on the host of the first HTTP URL (<c>Urls</c>), e.g. 8081
    /// beside the HTTP port 8080; 0 (the default) leaves gRPC off. Off by default because a fixed port would collide
    /// when several gateways share a host (tests/deploy/topology.sh runs replicas side by side).
    /// </summary>
    [Range(0, 65535)]
    public int Port { get; set; }

    /// <summary>Requests of one <c>ModelStreamInfer</c> stream running at once; at the bound the stream is not read.</summary>
    [Range(1, 1024)]
    public int MaxInFlightPerStream { get; set; } = 16;
}

/// <summary>Validates <see cref="GrpcOptions"/> from its annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class GrpcOptionsValidator : IValidateOptions<GrpcOptions>;
