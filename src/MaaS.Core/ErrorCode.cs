namespace MaaS.Core;

/// <summary>
/// Expected failures, shared by the libraries and the hosts. Each maps to exactly one HTTP status (and gRPC status) in
/// the gateway; the name is the stable <c>code</c> clients see.
/// </summary>
public enum ErrorCode
{
    /// <summary>The request is malformed or its values are invalid (400); <see cref="Error.Problems"/> lists every broken rule.</summary>
    InvalidRequest,
    /// <summary>No such model (404).</summary>
    ModelNotFound,
    /// <summary>No such model version (404).</summary>
    VersionNotFound,
    /// <summary>Some other resource does not exist (404).</summary>
    NotFound,
    /// <summary>The model is not ready: failed to load, unloaded, or its circuit is open (503).</summary>
    ModelNotReady,
    /// <summary>The model's queue is full; retry later (429).</summary>
    Overloaded,
    /// <summary>The caller's request rate is over its limit; retry later (429).</summary>
    RateLimited,
    /// <summary>The work did not finish within its time limit (504).</summary>
    Timeout,
    /// <summary>The caller went away or cancelled before the answer (499).</summary>
    ClientClosedRequest,
    /// <summary>The model failed on valid input (500); counts towards the model's circuit breaker.</summary>
    InferenceFailed,
    /// <summary>The operation does not apply to this model or resource (400).</summary>
    Unsupported,
    /// <summary>The resource exists already or is in a conflicting state (409).</summary>
    Conflict,
    /// <summary>No valid credentials (401).</summary>
    Unauthorized,
    /// <summary>Credentials lack the permission (403).</summary>
    Forbidden,
    /// <summary>The path exists but not for this method (405).</summary>
    MethodNotAllowed,
    /// <summary>The body is too large (413).</summary>
    PayloadTooLarge,
    /// <summary>The body's content type is not one the operation reads (415).</summary>
    UnsupportedMediaType,
    /// <summary>A dependency (database, storage) is unavailable (503).</summary>
    DependencyUnavailable,
    /// <summary>
    /// A resource of that name exists already, where Triton says so with its own code: ALREADY_EXISTS over gRPC, and
    /// 400 over HTTP, as Triton's HTTP endpoint answers it (a shared memory region's name registered twice).
    /// </summary>
    AlreadyExists,
}
