using Microsoft.AspNetCore.Connections;

namespace MaaS.Gateway.Hosting;

/// <summary>
/// Runs the gateway until shutdown and turns the start-up failures an operator causes into one log line and exit code 1
/// instead of an unhandled exception (stack traces and SIGABRT).
/// </summary>
internal static partial class GatewayRunner
{
    /// <summary>Exit code when the gateway cannot start (the reason is logged).</summary>
    public const int StartFailed = 1;

    /// <summary>Starts, waits for shutdown, disposes; returns the process exit code.</summary>
    public static async Task<int> RunGatewayAsync(this WebApplication app)
    {
        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (IOException e) when (IsAddressInUse(e))
            {
                LogAddressInUse(app.Logger, e.Message);
                return StartFailed;
            }

            await app.WaitForShutdownAsync();
            return 0;
        }
    }

    /// <summary>Kestrel's bind failure: an <see cref="IOException"/> around <see cref="AddressInUseException"/>.</summary>
    public static bool IsAddressInUse(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Critical,
        Message = "Cannot start: {Reason} Another process (often a gateway still running) listens there; stop it or choose another address with --urls or the Urls setting.")]
    private static partial void LogAddressInUse(ILogger logger, string reason);
}
