namespace MaaS.Http.OpenApi;

/// <summary>The XML documentation the OpenAPI document's summaries come from, for a host and what it reaches.</summary>
internal static class XmlDocumentation
{
    /// <summary>
    /// The XML documentation files of <paramref name="host"/> and every MaaS assembly it reaches, in name order:
    /// contracts and the typed answers move between assemblies (MaaS.Http took the answers and errors), and a hand list
    /// went stale.
    /// </summary>
    public static IReadOnlyList<string> Files(Assembly host)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<AssemblyName>([host.GetName()]);
        while (pending.TryPop(out var name))
        {
            if (name.Name is not { } simple || !simple.StartsWith("MaaS.", StringComparison.Ordinal) || !seen.Add(simple))
            {
                continue;
            }

            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }

        return [.. seen.Select(simple => simple + ".xml")];
    }

    /// <summary>Reads each of <see cref="Files"/> that is beside the application into the document.</summary>
    public static void IncludeXmlDocumentation(this SwaggerGenOptions options, Assembly host)
    {
        foreach (string name in Files(host))
        {
            string path = Path.Combine(AppContext.BaseDirectory, name);
            if (File.Exists(path))
            {
                options.IncludeXmlComments(path);
            }
        }
    }
}
