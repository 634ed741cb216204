namespace MaaS.Storage.Validation;

/// <summary>
/// Both stores keep event times at millisecond precision in UTC (SQLite as Unix milliseconds, PostgreSQL as
/// timestamptz), so the same event reads back identically from either.
/// </summary>
internal static class TimeCodec
{
    public static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTime ToUtcDateTime(DateTimeOffset value) =>
        DateTime.SpecifyKind(DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()).UtcDateTime, DateTimeKind.Utc);

    public static DateTimeOffset FromUtcDateTime(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
