using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace MaaS.Gateway.Grpc;

/// <summary>The gRPC endpoint (section <c>Grpc</c>).</summary>
internal sealed class GrpcOptions
{
    public const string SectionName = "Grpc";

    /// <summary>
    /// Port of the gRPC endpoint (cleartext HTTP/2, h2c), on the host of the first HTTP URL (<c>Urls</c>); 0 turns gRPC off.
    /// Default 8081, beside the HTTP port 8080.
    /// </summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8081;
}

/// <summary>Validates <see cref="GrpcOptions"/> from its annotations (source-generated).</summary>
[OptionsValidator]
internal sealed partial class GrpcOptionsValidator : IValidateOptions<GrpcOptions>;
