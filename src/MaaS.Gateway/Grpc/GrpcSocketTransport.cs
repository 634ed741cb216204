using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace MaaS.Gateway.Grpc;

/// <summary>
/// Binds the gRPC port (and only it) with socket transport options of its own, <see cref="GrpcOptions.Sockets"/>:
/// Kestrel asks the last registered listener factory first and passes an endpoint this one declines
/// (<see cref="CanBind"/>) to the shared socket transport, so the HTTP port keeps the framework's defaults.
/// </summary>
/// <remarks>
/// What makes inline scheduling safe here and nowhere else: the port speaks HTTP/2 only, and Kestrel's HTTP/2
/// connection always queues a stream's request to the thread pool ("must not allow app code to block the connection
/// handling loop"), reads its body through a pipe whose reader is scheduled on the thread pool, and writes responses from
/// its frame writer's own loop. So what runs on the socket's I/O thread is Kestrel's frame reading, HPACK and the send,
/// never an endpoint: a slow handler holds a thread-pool thread as it does on the HTTP port. On an HTTP/1.1 port the
/// same setting would run every endpoint on the I/O thread that serves all connections.
/// </remarks>
internal sealed class GrpcSocketTransport : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly int _port;
    private readonly SocketTransportFactory _sockets;

    public GrpcSocketTransport(IOptions<GrpcOptions> grpc, ILoggerFactory loggers)
    {
        _port = grpc.Value.Port;
        _sockets = new SocketTransportFactory(Options.Create(grpc.Value.Sockets.ToTransportOptions()), loggers);
    }

    /// <summary>Whether the endpoint is the gRPC port (on any address Kestrel binds for its URL).</summary>
    public bool CanBind(EndPoint endpoint) => _port > 0 && endpoint is IPEndPoint ip && ip.Port == _port;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        _sockets.BindAsync(endpoint, cancellationToken);
}

/// <summary>
/// Socket transport settings of the gRPC port (section <c>Grpc:Sockets</c>), the subset of Kestrel's
/// <see cref="SocketTransportOptions"/> that decides how a connection's I/O is scheduled; unset ones keep Kestrel's
/// defaults (inline scheduling off, as Kestrel's; docs/benchmarks.md, branch <c>serving6</c>, has the A/B).
/// </summary>
internal sealed class GrpcSocketOptions
{
    /// <summary>
    /// Run the connection's socket completions and pipe continuations on the I/O thread instead of queueing each to the
    /// thread pool (<see cref="SocketTransportOptions.UnsafePreferInlineScheduling"/>). Safe on this HTTP/2-only port:
    /// see <see cref="GrpcSocketTransport"/>.
    /// </summary>
    public bool InlineScheduling { get; set; }

    /// <summary>Kestrel's I/O queues (<see cref="SocketTransportOptions.IOQueueCount"/>); 0 schedules to the thread pool; null keeps the default.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 64)]
    public int? IOQueueCount { get; set; }

    /// <summary><see cref="SocketTransportOptions.WaitForDataBeforeAllocatingBuffer"/>; null keeps the default (true).</summary>
    public bool? WaitForDataBeforeAllocatingBuffer { get; set; }

    internal SocketTransportOptions ToTransportOptions()
    {
        var options = new SocketTransportOptions { UnsafePreferInlineScheduling = InlineScheduling };
        if (IOQueueCount is { } queues)
        {
            options.IOQueueCount = queues;
        }

        if (WaitForDataBeforeAllocatingBuffer is { } wait)
        {
            options.WaitForDataBeforeAllocatingBuffer = wait;
        }

        return options;
    }
}
