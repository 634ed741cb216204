namespace MaaS.Storage.Sqlite;

/// <summary>
/// One family of tables brought up to date by ordered scripts, recorded in its own version table. A file holds two
/// such families (<see cref="SqliteMigrations"/>, <see cref="SqliteSecurityMigrations"/>): each keeps its own
/// history, so a new key or market table never renumbers the data tables' versions, nor the other way round.
/// </summary>
/// <param name="versionTable">Table recording which scripts have run.</param>
/// <param name="subject">Names the family in the error a newer file raises, e.g. "Database schema".</param>
/// <param name="scripts">Script <c>v</c> brings the family from version <c>v</c> − 1 to <c>v</c>; a released script never changes.</param>
internal sealed class SqliteMigrationSet(string versionTable, string subject, string[] scripts)
{
    public int LatestVersion => scripts.Length;

    /// <summary>The script that brings a file from <paramref name="version"/> − 1 to it (tests build old files).</summary>
    public string Script(int version) => scripts[version - 1];

    /// <summary>
    /// Brings the family to <see cref="LatestVersion"/>. BEGIN IMMEDIATE takes the write lock first, so two processes
    /// opening the same new file cannot both apply version 1. Returns (from, to).
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is at a version newer than this build knows.</exception>
    public (int From, int To) Apply(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        Execute(connection, tx, $"CREATE TABLE IF NOT EXISTS {versionTable} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
        using var read = connection.CreateCommand();
        read.Transaction = tx;
        read.CommandText = $"SELECT coalesce(max(version), 0) FROM {versionTable}";
        var current = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException($"{subject} version {current} is newer than this build supports ({LatestVersion}).");
        }
        for (var v = current + 1; v <= LatestVersion; v++)
        {
            Execute(connection, tx, Script(v));
            using var mark = connection.CreateCommand();
            mark.Transaction = tx;
            mark.CommandText = $"INSERT INTO {versionTable} (version, applied_at) VALUES ($v, $at)";
            mark.Parameters.AddWithValue("$v", v);
            mark.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            mark.ExecuteNonQuery();
        }
        tx.Commit();
        return (current, LatestVersion);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
