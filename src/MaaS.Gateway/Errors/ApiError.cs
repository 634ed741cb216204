namespace MaaS.Gateway.Errors;

/// <summary>
/// Expected failures of gateway endpoints. Each maps to exactly one HTTP status and title in <see cref="ApiErrors"/>;
/// /v1 renders them as ProblemDetails, /v2 as <c>{"error": "..."}</c>.
/// </summary>
internal enum ApiError
{
    /// <summary>The request is malformed or its values are invalid (400).</summary>
    InvalidRequest,
    /// <summary>No such model (404).</summary>
    ModelNotFound,
    /// <summary>No such model version (404).</summary>
    VersionNotFound,
    /// <summary>Some other resource does not exist (404).</summary>
    NotFound,
    /// <summary>The model is not ready: failed to load, unloaded, or its circuit is open (503).</summary>
    ModelNotReady,
    /// <summary>The model's queue is full; retry after the Retry-After header (429).</summary>
    Overloaded,
    /// <summary>The caller's request rate is over its limit; retry after the Retry-After header (429).</summary>
    RateLimited,
    /// <summary>Inference did not finish within the request timeout (504).</summary>
    Timeout,
    /// <summary>The client went away before the answer (499).</summary>
    ClientClosedRequest,
    /// <summary>The model failed on valid input (500).</summary>
    InferenceFailed,
    /// <summary>The operation does not apply to this model or resource (400).</summary>
    Unsupported,
    /// <summary>The resource exists already or is in a conflicting state (409).</summary>
    Conflict,
    /// <summary>No valid credentials (401).</summary>
    Unauthorized,
    /// <summary>Credentials lack the permission (403).</summary>
    Forbidden,
    /// <summary>The path exists but not for this HTTP method (405).</summary>
    MethodNotAllowed,
    /// <summary>The body is too large (413).</summary>
    PayloadTooLarge,
    /// <summary>The body's Content-Type is not one the endpoint reads (415).</summary>
    UnsupportedMediaType,
    /// <summary>A dependency (database, storage) is unavailable (503).</summary>
    DependencyUnavailable,
}
