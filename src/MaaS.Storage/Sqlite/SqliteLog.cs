using Microsoft.Extensions.Logging;

namespace MaaS.Storage.Sqlite;

internal static partial class SqliteLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "SQLite journal is held by another process; this process falls back to synchronous=FULL (slower ingestion)")]
    public static partial void JournalHeldElsewhere(ILogger logger);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "SQLite journal replayed {Records} record(s) left by an unclean shutdown")]
    public static partial void Replayed(ILogger logger, int records);
}
