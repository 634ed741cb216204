using System.Net;
using System.Net.Sockets;

namespace MaaS.Services.Admission;

/// <summary>
/// Whose budget, in-flight cap and queue lane a request uses: its key's tenant, or, for a caller without a key's limits
/// (authentication off), its client address: an IPv4 address, or the /64 of an IPv6 one (a host usually holds a whole
/// /64, so single addresses would be free to rotate). Behind a proxy every caller shares the proxy's address.
/// </summary>
/// <param name="Key">Partition key: the tenant, or <c>ip:</c> and the address (tenants cannot contain ':').</param>
/// <param name="Description">Who it is, for answers: "tenant 'acme'" or "this client address".</param>
internal readonly record struct AdmissionPartition(string Key, string Description)
{
    /// <summary>The partition of a caller with a key's limits.</summary>
    public static AdmissionPartition OfTenant(string tenant) => new(tenant, $"tenant '{tenant}'");

    /// <summary>The partition of a caller known only by its address (authentication off).</summary>
    public static AdmissionPartition OfAddress(IPAddress? address) => new("ip:" + Address(address), "this client address");

    private static string Address(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
