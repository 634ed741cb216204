namespace MaaS.Storage.Validation;

/// <summary>Source-generated log messages shared by both providers (no ids or connection strings are logged).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "{Provider} storage operation {Operation} failed")]
    public static partial void OperationFailed(ILogger logger, string provider, string operation, Exception exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "{Provider} schema migrated from version {From} to {To}")]
    public static partial void Migrated(ILogger logger, string provider, int from, int to);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "{Provider} storage opened (schema version {Version}, keys and market schema version {SecurityVersion})")]
    public static partial void Opened(ILogger logger, string provider, int version, int securityVersion);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "{Provider} storage could not be opened")]
    public static partial void OpenFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "{Provider} catalogue change listener lost its connection; other replicas' changes arrive by polling until it reconnects")]
    public static partial void ListenerFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "{Provider} privacy migration: {Users} user ids pseudonymised, {Sealed} events encrypted")]
    public static partial void PrivacyMigrated(ILogger logger, string provider, long users, long @sealed);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "{Provider} writer did not stop within {Seconds} s of shutdown; its connection is closed when the work it holds ends")]
    public static partial void WriterStopTimedOut(ILogger logger, string provider, double seconds);
}
