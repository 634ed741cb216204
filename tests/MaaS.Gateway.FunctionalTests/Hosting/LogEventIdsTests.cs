using System.Reflection;
using Microsoft.Extensions.Logging;

namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>
/// Every source-generated log message of the product has an event id of its own: operators filter and alert on the id
/// (Serilog's <c>EventId</c> property), and two messages sharing one read as the same event. Read by reflection from
/// every MaaS assembly the gateway loads, so a new assembly or message is covered without listing it here.
/// </summary>
public sealed class LogEventIdsTests
{
    [Fact]
    public void LoggerMessages_EveryProductAssembly_EachEventIdDeclaredOnce()
    {
        var messages = ProductAssemblies()
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (x.Attribute!.EventId, Name: $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}"))
            .ToList();

        Assert.True(messages.Count >= 70, $"only {messages.Count} log messages found: is an assembly missing?");
        Assert.All(messages, m => Assert.True(m.EventId > 0, $"{m.Name} declares no event id"));
        var shared = messages.GroupBy(m => m.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}").ToList();
        Assert.True(shared.Count == 0, "event ids declared more than once:\n" + string.Join('\n', shared));
    }

    /// <summary>The gateway's assembly and every MaaS assembly it references, directly or not.</summary>
    private static List<Assembly> ProductAssemblies()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(Program).Assembly]);
        while (pending.TryPop(out var assembly))
        {
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }

            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("MaaS.", StringComparison.Ordinal)))
            {
                pending.Push(Assembly.Load(reference));
            }
        }

        return [.. found.Values];
    }
}
