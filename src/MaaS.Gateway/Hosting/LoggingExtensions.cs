using MaaS.Logging;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace MaaS.Gateway.Hosting;

/// <summary>
/// Serilog: levels from the <c>Serilog</c> section, console output as text or compact JSON (<c>Logging:JsonConsole</c>),
/// and one structured log event per request enriched by endpoints (model, version, batch size, queue and compute ms),
/// written at Debug (Error for a 5xx): a busy gateway at the default Information level logs its life cycle, not its traffic.
/// The default level and the console's format follow <see cref="RuntimeLogSettings"/>, which <c>/v2/logging</c> changes at run time.
/// </summary>
internal static class LoggingExtensions
{
    public static IHostApplicationBuilder AddGatewayLogging(this IHostApplicationBuilder builder)
    {
        bool json = builder.Configuration.GetValue<bool>("Logging:JsonConsole");
        var configured = builder.Configuration["Serilog:MinimumLevel:Default"] ?? builder.Configuration["Serilog:MinimumLevel"];
        var settings = new RuntimeLogSettings(Enum.TryParse(configured, ignoreCase: true, out LogEventLevel level) ? level : LogEventLevel.Information, json);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSerilog(
            (services, logger) =>
            {
                logger.MinimumLevel.Information()
                    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                    .ReadFrom.Configuration(builder.Configuration)
                    .ReadFrom.Services(services)
                    .Enrich.FromLogContext()
                    // A port already taken is reported by GatewayRunner in one line; Kestrel and the host would add
                    // their own errors with the same stack trace.
                    .Filter.ByExcluding(e => GatewayRunner.IsAddressInUse(e.Exception))
                    // After the configuration, which would set the default level: the settings hold it from here on.
                    .MinimumLevel.ControlledBy(settings.LevelSwitch)
                    .Filter.With(settings);
                if (json)
                {
                    logger.WriteTo.Console(new CompactJsonFormatter());
                }
                else
                {
                    logger.WriteTo.Console(settings.ConsoleFormatter(System.Globalization.CultureInfo.InvariantCulture));
                }
            },
            preserveStaticLogger: true);
        return builder;
    }

    public static IApplicationBuilder UseGatewayRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // The logger from DI: the static Log.Logger is left alone so several hosts can share a process (tests).
            // Named like every other source, so each console line says where it comes from.
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>().ForContext(Serilog.Core.Constants.SourceContextPropertyName, RequestsSource);
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.000} ms";
            options.GetMessageTemplateProperties = (http, path, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(http.Request.Method)),
                new LogEventProperty("RequestPath", new ScalarValue(LogSafePath(http, path))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ];
            options.GetLevel = (http, _, exception) =>
                exception is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error : LogEventLevel.Debug;
        });

    /// <summary>Source name of the per-request log events (set its level under <c>Serilog:MinimumLevel:Override</c>).</summary>
    public const string RequestsSource = "MaaS.Gateway.Requests";

    /// <summary>User ids are personal data: under /v1/users the route template stands for the path (no raw id in logs).</summary>
    private static string LogSafePath(HttpContext http, string path) =>
        http.Request.Path.StartsWithSegments("/v1/users")
            ? (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "/v1/users/{id}"
            : path;
}
