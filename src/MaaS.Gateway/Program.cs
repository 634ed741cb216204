using MaaS.Dashboard;
using MaaS.Gateway.Contracts;
using MaaS.Gateway.Grpc;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json lies beside the binary: read whatever the working directory (dotnet run, a checkout, an image).
    ContentRootPath = AppContext.BaseDirectory,
});

builder.AddGatewayLogging();
builder.Services.AddGatewayJson();
builder.Services.AddGatewayErrors();
builder.Services.AddGatewayTelemetry();
builder.Services.AddGatewaySwagger();
builder.AddGatewayStorage();
builder.AddModelServing();
builder.AddGatewaySecurity();
builder.AddTextModels();
builder.AddTraining();
builder.AddRecommendations();
builder.AddAgents();
builder.AddGatewayGrpc();
builder.Services.AddMaaSDashboard<GatewayDashboardHost>();

var app = builder.Build();

app.UseGatewayErrors();
app.UseSecurityHeaders();
app.UseGatewayRequestLogging();
app.UseGatewaySwagger();
app.UseGatewayHttpMetrics();
app.UseGatewaySecurity();

app.MapOpenInferenceProtocol();
app.MapModelsV1();
app.MapMarketV1();
app.MapKeysV1();
app.MapTextV1();
app.MapOpenAiV1();
app.MapTrainingV1();
app.MapRecommendationsV1();
app.MapAgentsV1();
app.MapGatewayMetrics();
app.MapGatewayGrpc();
app.MapMaaSDashboard();

return await app.RunGatewayAsync();

/// <summary>Entry point; public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
