namespace MaaS.Models.Inference;

/// <summary>Expected failures of registry and inference calls. The gateway maps each to one HTTP status.</summary>
public enum ModelFailure
{
    /// <summary>No failure.</summary>
    None = 0,
    /// <summary>No model of that name in the repository (404).</summary>
    ModelNotFound,
    /// <summary>The model exists but not that version (404).</summary>
    VersionNotFound,
    /// <summary>The model or version is known but not ready: failed to load, unloaded, or its circuit is open (503).</summary>
    NotReady,
    /// <summary>The request does not fit the model: names, datatypes, shapes, element counts, value ranges (400).</summary>
    InvalidInput,
    /// <summary>The model's queue is full; retry later (429).</summary>
    Overloaded,
    /// <summary>The request did not complete within the per-request timeout (504).</summary>
    Timeout,
    /// <summary>The caller cancelled (client went away).</summary>
    Cancelled,
    /// <summary>The runtime failed while running a valid request (500); counts towards the circuit breaker.</summary>
    InferenceFailed,
    /// <summary>The operation does not apply to this model (for example tensor inference on a non-tensor format) (400).</summary>
    Unsupported,
    /// <summary>A repository operation could not be done: bad folder, bad model.json (400).</summary>
    RepositoryError,
}

/// <summary>
/// The value or the expected failure of an operation (errors are values, not exceptions).
/// </summary>
/// <typeparam name="T">Success value type.</typeparam>
public readonly record struct ModelResult<T>
{
    private ModelResult(T? value, ModelFailure failure, string? message)
    {
        Value = value;
        Failure = failure;
        Message = message;
    }

    /// <summary>The value; meaningful only when <see cref="IsSuccess"/>.</summary>
    public T? Value { get; }

    /// <summary>The failure kind; <see cref="ModelFailure.None"/> on success.</summary>
    public ModelFailure Failure { get; }

    /// <summary>Human-readable reason on failure (safe to return to clients).</summary>
    public string? Message { get; }

    /// <summary>True when the operation succeeded.</summary>
    public bool IsSuccess => Failure == ModelFailure.None;

    /// <summary>A success.</summary>
    public static ModelResult<T> Ok(T value) => new(value, ModelFailure.None, null);

    /// <summary>A failure with a reason.</summary>
    public static ModelResult<T> Fail(ModelFailure failure, string message)
    {
        if (failure == ModelFailure.None)
        {
            throw new ArgumentOutOfRangeException(nameof(failure), "A failure needs a kind.");
        }

        return new(default, failure, message);
    }

    /// <summary>The same failure re-typed.</summary>
    public ModelResult<TOther> Cast<TOther>() => ModelResult<TOther>.Fail(Failure, Message ?? Failure.ToString());
}
