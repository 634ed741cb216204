namespace MaaS.Models.OpenInference;

/// <summary>
/// The body of <c>POST /v2/repository/models/{name}/default</c> (MaaS extension) read member by member, since a member
/// left out (kept) and a member given as null (cleared) mean different things: <c>{"version": 2}</c> pins,
/// <c>{"version": null}</c> unpins, <c>{"canary": {"version": 3, "percent": 10}}</c> starts or changes a canary,
/// <c>{"canary": null}</c> ends it; a body of neither (<c>{}</c> or <c>null</c>) unpins, as it always has.
/// </summary>
public static class V2VersionPolicyJson
{
    /// <summary>The change, or an InvalidRequest naming the member that is wrong.</summary>
    public static Result<VersionPolicyChange> Read(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Null)
        {
            return new VersionPolicyChange(true, null, false, null);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Error.InvalidField("body", "the request body must be a JSON object: {\"version\": n|null, \"canary\": {\"version\": n, \"percent\": 1..99}|null}");
        }

        bool setsVersion = false, setsCanary = false;
        long? version = null;
        VersionCanary? canary = null;
        foreach (var member in body.EnumerateObject())
        {
            switch (member.Name)
            {
                case "version":
                    setsVersion = true;
                    if (member.Value.ValueKind != JsonValueKind.Null)
                    {
                        if (!TryPositive(member.Value, out long v))
                        {
                            return Error.InvalidField("version", "version must be a positive integer or null");
                        }

                        version = v;
                    }

                    break;
                case "canary":
                    setsCanary = true;
                    if (member.Value.ValueKind != JsonValueKind.Null)
                    {
                        if (!ReadCanary(member.Value).TryGetValue(out canary, out var error))
                        {
                            return error;
                        }
                    }

                    break;
                default:
                    return Error.InvalidField(member.Name, $"unknown member '{member.Name}': give \"version\" and/or \"canary\"");
            }
        }

        // Neither member: the unpin that {} has always meant.
        return setsVersion || setsCanary ? new VersionPolicyChange(setsVersion, version, setsCanary, canary) : new VersionPolicyChange(true, null, false, null);
    }

    private static Result<VersionCanary> ReadCanary(JsonElement canary)
    {
        if (canary.ValueKind != JsonValueKind.Object)
        {
            return Error.InvalidField("canary", "canary must be an object {\"version\": n, \"percent\": 1..99}, or null to end it");
        }

        long? version = null;
        int? percent = null;
        foreach (var member in canary.EnumerateObject())
        {
            switch (member.Name)
            {
                case "version" when TryPositive(member.Value, out long v):
                    version = v;
                    break;
                case "version":
                    return Error.InvalidField("canary.version", "canary.version must be a positive integer");
                case "percent" when member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt32(out int p):
                    percent = p;
                    break;
                case "percent":
                    return Error.InvalidField("canary.percent", $"canary.percent must be an integer {VersionCanary.MinPercent}..{VersionCanary.MaxPercent}");
                default:
                    return Error.InvalidField("canary." + member.Name, $"unknown member 'canary.{member.Name}': give \"version\" and \"percent\"");
            }
        }

        if (version is not long canaryVersion)
        {
            return Error.InvalidField("canary.version", "canary.version is required");
        }

        return percent is int share
            ? new VersionCanary(canaryVersion, share)
            : Error.InvalidField("canary.percent", "canary.percent is required");
    }

    private static bool TryPositive(JsonElement value, out long number)
    {
        number = 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out number) && number > 0;
    }
}
