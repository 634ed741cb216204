using Grpc.Core;

namespace MaaS.Grpc;

/// <summary>
/// The one map from <see cref="ErrorCode"/> to a gRPC status, the gRPC twin of <c>ApiErrors.StatusCode</c>: the
/// message is the one <c>/v2</c> puts in <c>{"error"}</c>.
/// </summary>
internal static class GrpcErrors
{
    public static StatusCode StatusCode(this ErrorCode code) => code switch
    {
        ErrorCode.InvalidRequest or ErrorCode.Unsupported or ErrorCode.UnsupportedMediaType => global::Grpc.Core.StatusCode.InvalidArgument,
        ErrorCode.ModelNotFound or ErrorCode.VersionNotFound or ErrorCode.NotFound => global::Grpc.Core.StatusCode.NotFound,
        ErrorCode.ModelNotReady or ErrorCode.DependencyUnavailable => global::Grpc.Core.StatusCode.Unavailable,
        ErrorCode.Overloaded or ErrorCode.RateLimited or ErrorCode.PayloadTooLarge => global::Grpc.Core.StatusCode.ResourceExhausted,
        ErrorCode.Timeout => global::Grpc.Core.StatusCode.DeadlineExceeded,
        ErrorCode.ClientClosedRequest => global::Grpc.Core.StatusCode.Cancelled,
        ErrorCode.Conflict => global::Grpc.Core.StatusCode.FailedPrecondition,
        ErrorCode.AlreadyExists => global::Grpc.Core.StatusCode.AlreadyExists,
        ErrorCode.Unauthorized => global::Grpc.Core.StatusCode.Unauthenticated,
        ErrorCode.Forbidden => global::Grpc.Core.StatusCode.PermissionDenied,
        ErrorCode.MethodNotAllowed => global::Grpc.Core.StatusCode.Unimplemented,
        // Only a model's fault on valid input is the server's.
        ErrorCode.InferenceFailed => global::Grpc.Core.StatusCode.Internal,
        _ => global::Grpc.Core.StatusCode.Unknown,
    };

    /// <summary>The exception Grpc.AspNetCore turns into the call's status; it is not logged as a server error.</summary>
    public static RpcException Exception(this Error error) => new(new Status(error.Code.StatusCode(), error.Message));

    public static RpcException Exception(ErrorCode code, string message) => new(new Status(code.StatusCode(), message));
}
