namespace MaaS.Storage.Validation;

/// <summary>
/// The feed of a store only this process writes (SQLite): always live, never reports, since the process's own
/// writers invalidate what they change; keys are the ids themselves.
/// </summary>
internal sealed class LocalUserChangeFeed : IUserChangeFeed
{
    public static LocalUserChangeFeed Instance { get; } = new();

    public bool IsLive => true;

    public string KeyOf(string tenant, string userId) => userId;

    public void Subscribe(Action<string?, string?> changed)
    {
    }

    public bool HasApplied(string sessionToken) => true;
}
