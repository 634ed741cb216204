using System.Net.Sockets;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// A replica that dies mid-request, for nginx's upstream list: it reads a request, has a real gateway do the work
/// (the request is forwarded and its response awaited), then resets the connection without answering, as a replica
/// SIGKILLed between doing the work and replying would. Counts the requests it swallowed. Dispose to stop.
/// </summary>
internal sealed class DyingUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly HttpClient _gateway;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _swallowed;

    public DyingUpstream(Uri gateway)
    {
        _gateway = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync(_stopping.Token);
    }

    public Uri Address { get; }

    /// <summary>Requests done by the gateway behind it and then left without an answer.</summary>
    public int Swallowed => Volatile.Read(ref _swallowed);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _gateway.Dispose();
        _stopping.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(cancellationToken);
            _ = Task.Run(() => DieAsync(socket, cancellationToken), cancellationToken);
        }
    }

    private async Task DieAsync(Socket socket, CancellationToken cancellationToken)
    {
        using (socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            if (await ReadRequestAsync(stream, cancellationToken) is not { } request)
            {
                return;
            }

            using (var response = await _gateway.SendAsync(request, cancellationToken))
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
            }

            Interlocked.Increment(ref _swallowed);
            // Linger 0: close sends RST, the way a killed process's connections end.
            socket.LingerState = new LingerOption(true, 0);
        }
    }

    /// <summary>One HTTP/1.1 request with a Content-Length body (nginx buffers bodies before proxying), or null at end of stream.</summary>
    private static async Task<HttpRequestMessage?> ReadRequestAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var buffer = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (await stream.ReadAsync(buffer, cancellationToken) == 0)
            {
                return null;
            }

            head.Add(buffer[0]);
        }

        string[] lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] requestLine = lines[0].Split(' ');
        var headers = lines[1..].Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        byte[] body = new byte[headers.TryGetValue("Content-Length", out string? length) ? int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : 0];
        await stream.ReadExactlyAsync(body, cancellationToken);
        var request = new HttpRequestMessage(new HttpMethod(requestLine[0]), requestLine[1]) { Content = new ByteArrayContent(body) };
        if (headers.TryGetValue("Content-Type", out string? type))
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        foreach (string name in new[] { "Authorization", "X-Api-Key" }.Where(headers.ContainsKey))
        {
            request.Headers.TryAddWithoutValidation(name, headers[name]);
        }

        return request;
    }

    private static bool EndsWithBlankLine(List<byte> head) =>
        head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n';
}
