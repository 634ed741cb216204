using MaaS.Gateway.Contracts;
using MaaS.Gateway.Endpoints.V1;
using MaaS.Gateway.Endpoints.V2;
using MaaS.Gateway.Errors;
using MaaS.Gateway.Hosting;
using MaaS.Gateway.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayLogging();
builder.Services.AddGatewayJson();
builder.Services.AddGatewayErrors();
builder.Services.AddGatewayTelemetry();
builder.Services.AddGatewaySwagger();
builder.AddModelServing();
// Other features register here: builder.AddStorage(), builder.AddRecommendations(), builder.AddTextModels(), ...

var app = builder.Build();

app.UseGatewayErrors();
app.UseGatewayRequestLogging();
app.UseGatewaySwagger();
app.UseGatewayHttpMetrics();

app.MapOpenInferenceProtocol();
app.MapModelsV1();
app.MapGatewayMetrics();
// Other features map here: app.MapRecommendationsV1(), app.MapSentimentV1(), ...

app.Run();

/// <summary>Entry point; public so functional tests can host it with WebApplicationFactory.</summary>
public partial class Program;
