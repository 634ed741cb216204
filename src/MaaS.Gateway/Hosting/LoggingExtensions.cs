using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace MaaS.Gateway.Hosting;

/// <summary>
/// Serilog: levels from the <c>Serilog</c> section, console output as text or compact JSON (<c>Logging:JsonConsole</c>),
/// and one structured log event per request enriched by endpoints (model, version, batch size, queue and compute ms).
/// </summary>
internal static class LoggingExtensions
{
    public static IHostApplicationBuilder AddGatewayLogging(this IHostApplicationBuilder builder)
    {
        bool json = builder.Configuration.GetValue<bool>("Logging:JsonConsole");
        builder.Services.AddSerilog(
            (services, logger) =>
            {
                logger.MinimumLevel.Information()
                    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                    .ReadFrom.Configuration(builder.Configuration)
                    .ReadFrom.Services(services)
                    .Enrich.FromLogContext();
                if (json)
                {
                    logger.WriteTo.Console(new CompactJsonFormatter());
                }
                else
                {
                    logger.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture, outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
                }
            },
            preserveStaticLogger: true);
        return builder;
    }

    public static IApplicationBuilder UseGatewayRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // The logger from DI: the static Log.Logger is left alone so several hosts can share a process (tests).
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.000} ms";
            options.GetMessageTemplateProperties = (http, path, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(http.Request.Method)),
                new LogEventProperty("RequestPath", new ScalarValue(LogSafePath(http, path))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ];
            options.GetLevel = (http, _, exception) =>
                exception is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : http.Request.Path.StartsWithSegments("/metrics") || http.Request.Path.StartsWithSegments("/v2/health") ? LogEventLevel.Debug
                : LogEventLevel.Information;
        });

    /// <summary>User ids are personal data: under /v1/users the route template stands for the path (no raw id in logs).</summary>
    private static string LogSafePath(HttpContext http, string path) =>
        http.Request.Path.StartsWithSegments("/v1/users")
            ? (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "/v1/users/{id}"
            : path;
}
