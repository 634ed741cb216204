var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

app.MapGet("/", () => "MaaS");

app.Run();

/// <summary>Entry point; public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
