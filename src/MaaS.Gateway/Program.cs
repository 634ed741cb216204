using MaaS.Gateway.Endpoints.V1;
using MaaS.Gateway.Endpoints.V2;
using MaaS.Gateway.Errors;
using MaaS.Gateway.Hosting;
using MaaS.Gateway.Recommendations;
using MaaS.Gateway.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayLogging();
builder.Services.AddGatewayErrors();
builder.Services.AddGatewayTelemetry();
builder.Services.AddGatewaySwagger();
builder.AddModelServing();
builder.AddTextModels();
builder.AddRecommendations();

var app = builder.Build();

app.UseGatewayErrors();
app.UseGatewayRequestLogging();
app.UseGatewaySwagger();
app.UseGatewayHttpMetrics();

app.MapOpenInferenceProtocol();
app.MapModelsV1();
app.MapTextV1();
app.MapRecommendationsV1();
app.MapGatewayMetrics();

app.Run();

/// <summary>Entry point; public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
