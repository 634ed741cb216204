namespace MaaS.Services.Recommendations.Events;

/// <summary>
/// Read-your-writes across replicas, as Cosmos DB's session tokens give it: <c>POST /v1/events</c> answers with the
/// token of its commit (header <see cref="HeaderName"/> and field <c>sessionToken</c>; PostgreSQL only, and only when
/// something new was stored), and a <c>POST /v1/recommend</c> that sends it back in the same header is ranked on a
/// history that holds that commit, whichever replica serves it (<see cref="UserHistoryCache"/>).
/// </summary>
public static class SessionTokens
{
    /// <summary>The HTTP header both ways.</summary>
    public const string HeaderName = "MaaS-Session-Token";

    /// <summary>What a well-formed token is, as a 400 says it.</summary>
    public const string Rule = "must be a session token from POST /v1/events: 16 lower-case hex digits";

    private const int Length = 16;

    /// <summary>True for 16 lower-case hex digits, the shape the stores issue.</summary>
    public static bool IsWellFormed(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length != Length)
        {
            return false;
        }

        foreach (char c in token)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return true;
    }
}
