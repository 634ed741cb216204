namespace MaaS.Storage.Validation;

/// <summary>An input refused before any database work, as the completed result a store method returns.</summary>
internal static class Refusal
{
    public static ValueTask<Result<T>> Of<T>(Error invalid) => ValueTask.FromResult<Result<T>>(invalid);
}
