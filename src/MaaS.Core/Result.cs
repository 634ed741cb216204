using System.Diagnostics.CodeAnalysis;

namespace MaaS.Core;

/// <summary>
/// A value or the <see cref="Core.Error"/> explaining why there is none: expected failures are values, not exceptions.
/// The one result type of the libraries and the hosts.
/// </summary>
/// <typeparam name="T">The success value's type.</typeparam>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>The failure, or null on success.</summary>
    public Error? Error { get; }

    /// <summary>True when <see cref="Value"/> holds the result.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The result; throws <see cref="InvalidOperationException"/> when the operation failed (a caller bug).</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"No value: {Error}");

    /// <summary>A success.</summary>
    public static Result<T> Ok(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static Result<T> Fail(Error error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>A failure without field problems.</summary>
    public static Result<T> Fail(ErrorCode code, string message) => Fail(new Error(code, message));

    /// <summary>A failure.</summary>
    public static implicit operator Result<T>(Error error) => Fail(error);

    /// <summary>A success.</summary>
    public static implicit operator Result<T>(T value) => Ok(value);

    /// <summary>Gets the value when the operation succeeded, else the error.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out Error? error)
    {
        value = _value;
        error = Error;
        return error is null;
    }

    /// <summary>
    /// The next step, run on the value; a failure passes through without running it. A handler reads as bind → call →
    /// map: a request that did not bind reaches the answer as its own error.
    /// </summary>
    public ValueTask<Result<TNext>> ThenAsync<TNext>(Func<T, ValueTask<Result<TNext>>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Error is { } error ? ValueTask.FromResult(Result<TNext>.Fail(error)) : next(_value!);
    }

    /// <inheritdoc cref="ThenAsync{TNext}(Func{T, ValueTask{Result{TNext}}})"/>
    public async ValueTask<Result<TNext>> ThenAsync<TNext>(Func<T, Task<Result<TNext>>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Error is { } error ? Result<TNext>.Fail(error) : await next(_value!).ConfigureAwait(false);
    }

    /// <summary>This failure as a result of another type; throws when this is a success (a caller bug).</summary>
    public Result<TOther> Cast<TOther>() =>
        Error is { } error ? Result<TOther>.Fail(error) : throw new InvalidOperationException("A success cannot be re-typed as a failure.");

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"Ok({_value})" : $"Fail({Error})";
}
