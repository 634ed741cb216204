using System.Diagnostics.CodeAnalysis;

namespace MaaS.Storage.Abstractions;

/// <summary>The expected ways a storage call can fail; callers map them to responses in one place.</summary>
public enum StorageErrorKind
{
    /// <summary>The input broke a rule (empty id, NaN value, id too long...); see <see cref="StorageError.Failures"/>.</summary>
    InvalidInput,

    /// <summary>The requested item or user does not exist in the tenant.</summary>
    NotFound,

    /// <summary>The database could not be reached or refused the operation (I/O error, connection refused, disk full).</summary>
    Unavailable,
}

/// <summary>One broken input rule.</summary>
/// <param name="Index">Position of the offending element in the batch, or -1 for a scalar argument.</param>
/// <param name="Field">The field or argument name, e.g. <c>EventId</c>.</param>
/// <param name="Reason">What is wrong, without echoing the value (ids may be personal data).</param>
public sealed record ValidationFailure(int Index, string Field, string Reason);

/// <summary>Why a storage call failed.</summary>
/// <param name="Kind">The category callers switch on.</param>
/// <param name="Message">Human-readable summary; never contains user ids or credentials.</param>
/// <param name="Failures">Every broken rule for <see cref="StorageErrorKind.InvalidInput"/>; empty otherwise.</param>
public sealed record StorageError(StorageErrorKind Kind, string Message, IReadOnlyList<ValidationFailure> Failures)
{
    internal static StorageError Invalid(IReadOnlyList<ValidationFailure> failures) =>
        new(StorageErrorKind.InvalidInput, $"{failures.Count} input rule(s) broken; first: {failures[0].Field} {failures[0].Reason}", failures);

    internal static StorageError Invalid(string field, string reason) => Invalid([new ValidationFailure(-1, field, reason)]);

    internal static StorageError NotFound(string what) => new(StorageErrorKind.NotFound, $"{what} not found", []);

    internal static StorageError Unavailable(string message) => new(StorageErrorKind.Unavailable, message, []);
}

/// <summary>A value or the <see cref="StorageError"/> explaining why there is none.</summary>
public readonly struct StorageResult<T>
{
    private readonly T? _value;

    private StorageResult(T? value, StorageError? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>The failure, or null on success.</summary>
    public StorageError? Error { get; }

    /// <summary>True when <see cref="Value"/> holds the result.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The result; throws <see cref="InvalidOperationException"/> when the call failed (a caller bug).</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"No value: {Error.Kind}: {Error.Message}");

    public static StorageResult<T> Success(T value) => new(value, null);

    public static StorageResult<T> Failure(StorageError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator StorageResult<T>(StorageError error) => Failure(error);

    public static implicit operator StorageResult<T>(T value) => Success(value);

    /// <summary>Gets the value when the call succeeded.</summary>
    public bool TryGetValue([MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out StorageError? error)
    {
        value = _value;
        error = Error;
        return error is null;
    }

    public override string ToString() => IsSuccess ? $"Success({_value})" : $"Failure({Error.Kind}: {Error.Message})";
}
