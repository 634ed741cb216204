using MaaS.Logging;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>
/// Triton's logging extension (<c>/v2/logging</c>): this process's log settings, read and changed while it runs
/// (<see cref="RuntimeLogSettings"/>); the whole server's, so only the operator tenant's admins may.
/// </summary>
internal static class LoggingEndpoints
{
    public static RouteGroupBuilder MapLoggingV2(this RouteGroupBuilder v2)
    {
        var logging = v2.MapGroup("/logging").RequireAuthorization(MaaSPolicies.Operator);
        logging.MapGet(string.Empty, (RuntimeLogSettings settings) => V2Json.Ok(settings.Current, LogSettingsJson.Answer))
            .WithName("V2LoggingGet")
            .WithSummary("This process's log settings: log_info, log_warning, log_error, log_verbose_level, log_format (log_file is always \"\").");
        logging.MapPost(string.Empty, Update)
            .WithName("V2LoggingUpdate")
            .WithRequestExample("""{"log_verbose_level":0}""")
            .WithSummary("Changes the settings given, at once and in this process only, and answers them all; a bad value changes none.");
        return v2;
    }

    private static Results<V2Json<LogSettings>, V2Error<RequestErrors>> Update(Body<LogSettingsHttpBody> body, RuntimeLogSettings settings) =>
        body.Result.TryGetValue(out var read, out var error) && settings.Update(read.Changes).TryGetValue(out var updated, out error)
            ? V2Json.Ok(updated, LogSettingsJson.Answer)
            : new V2Error<RequestErrors>(error);
}
