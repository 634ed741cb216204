namespace MaaS.Gateway.Contracts.V1;

/// <summary>The gateway's trivial liveness answer (<c>GET /v1/ping</c>).</summary>
/// <param name="Status">Always <c>ok</c>.</param>
public sealed record PingResponse(string Status);
