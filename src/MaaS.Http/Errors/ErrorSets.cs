namespace MaaS.Http.Errors;

// The error sets the endpoints declare, one per distinct list of codes and named for what its endpoints share: the
// error contract's vocabulary beside ApiProblem and V2Error, which are generic over them. Lists of MaaS.Core's codes
// only, so this project still references no service.

/// <summary>An unreadable or invalid request.</summary>
internal sealed class RequestErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest];
}

/// <summary>Reading a page of a list: a bad limit, an after that names nothing in the list, an unavailable store.</summary>
internal sealed class ListErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.DependencyUnavailable];
}

/// <summary>Finding a model version by name and version: a malformed version, an unknown model or version.</summary>
internal sealed class LookupErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.ModelNotFound, ErrorCode.VersionNotFound];
}

/// <summary>Finding a model by name alone (no version in the path; /v1 discovery): the model is unknown or invisible to the caller's tenant.</summary>
internal sealed class ModelLookupErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.ModelNotFound];
}

/// <summary>A model's own settings (the trace extension's): an invalid value, or the model is unknown.</summary>
internal sealed class ModelSettingErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.ModelNotFound];
}

/// <summary>Using a model's default version (no version in the path): the model is unknown, or has no ready version.</summary>
internal sealed class DefaultVersionErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.ModelNotFound, ErrorCode.ModelNotReady];
}

/// <summary>Using a model version: the lookup errors, or the version is not ready.</summary>
internal sealed class ModelErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [.. LookupErrors.Codes, ErrorCode.ModelNotReady];
}

/// <summary>Changing a model's version policy: the model errors, an invalid policy, or a store that cannot keep it.</summary>
internal sealed class VersionPolicyErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [.. ModelErrors.Codes, ErrorCode.DependencyUnavailable];
}

/// <summary>
/// Running a model: the model errors, plus what the body limit, the batcher and the model itself can answer, and a
/// shared memory region the call names that the caller's tenant has not registered.
/// <see cref="ErrorCode.ClientClosedRequest"/> is left out: no client is left to read it.
/// </summary>
internal sealed class InferenceErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } =
        [.. ModelErrors.Codes, ErrorCode.Unsupported, ErrorCode.NotFound, ErrorCode.PayloadTooLarge, ErrorCode.Overloaded, ErrorCode.InferenceFailed, ErrorCode.Timeout];
}

/// <summary>The shared memory extensions: a bad name, key or range, the extension off, an unknown region, a name taken or the tenant's bound reached.</summary>
internal sealed class SharedMemoryErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.Unsupported, ErrorCode.AlreadyExists, ErrorCode.NotFound, ErrorCode.Conflict];
}

/// <summary>Publishing a model: a bad card or file, a name another tenant holds, an upload over the limit, an unavailable store.</summary>
internal sealed class PublishErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } =
        [ErrorCode.InvalidRequest, ErrorCode.Conflict, ErrorCode.PayloadTooLarge, ErrorCode.DependencyUnavailable];
}

/// <summary>Quantising a model version: no such model or version, a format without ONNX weights or nothing to quantise, a quota, an unavailable store.</summary>
internal sealed class QuantizeErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } =
        [ErrorCode.InvalidRequest, ErrorCode.Unsupported, ErrorCode.ModelNotFound, ErrorCode.VersionNotFound, ErrorCode.ModelNotReady, ErrorCode.Conflict, ErrorCode.DependencyUnavailable];
}

/// <summary>
/// Acting on a published model as its owner (share, unshare, delete): a bad request or a bundled model, another
/// tenant's model, a model the tenant cannot see, an unavailable store.
/// </summary>
internal sealed class MarketModelErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } =
        [ErrorCode.InvalidRequest, ErrorCode.Unsupported, ErrorCode.Forbidden, ErrorCode.ModelNotFound, ErrorCode.NotFound, ErrorCode.DependencyUnavailable];
}

/// <summary>Creating or listing keys: broken rules, another tenant's keys, an unavailable store.</summary>
internal sealed class KeyErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.Forbidden, ErrorCode.DependencyUnavailable];
}

/// <summary>
/// A body read and validated whole, then answered from the store (recommending, submitting a training, defining an
/// agent): a bad or non-JSON body or a content type it does not read (a training lists every problem of its dataset, an
/// agent's definition or its policy model that does not validate), an unavailable store.
/// </summary>
internal sealed class BodyErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.UnsupportedMediaType, ErrorCode.DependencyUnavailable];
}

/// <summary>Storing a batch of items or events: a bad or non-JSON body, a batch over the size limit, an unavailable store.</summary>
internal sealed class BatchErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } =
        [ErrorCode.InvalidRequest, ErrorCode.PayloadTooLarge, ErrorCode.UnsupportedMediaType, ErrorCode.DependencyUnavailable];
}

/// <summary>
/// Reading or acting on one stored record by id or name (a catalogue item, a user's export, a key to revoke, an agent):
/// a malformed id, no such record in the tenant (a user without stored events), an unavailable store.
/// </summary>
internal sealed class RecordErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.NotFound, ErrorCode.DependencyUnavailable];
}

/// <summary>More like this: bad parameters, an unknown item, no similarity index yet.</summary>
internal sealed class SimilarItemsErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.NotFound, ErrorCode.ModelNotReady];
}

/// <summary>Analysing, exporting or erasing a user, or reading the attribution report: a malformed id or parameter, an unavailable store (never a 404: a user without events, a range without counts, has the empty answer).</summary>
internal sealed class UserErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.InvalidRequest, ErrorCode.DependencyUnavailable];
}

/// <summary>Requesting an index rebuild: a store beyond the build limits, nothing to build, stopping, an unavailable store.</summary>
internal sealed class RebuildErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } =
        [ErrorCode.Unsupported, ErrorCode.Conflict, ErrorCode.ModelNotReady, ErrorCode.DependencyUnavailable];
}

/// <summary>Reading a rebuild job: no such job in the tenant.</summary>
internal sealed class RebuildJobErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.NotFound];
}

/// <summary>Searching the catalogue: a bad or non-JSON body, the embedding model unknown, busy, not ready or too slow, an unavailable store.</summary>
internal sealed class SearchErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } =
    [
        ErrorCode.InvalidRequest, ErrorCode.UnsupportedMediaType, ErrorCode.ModelNotFound, ErrorCode.Overloaded,
        ErrorCode.ModelNotReady, ErrorCode.Timeout, ErrorCode.DependencyUnavailable,
    ];
}

/// <summary>Reporting outcomes to an agent: the record errors of the agent (by name), or a bad or non-JSON body.</summary>
internal sealed class AgentOutcomeErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [.. RecordErrors.Codes, ErrorCode.UnsupportedMediaType];
}

/// <summary>
/// Deciding or evaluating with an agent's policy: the outcome errors, nothing left to choose (or an onnx policy model
/// that no longer fits the agent), and what running that model can answer (unknown, not ready, busy, failed, too slow).
/// </summary>
internal sealed class AgentPolicyErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } =
    [
        .. AgentOutcomeErrors.Codes, ErrorCode.Conflict, ErrorCode.Unsupported, ErrorCode.ModelNotFound, ErrorCode.ModelNotReady,
        ErrorCode.Overloaded, ErrorCode.InferenceFailed, ErrorCode.Timeout,
    ];
}

/// <summary>Reading or cancelling a training: no such job in the tenant, an unavailable store.</summary>
internal sealed class TrainingJobErrors : IErrorSet
{
    public static IReadOnlyList<ErrorCode> Codes { get; } = [ErrorCode.NotFound, ErrorCode.DependencyUnavailable];
}
