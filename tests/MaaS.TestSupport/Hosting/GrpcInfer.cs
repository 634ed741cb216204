using System.Runtime.InteropServices;
using Google.Protobuf;
using MaaS.Grpc.Protocol;

namespace MaaS.TestSupport.Hosting;

/// <summary>KServe V2 gRPC infer requests for the bundled example MLP, as <see cref="V2Json"/> builds them for HTTP.</summary>
public static class GrpcInfer
{
    /// <summary>One row of the example MLP's 8 features: what <see cref="SecureGateway.MlpInferBody"/> sends over HTTP.</summary>
    public static IReadOnlyList<float> MlpRow { get; } = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f];

    /// <summary>
    /// A <c>ModelInfer</c> request for <c>example-mlp</c>: its FP32 <c>input</c> of shape [rows, 8] in
    /// <c>raw_input_contents</c>, the rows being <paramref name="features"/> (a multiple of 8 values) in order.
    /// </summary>
    public static ModelInferRequest Mlp(IReadOnlyList<float> features)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(features.Count % 8, 0, nameof(features));
        var request = new ModelInferRequest { ModelName = "example-mlp" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
        input.Shape.Add([features.Count / 8, 8]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(features.ToArray().AsSpan())));
        return request;
    }
}
