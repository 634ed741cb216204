using System.Net.Sockets;
using MaaS.Gateway.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// The gRPC port's own socket transport: it takes that port and nothing else, and with its inline scheduling a handler
/// that holds its thread does not hold the port's other connections.
/// </summary>
public sealed class GrpcSocketTransportTests
{
    [Fact]
    public void CanBind_TheGrpcPortOnAnyAddress_OtherEndpointsLeftToKestrelsTransport()
    {
        var transport = Transport(18081);

        Assert.True(transport.CanBind(new IPEndPoint(IPAddress.Loopback, 18081)));
        Assert.True(transport.CanBind(new IPEndPoint(IPAddress.IPv6Any, 18081)));
        Assert.False(transport.CanBind(new IPEndPoint(IPAddress.Loopback, 18080)), "the HTTP port must keep the shared transport");
        Assert.False(transport.CanBind(new UnixDomainSocketEndPoint(Path.Combine(Path.GetTempPath(), "maas.sock"))));
        Assert.False(Transport(0).CanBind(new IPEndPoint(IPAddress.Loopback, 0)), "gRPC off binds nothing");
    }

    [Fact]
    public void ToTransportOptions_Defaults_Kestrels()
    {
        var kestrel = new SocketTransportOptions();

        var options = new GrpcSocketOptions().ToTransportOptions();

        Assert.Equal(kestrel.UnsafePreferInlineScheduling, options.UnsafePreferInlineScheduling);
        Assert.Equal(kestrel.IOQueueCount, options.IOQueueCount);
        Assert.Equal(kestrel.WaitForDataBeforeAllocatingBuffer, options.WaitForDataBeforeAllocatingBuffer);
    }

    [Fact]
    public void ToTransportOptions_EachSettingGiven_Applied()
    {
        var options = new GrpcSocketOptions { InlineScheduling = true, IOQueueCount = 0, WaitForDataBeforeAllocatingBuffer = false }.ToTransportOptions();

        Assert.True(options.UnsafePreferInlineScheduling);
        Assert.Equal(0, options.IOQueueCount);
        Assert.False(options.WaitForDataBeforeAllocatingBuffer);
    }

    /// <summary>
    /// Handlers that block their threads on the inline HTTP/2 port, one per connection and more of them than cores: a
    /// request on another connection is still answered while they wait, since Kestrel's HTTP/2 runs every stream on the
    /// thread pool, never on the thread that read its frames.
    /// </summary>
    [Fact]
    public async Task InlinePort_HandlersBlockingTheirThreads_AnotherConnectionStillAnswered()
    {
        var ct = TestContext.Current.CancellationToken;
        int port = ChildProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(Options.Create(new GrpcOptions { Port = port, Sockets = { InlineScheduling = true } }));
        builder.Services.AddSingleton<IConnectionListenerFactory, GrpcSocketTransport>();
        await using var app = builder.Build();
        using var release = new ManualResetEventSlim();
        int entered = 0;
        app.MapGet("/block", () =>
        {
            Interlocked.Increment(ref entered);
            release.Wait(TimeSpan.FromSeconds(30));
            return "released";
        });
        app.MapGet("/ping", () => "pong");
        await app.StartAsync(ct);

        int blockers = Environment.ProcessorCount + 1;
        var clients = Enumerable.Range(0, blockers + 1).Select(_ => H2Client(port)).ToList();
        try
        {
            var blocked = clients.Take(blockers).Select(c => c.GetStringAsync("/block", ct)).ToList();
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref entered) < blockers && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(20, ct);
            }

            Assert.Equal(blockers, Volatile.Read(ref entered));
            var ping = clients[^1].GetStringAsync("/ping", ct);
            var first = await Task.WhenAny(ping, Task.Delay(TimeSpan.FromSeconds(10), ct));
            Assert.True(first == ping, $"/ping on its own connection waited behind {blockers} blocked handlers");
            Assert.Equal("pong", await ping);

            release.Set();
            Assert.All(await Task.WhenAll(blocked), body => Assert.Equal("released", body));
        }
        finally
        {
            release.Set();
            clients.ForEach(c => c.Dispose());
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static GrpcSocketTransport Transport(int port) =>
        new(Options.Create(new GrpcOptions { Port = port }), NullLoggerFactory.Instance);

    /// <summary>A client with a connection of its own, cleartext HTTP/2 with prior knowledge.</summary>
    private static HttpClient H2Client(int port) => new(new SocketsHttpHandler())
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };
}
