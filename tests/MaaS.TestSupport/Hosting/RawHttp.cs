using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MaaS.TestSupport.Hosting;

/// <summary>HTTP at the socket level, where HttpClient hides what a test must control.</summary>
public static class RawHttp
{
    /// <summary>
    /// POSTs <paramref name="json"/> to <paramref name="path"/> but holds its last bytes back until
    /// <paramref name="release"/> completes, so the request stays in flight (admitted, its body unread); returns the status.
    /// </summary>
    public static async Task<HttpStatusCode> PostHeldAsync(Uri server, string path, string key, string json, Task release, CancellationToken ct)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, ct);
        var stream = tcp.GetStream();
        byte[] body = Encoding.UTF8.GetBytes(json);
        string head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nAuthorization: Bearer {key}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
        await stream.WriteAsync(body.AsMemory(0, 1), ct);
        await stream.FlushAsync(ct);
        await release;
        await stream.WriteAsync(body.AsMemory(1), ct);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string statusLine = await reader.ReadLineAsync(ct) ?? string.Empty;
        return (HttpStatusCode)int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <summary>A handler whose connections come from <paramref name="source"/> (any 127.x address is loopback on Linux).</summary>
    public static SocketsHttpHandler HandlerFrom(IPAddress source) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
