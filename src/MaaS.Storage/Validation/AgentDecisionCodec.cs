using System.Data.Common;

namespace MaaS.Storage.Validation;

/// <summary>
/// Reads a decision row, whose columns both stores select in the same order (sequence, then the record's own order:
/// decision id, tenant, agent, context, actions, chosen action, probability, decided at; then reward, source, rewarded
/// at, late reward, activated at: NULL while a deferred decision awaits activation), so a decision reads back the same from either; only how a time is stored differs
/// (<see cref="TimeCodec"/>).
/// </summary>
internal static class AgentDecisionCodec
{
    public static AgentDecision Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> time) =>
        new(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
            reader.GetDouble(7), time(reader, 8))
        {
            Sequence = reader.GetInt64(0),
            Reward = reader.IsDBNull(9) ? null : reader.GetDouble(9),
            // smallint in PostgreSQL, integer in SQLite.
            Source = (RewardSource)Convert.ToInt32(reader.GetValue(10), CultureInfo.InvariantCulture),
            RewardedAt = reader.IsDBNull(11) ? null : time(reader, 11),
            LateReward = reader.IsDBNull(12) ? null : reader.GetDouble(12),
            Inactive = reader.IsDBNull(13),
            ActivatedAt = reader.IsDBNull(13) ? null : time(reader, 13),
            LearnedIn = reader.IsDBNull(14) ? null : reader.GetInt64(14),
        };
}
